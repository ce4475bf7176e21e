import type { RequestLogRecord } from '../logger.ts';

/** The tracing seam's shapes (tracing.ts), apart so the OpenTelemetry implementation (otel.ts) imports no code of the seam's. */
export interface Tracing {
  /** False for the no-op: callers may skip building what only a span would use. */
  readonly enabled: boolean;
  /** The server span of one incoming request, a child of its W3C `traceparent` when it has a valid one. */
  startRequest(request: IncomingRequest): RequestSpan | undefined;
  /** Exports what is buffered and stops (the graceful shutdown, after the drain). */
  close(): Promise<void>;
}

export interface IncomingRequest {
  /** The HTTP verb. */
  method: string;
  traceparent?: string;
  tracestate?: string;
  requestId: string;
}

export interface RequestSpan {
  /** A client span for one attempt of an upstream call (retries are attempts of their own). */
  startUpstream(attempt: UpstreamAttemptStart): UpstreamSpan;
  /** Ends the server span; what the request log knows (account, integration, model…) becomes attributes. */
  end(outcome: RequestOutcome): void;
}

export interface UpstreamAttemptStart {
  integration: string;
  /** Upper case. */
  method: string;
  /** As sent: only its scheme, host and port are exported (paths and queries may carry secrets). */
  url: string;
  role: string;
  /** 1 for the first attempt. */
  attempt: number;
}

export interface UpstreamSpan {
  /** The W3C `traceparent` to send upstream: this attempt's span as the provider's parent. */
  readonly traceparent: string;
  /** `status` null when the attempt has none; `error` then says why (`timeout`, `network`, a refusal code). */
  end(result: { status: number | null; error?: string }): void;
}

export interface RequestOutcome {
  /** The route pattern (metrics.ts routeOf), never the raw path. */
  route: string;
  status: number;
  /** The request's log record: account id, integration, model, resource, method, upstream call count. */
  log: RequestLogRecord;
  /** The error code the client got, if any (never its message). */
  errorCode?: string;
  /** An NDJSON stream's end: `complete`, `cancelled` (client gone) or `failed`. */
  stream?: string;
}
