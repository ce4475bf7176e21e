/** One HTTP exchange with a provider, as the engine describes and records it. */
export interface UpstreamRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Only idempotent requests (GET, or writes carrying an Idempotency-Key) may be retried. */
  retryable: boolean;
  /** What the call is for, for debug output: the main data call, a side load, a step. */
  role: 'main' | 'side_load' | 'step';
  signal?: AbortSignal;
}

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON when the body is JSON, else the text (or null for an empty body). */
  body: unknown;
  contentType: string;
  durationMs: number;
}

export type Send = (request: UpstreamRequest) => Promise<UpstreamResponse>;

/** Cross-cutting behaviour (retries, timeouts, tracing) wraps the sender, undici-style. */
export type Interceptor = (next: Send) => Send;

export interface UpstreamCallRecord {
  requestUrl: string;
  method: string;
  status: number | null;
  durationMs: number;
  role: UpstreamRequest['role'];
  attempt: number;
}

export class UpstreamNetworkError extends Error {
  constructor(
    message: string,
    readonly kind: 'timeout' | 'network',
    /** The connection never opened (refused, no such host): the provider cannot have seen the request. */
    readonly notSent = false,
  ) {
    super(message);
    this.name = 'UpstreamNetworkError';
  }
}
