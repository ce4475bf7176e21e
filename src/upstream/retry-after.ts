/**
 * Retry-After (RFC 9110 §10.2.3) in both of its forms: delta-seconds (`120`) or an HTTP-date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`). Seconds from `now`, never negative; undefined when the value
 * is neither (a provider's garbage must not become NaN waits).
 */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  // Only date-looking text: Date.parse also accepts bare numbers and other odd forms.
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - now) / 1000)) : undefined;
}

/**
 * The headers with Retry-After as delta-seconds, so an integration's rate-limit expressions
 * (`$number(headers.retry-after)`) read one form whatever the provider sent.
 */
export function normalizeRetryAfter(headers: Record<string, string>, now = Date.now()): Record<string, string> {
  const raw = headers['retry-after'];
  if (raw === undefined || /^\s*\d+\s*$/.test(raw)) return headers;
  const seconds = parseRetryAfter(raw, now);
  const { 'retry-after': _dropped, ...rest } = headers;
  return seconds === undefined ? rest : { ...rest, 'retry-after': String(seconds) };
}
