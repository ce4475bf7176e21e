/** RFC 3339 in UTC without fractional seconds, the way Neon writes timestamps: `2024-02-23T17:42:25Z`. */
export function rfc3339Seconds(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
