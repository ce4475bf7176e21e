/**
 * A minimal client for talking to the simulator in tests and scripts: one call, parsed body,
 * the request id, and no retries or other cleverness that could hide what the server did.
 */
/** Bodies default to `any` so tests can inspect them without a cast at every step. */
export interface SimResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  /** `x-neon-ret-request-id` */
  requestId: string | null;
}

export interface SimRequestOptions {
  /** Sent as `Authorization: Bearer <key>`. */
  key?: string;
  method?: string;
  /** JSON-encoded unless already a string. */
  body?: unknown;
  headers?: Record<string, string>;
}

export async function simRequest<T = any>(url: string, opts: SimRequestOptions = {}): Promise<SimResponse<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (opts.key !== undefined) headers.authorization = `Bearer ${opts.key}`;
  let body: string | undefined;
  if (opts.body !== undefined) {
    body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(url, { method: opts.method ?? 'GET', headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    // Leave non-JSON bodies as text so a test can show what arrived.
  }
  return { status: res.status, headers: res.headers, body: parsed as T, requestId: res.headers.get('x-neon-ret-request-id') };
}
