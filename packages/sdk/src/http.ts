import { TesseraConnectionError, TesseraError, TesseraTimeoutError, toEnvelope } from './errors.ts';
import { compactQuery, stringifyQuery, type QueryObject } from './query.ts';

/**
 * The transport under every SDK call: fetch with a Bearer token, JSON in and out, a per-attempt
 * timeout, the caller's AbortSignal, and bounded retries that honour `Retry-After`. Only web
 * platform APIs (fetch, Headers, AbortController, URL, setTimeout), so it runs on Node ≥ 20,
 * Deno, Bun, browsers and Cloudflare Workers.
 */

export const SDK_VERSION = '0.1.0';
export const DEFAULT_BASE_URL = 'http://localhost:8080';
export const DEFAULT_TIMEOUT_MS = 30_000;
export const RETRY_STATUSES: readonly number[] = [408, 425, 429, 502, 503, 504];

export interface RetryOptions {
  /** Attempts in all, the first included (default 3; 1 disables retries). */
  maxAttempts?: number;
  /**
   * Budget for the whole call, from the first attempt (default 60 000 ms). A retry whose wait
   * would end past it is not made: the last error is thrown at once instead; a retry that is made
   * gets at most the time left as its timeout. (The first attempt has the full timeoutMs.)
   */
  maxElapsedMs?: number;
  /** First backoff when the server sends no `Retry-After` (default 500 ms, doubling, with jitter). */
  baseDelayMs?: number;
  /** Cap of one computed backoff (default 10 000 ms). A `Retry-After` is honoured as sent, within maxElapsedMs. */
  maxDelayMs?: number;
  /** Statuses to retry (default 408, 425, 429, 502, 503, 504). */
  statuses?: readonly number[];
}

export interface RequestInfo {
  attempt: number;
  method: string;
  url: string;
  /** Request headers, with the Authorization value redacted. */
  headers: Record<string, string>;
  body?: unknown;
}

export interface ResponseInfo {
  attempt: number;
  method: string;
  url: string;
  status: number;
  statusText: string;
  headers: Headers;
  durationMs: number;
}

export interface RetryInfo {
  attempt: number;
  method: string;
  url: string;
  delayMs: number;
  /** Why: the status, or 'timeout' / 'connection'. */
  reason: number | 'timeout' | 'connection';
  error: Error;
}

export interface Hooks {
  onRequest?(info: RequestInfo): void;
  onResponse?(info: ResponseInfo): void;
  onRetry?(info: RetryInfo): void;
}

export interface ClientOptions {
  /** An API token (or an integrated-account token). */
  token: string;
  /** Where Tessera listens (default http://localhost:8080); a path prefix is kept. */
  baseUrl?: string;
  /** Per-attempt timeout, covering the response body too (default 30 000 ms; 0 disables). */
  timeoutMs?: number;
  /** Retry policy, or false for a single attempt. */
  retry?: RetryOptions | false;
  /** Headers added to every request. */
  headers?: Record<string, string>;
  userAgent?: string;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
  hooks?: Hooks;
}

export interface RequestOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  retry?: RetryOptions | false;
  headers?: Record<string, string>;
  /** Sent as `Idempotency-Key`: the server replays the first response for a repeated key. */
  idempotencyKey?: string;
}

export interface HttpRequest extends RequestOptions {
  query?: QueryObject;
  body?: unknown;
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS']);

export class HttpClient {
  readonly baseUrl: string;
  readonly #token: string;
  readonly #options: ClientOptions;
  readonly #fetch: typeof fetch;

  constructor(options: ClientOptions) {
    if (!options || typeof options.token !== 'string' || !options.token) throw new TypeError('Tessera: a token is required, as in new Tessera({ token })');
    this.#token = options.token;
    this.#options = options;
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    const f = options.fetch ?? globalThis.fetch;
    if (typeof f !== 'function') throw new TypeError('Tessera: no fetch available; pass options.fetch');
    this.#fetch = f.bind(globalThis);
  }

