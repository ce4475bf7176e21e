/**
 * Errors the SDK throws. A `TesseraError` means the server answered with an error envelope
 * (docs/contract.md §8.1), or the request timed out (408, as Truto's SDK reports it). A
 * connection failure (nothing answered) is a `TesseraConnectionError`. A caller's own abort
 * rejects with the signal's reason (an `AbortError` DOMException unless the caller gave another).
 */

/** The error body every Tessera (and Truto) endpoint returns. */
export interface ErrorEnvelope {
  statusCode: number;
  error: string;
  message: string;
  /** Tessera's stable error code, e.g. TESSERA_ACCOUNT_NOT_FOUND (docs/errors.md); absent on Truto's servers. */
  code?: string;
  details?: unknown;
  truto_is_remote_error?: boolean;
  raw_response?: unknown;
  truto_error_insight?: Record<string, { description: string; value?: unknown }>;
}

export interface TesseraErrorInit {
  method?: string;
  url?: string;
  statusText?: string;
  headers?: Headers;
  cause?: unknown;
}

export class TesseraError extends Error {
  /** The HTTP status (408 for a client-side timeout). */
  readonly statusCode: number;
  readonly statusText: string;
  /** Tessera's stable error code (docs/errors.md), when the server sent one. */
  readonly code?: string;
  /** The server's error envelope, exactly as received (or synthesised when the body was not one). */
  readonly envelope: ErrorEnvelope;
  readonly headers: Headers;
  readonly method?: string;
  readonly url?: string;

  constructor(envelope: ErrorEnvelope, init: TesseraErrorInit = {}) {
    super(envelope.message || `${envelope.statusCode} ${envelope.error}`, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'TesseraError';
    this.statusCode = envelope.statusCode;
    this.statusText = init.statusText ?? envelope.error;
    this.code = typeof envelope.code === 'string' ? envelope.code : undefined;
    this.envelope = envelope;
    this.headers = init.headers ?? new Headers();
    this.method = init.method;
    this.url = init.url;
  }

  /** The envelope, under the name Truto's SDK uses for it. */
  get data(): ErrorEnvelope {
    return this.envelope;
  }

  /** True when the error came from the upstream provider (`truto_is_remote_error`). */
  get isRemote(): boolean {
    return this.envelope.truto_is_remote_error === true;
  }

  /** The server's `x-request-id`, for support requests and logs. */
  get requestId(): string | undefined {
    return this.headers.get('x-request-id') ?? undefined;
  }
}

/** No response within the per-request timeout. */
export class TesseraTimeoutError extends TesseraError {
  readonly timeoutMs: number;

  constructor(timeoutMs: number, init: TesseraErrorInit = {}) {
    super({ statusCode: 408, error: 'Request Timeout', message: `No response within ${timeoutMs} ms` }, init);
    this.name = 'TesseraTimeoutError';
    this.timeoutMs = timeoutMs;
  }
}

/** The server could not be reached (DNS, refused connection, reset before any response). */
export class TesseraConnectionError extends Error {
  readonly method?: string;
  readonly url?: string;

  constructor(message: string, init: { method?: string; url?: string; cause?: unknown } = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'TesseraConnectionError';
    this.method = init.method;
    this.url = init.url;
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  425: 'Too Early',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The body as an envelope: used as is when it is one, else wrapped so callers see one shape. */
export function toEnvelope(status: number, statusText: string, body: unknown): ErrorEnvelope {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    if (typeof b.message === 'string' && (typeof b.statusCode === 'number' || typeof b.error === 'string')) {
      return {
        ...(b as unknown as ErrorEnvelope),
        statusCode: typeof b.statusCode === 'number' ? b.statusCode : status,
        error: typeof b.error === 'string' ? b.error : statusText,
      };
    }
  }
  const text = typeof body === 'string' ? body.trim().slice(0, 500) : '';
  const error = statusText || REASONS[status] || 'Error';
  const empty =
    body === undefined ||
    body === '' ||
    (body !== null && typeof body === 'object' && Object.getPrototypeOf(body) === Object.prototype && Object.keys(body).length === 0);
  return { statusCode: status, error, message: text || error, ...(empty ? {} : { raw_response: body }) };
}
