/**
 * The console's only way to the server: the public HTTP API, with the API token the person signed
 * in with. The token lives in sessionStorage (gone when the tab closes), travels only in the
 * Authorization header, and is never put in a URL, a log line or the page.
 */
const TOKEN_KEY = 'tessera.console.token';

export function storedToken(): string | undefined {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}
export function storeToken(token: string | undefined): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export type Query = Record<string, unknown>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

/** A response as it came: the explorer shows all of it, pages use `body`. */
export interface ApiResponse<T = unknown> {
  status: number;
  ok: boolean;
  headers: Headers;
  body: T;
  /** Wall time of the round trip in milliseconds, as the browser saw it. */
  ms: number;
  /** What was sent, for "copy as curl" (the token is not part of it). */
  url: string;
  method: string;
}

/** The contract's error envelope, or what the console could make of a non-JSON failure. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
  }
}

/** A Truto list envelope. */
export interface ListPage<T> {
  result: T[];
  next_cursor?: string | null;
  result_count?: number;
}

export interface Api {
  /** Never throws for an HTTP status: the response, whatever it is (network errors still throw). */
  send<T = unknown>(method: string, path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  /** The body of a 2xx; an ApiError carrying the envelope's message otherwise. */
  get<T = unknown>(path: string, query?: Query, signal?: AbortSignal): Promise<T>;
  post<T = unknown>(path: string, body?: unknown, query?: Query): Promise<T>;
  patch<T = unknown>(path: string, body?: unknown, query?: Query): Promise<T>;
  delete<T = unknown>(path: string, query?: Query): Promise<T>;
  /** Every page of a list (following next_cursor), up to `max` records. */
  listAll<T = unknown>(path: string, query?: Query, options?: { max?: number; signal?: AbortSignal }): Promise<T[]>;
}

/** Truto's SDKs send nested objects in brackets form (`a[b]=c`); so does the console. */
export function buildUrl(path: string, query?: Query): string {
  const search = query ? stringifyQuery(query) : '';
  return search ? `${path}?${search}` : path;
}

/**
 * What `qs.stringify(query, { encodeValuesOnly: true, skipNulls: true })` writes (the server reads
 * it back with qs): `a[b]=c`, arrays as `a[0]=x`, dates as ISO strings, null and undefined left
 * out, keys unencoded. Written out here because qs's browser build brings about 10 kB (gzipped) of
 * polyfills into every page of the console.
 */
export function stringifyQuery(query: Query): string {
  const parts: string[] = [];
  // qs encodes RFC 3986's reserved characters that encodeURIComponent leaves alone.
  const encode = (v: string) => encodeURIComponent(v).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const add = (key: string, value: unknown): void => {
    if (value === null || value === undefined) return;
    if (value instanceof Date) parts.push(`${key}=${encode(value.toISOString())}`);
    else if (Array.isArray(value)) value.forEach((v, i) => add(`${key}[${i}]`, v));
    else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) add(`${key}[${k}]`, v);
    else parts.push(`${key}=${encode(String(value))}`);
  };
  for (const [key, value] of Object.entries(query)) add(key, value);
  return parts.join('&');
}

export function errorMessage(status: number, body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body && typeof (body as { message: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  return `The server answered ${status}${typeof body === 'string' && body ? `: ${body.slice(0, 200)}` : ''}`;
}

/**
 * `onUnauthorized` runs on any 401 so the shell can send the person back to sign in with the
 * server's reason (expired, revoked, unknown token).
 */
export function createApi(getToken: () => string | undefined, onUnauthorized: (message: string) => void): Api {
  async function send<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const url = buildUrl(path, options.query);
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    const token = getToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(options.body);
    }
    const started = performance.now();
    const res = await fetch(url, { method, headers, body: payload, signal: options.signal });
    const text = await res.text();
    const ms = performance.now() - started;
    let body: unknown = text;
    if (text && (res.headers.get('content-type') ?? '').includes('json')) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    } else if (!text) body = undefined;
    if (res.status === 401) onUnauthorized(errorMessage(401, body));
    return { status: res.status, ok: res.ok, headers: res.headers, body: body as T, ms, url, method };
  }

  async function call<T>(method: string, path: string, options: RequestOptions): Promise<T> {
    const res = await send<T>(method, path, options);
    if (!res.ok) throw new ApiError(res.status, errorMessage(res.status, res.body), res.body);
    return res.body;
  }

  return {
    send,
    get: (path, query, signal) => call('GET', path, { query, signal }),
    post: (path, body, query) => call('POST', path, { body: body ?? {}, query }),
    patch: (path, body, query) => call('PATCH', path, { body: body ?? {}, query }),
    delete: (path, query) => call('DELETE', path, { query }),
    async listAll<T>(path: string, query: Query = {}, options: { max?: number; signal?: AbortSignal } = {}) {
      const max = options.max ?? 10_000;
      const out: T[] = [];
      let cursor: string | undefined;
      do {
        const page = await call<ListPage<T>>('GET', path, { query: { ...query, ...(cursor ? { next_cursor: cursor } : {}) }, signal: options.signal });
        out.push(...page.result);
        cursor = page.next_cursor ?? undefined;
      } while (cursor && out.length < max);
      return out.slice(0, max);
    },
  };
}