  url(path: string, query?: QueryObject): string {
    const qs = stringifyQuery(compactQuery(query));
    return `${this.baseUrl}/${path.replace(/^\/+/, '')}${qs ? `?${qs}` : ''}`;
  }

  async request<T = unknown>(method: string, path: string, req: HttpRequest = {}): Promise<T> {
    method = method.toUpperCase();
    const url = this.url(path, req.query);
    const retry = resolveRetry(req.retry === undefined ? this.#options.retry : req.retry);
    const timeoutMs = req.timeoutMs ?? this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const { body, contentType } = encodeBody(req.body);
    const headers: Record<string, string> = {
      accept: 'application/json',
      'user-agent': this.#options.userAgent ?? `tessera-ts-sdk/${SDK_VERSION}`,
      ...lower(this.#options.headers),
      ...lower(req.headers),
      authorization: `Bearer ${this.#token}`,
    };
    if (contentType && !headers['content-type']) headers['content-type'] = contentType;
    if (req.idempotencyKey) headers['idempotency-key'] = req.idempotencyKey;
    const hooks = this.#options.hooks ?? {};
    const started = Date.now();

    for (let attempt = 1; ; attempt++) {
      throwIfAborted(req.signal);
      hooks.onRequest?.({ attempt, method, url, headers: { ...headers, authorization: 'Bearer ********' }, body: req.body });
      const attemptStarted = Date.now();
      // A retry gets no more time than the budget has left, so the whole call stays within maxElapsedMs.
      const budgetLeft = retry.maxElapsedMs - (attemptStarted - started);
      const attemptTimeoutMs = attempt === 1 ? timeoutMs : Math.max(1, timeoutMs > 0 ? Math.min(timeoutMs, budgetLeft) : budgetLeft);
      const ctl = linkedController(req.signal, attemptTimeoutMs);
      let outcome: { res: Response; data: unknown } | { failure: Error; reason: 'timeout' | 'connection' };
      try {
        const res = await this.#fetch(url, { method, headers, body, signal: ctl.signal });
        outcome = { res, data: await readBody(res) };
      } catch (e) {
        if (req.signal?.aborted) throw req.signal.reason;
        outcome = ctl.timedOut()
          ? { failure: new TesseraTimeoutError(attemptTimeoutMs, { method, url, cause: e }), reason: 'timeout' }
          : { failure: new TesseraConnectionError(`Cannot reach ${this.baseUrl}: ${describe(e)}`, { method, url, cause: e }), reason: 'connection' };
      } finally {
        ctl.dispose();
      }

      let failure: Error;
      let reason: RetryInfo['reason'];
      let retryAfterMs: number | undefined;
      if ('res' in outcome) {
        const { res, data } = outcome;
        hooks.onResponse?.({
          attempt,
          method,
          url,
          status: res.status,
          statusText: res.statusText,
          headers: res.headers,
          durationMs: Date.now() - attemptStarted,
        });
        if (res.ok) return data as T;
        const error = new TesseraError(toEnvelope(res.status, res.statusText, data), { method, url, statusText: res.statusText, headers: res.headers });
        if (!isRetryableStatus(res.status, error, retry.statuses, IDEMPOTENT.has(method) || Boolean(req.idempotencyKey))) throw error;
        failure = error;
        reason = res.status;
        retryAfterMs = parseRetryAfter(res.headers.get('retry-after'));
      } else {
        failure = outcome.failure;
        reason = outcome.reason;
        // A request that may have reached the server is repeated only when repeating is harmless.
        if (!IDEMPOTENT.has(method) && !req.idempotencyKey) throw failure;
      }
      if (attempt >= retry.maxAttempts) throw failure;
      const delayMs = retryAfterMs ?? backoff(attempt, retry);
      if (Date.now() - started + delayMs > retry.maxElapsedMs) throw failure;
      hooks.onRetry?.({ attempt, method, url, delayMs, reason, error: failure });
      await sleep(delayMs, req.signal);
    }
  }
}

function resolveRetry(r: RetryOptions | false | undefined): Required<RetryOptions> {
  if (r === false) return { maxAttempts: 1, maxElapsedMs: 0, baseDelayMs: 0, maxDelayMs: 0, statuses: [] };
  return {
    maxAttempts: Math.max(1, Math.floor(r?.maxAttempts ?? 3)),
    maxElapsedMs: r?.maxElapsedMs ?? 60_000,
    baseDelayMs: r?.baseDelayMs ?? 500,
    maxDelayMs: r?.maxDelayMs ?? 10_000,
    statuses: r?.statuses ?? RETRY_STATUSES,
  };
}

/**
 * 503 from Tessera itself means "integrated account is blocked", which waiting does not cure; it
 * is retried only when it came from the upstream (remote flag) or carries Retry-After.
 * 502 and 504 mean the upstream gave no clean answer, so a write may have happened there: a POST
 * or PATCH is repeated after them only when it carries an Idempotency-Key. 408, 425, 429 and 503
 * say the request was not processed, so they are retried for every method.
 */
function isRetryableStatus(status: number, error: TesseraError, statuses: readonly number[], repeatable: boolean): boolean {
  if (!statuses.includes(status)) return false;
  if (status === 503) return error.isRemote || error.headers.has('retry-after');
  if ((status === 502 || status === 504) && !repeatable) return false;
  return true;
}

/** `Retry-After`: delta-seconds (decimals tolerated) or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

function backoff(attempt: number, retry: Required<RetryOptions>): number {
  const exp = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(exp / 2 + (Math.random() * exp) / 2);
}

type Body = NonNullable<RequestInit['body']>;

function encodeBody(body: unknown): { body?: Body; contentType?: string } {
  if (body === undefined) return {};
  if (
    typeof body === 'string' ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body) ||
    (typeof Blob !== 'undefined' && body instanceof Blob) ||
    (typeof FormData !== 'undefined' && body instanceof FormData) ||
    (typeof URLSearchParams !== 'undefined' && body instanceof URLSearchParams) ||
    (typeof ReadableStream !== 'undefined' && body instanceof ReadableStream)
  ) {
    return { body: body as Body };
  }
  return { body: JSON.stringify(body), contentType: 'application/json' };
}

/** 204 → `{}`; JSON content types → parsed (text if it does not parse); anything else → Blob. */
async function readBody(res: Response): Promise<unknown> {
  if (res.status === 204 || res.status === 205) {
    await res.body?.cancel();
    return {};
  }
  const type = res.headers.get('content-type') ?? '';
  if (/[/+]json\b/i.test(type) || type === '') {
    const text = await res.text();
    if (!text) return type ? {} : '';
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  if (/^text\//i.test(type)) return res.text();
  return res.blob();
}

function lower(h: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h ?? {})) out[k.toLowerCase()] = v;
  return out;
}

function linkedController(signal: AbortSignal | undefined, timeoutMs: number) {
  const ctl = new AbortController();
  let timedOut = false;
  const onAbort = () => ctl.abort(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  const timer =
    timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          ctl.abort(new DOMException(`No response within ${timeoutMs} ms`, 'TimeoutError'));
        }, timeoutMs)
      : undefined;
  return {
    signal: ctl.signal,
    timedOut: () => timedOut,
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}

function throwIfAborted(signal: AbortSignal | undefined) {
  if (signal?.aborted) throw signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function describe(e: unknown): string {
  const err = e as { message?: string; cause?: { code?: string; message?: string } };
  const cause = err?.cause;
  return cause?.code ? `${cause.code}${cause.message ? ` (${cause.message})` : ''}` : (err?.message ?? String(e));
}
