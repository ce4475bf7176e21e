/**
 * The one catalogue of errors Tessera returns. Every 4xx/5xx leaves the server as the contract's
 * envelope `{statusCode, error, message, details?, truto_is_remote_error?, raw_response?,
 * truto_error_insight?}` (docs/contract.md §8), so handlers throw a TesseraError and never
 * format responses themselves. Each error also carries a stable `code` (ERROR_CODES below, every
 * one documented in docs/errors.md): an extra envelope field that Truto's clients ignore and
 * that our own clients and people can match on, since messages are for reading, not parsing.
 */
import { ERROR_CODES, type ErrorCode } from './codes.ts';

export { ERROR_CODES, type ErrorCode };

export const REASON_PHRASES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  431: 'Request Header Fields Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  423: 'Locked',
  424: 'Failed Dependency',
  425: 'Too Early',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function reasonPhrase(status: number): string {
  return REASON_PHRASES[status] ?? (status >= 500 ? 'Internal Server Error' : 'Error');
}

export type ErrorInsight = Record<string, { description: string; value?: unknown }>;

export interface ErrorEnvelope {
  statusCode: number;
  error: string;
  message: string;
  /** Tessera's stable error code (docs/errors.md); Truto clients ignore it. */
  code: ErrorCode;
  details?: unknown;
  truto_is_remote_error?: true;
  raw_response?: unknown;
  truto_error_insight?: ErrorInsight;
}

export const INSIGHT_TEXT = {
  missing_required_query_parameters: 'These query parameters are required by this method.',
  missing_required_body_fields: 'These body fields are required by this method.',
  rate_limit_error: 'Too many requests; retry after the Retry-After interval.',
  forbidden_error: 'The credentials lack permission for this call.',
  remote_error: 'The upstream API returned this error.',
} as const;

export interface TesseraErrorInit {
  /** Default: TESSERA_REMOTE_ERROR for remote errors, else the generic code of the status. */
  code?: ErrorCode;
  details?: unknown;
  insight?: ErrorInsight;
  remote?: { rawResponse: unknown; headers?: Record<string, string> };
  headers?: Record<string, string>;
  cause?: unknown;
}

export class TesseraError extends Error {
  readonly status: number;
  readonly code: ErrorCode;
  readonly details?: unknown;
  readonly insight?: ErrorInsight;
  readonly remote?: { rawResponse: unknown; headers?: Record<string, string> };
  /** Headers to send with the error response (Retry-After, forwarded rate-limit headers). */
  readonly headers: Record<string, string>;

  constructor(status: number, message: string, init: TesseraErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = 'TesseraError';
    this.status = status;
    this.code = init.code ?? defaultCode(status, Boolean(init.remote));
    this.details = init.details;
    this.insight = init.insight;
    this.remote = init.remote;
    this.headers = { ...(init.remote?.headers ?? {}), ...(init.headers ?? {}) };
  }

  toEnvelope(): ErrorEnvelope {
    const envelope: ErrorEnvelope = { statusCode: this.status, error: reasonPhrase(this.status), message: this.message, code: this.code };
    if (this.details !== undefined) envelope.details = this.details;
    let insight = this.insight;
    if (this.remote) {
      envelope.truto_is_remote_error = true;
      envelope.raw_response = this.remote.rawResponse ?? null;
      insight = { ...insight, remote_error: { description: INSIGHT_TEXT.remote_error } };
    }
    if (this.status === 429) insight = { rate_limit_error: { description: INSIGHT_TEXT.rate_limit_error }, ...insight };
    if (insight && Object.keys(insight).length) envelope.truto_error_insight = insight;
    return envelope;
  }
}

/** The generic code of a status, for errors raised without a more specific one. */
export function defaultCode(status: number, remote: boolean): ErrorCode {
  if (remote) return status === 429 ? 'TESSERA_REMOTE_RATE_LIMITED' : 'TESSERA_REMOTE_ERROR';
  const byStatus: Record<number, ErrorCode> = {
    400: 'TESSERA_BAD_REQUEST',
    401: 'TESSERA_UNAUTHORIZED',
    403: 'TESSERA_FORBIDDEN',
    404: 'TESSERA_NOT_FOUND',
    405: 'TESSERA_METHOD_NOT_ALLOWED',
    409: 'TESSERA_CONFLICT',
    413: 'TESSERA_PAYLOAD_TOO_LARGE',
    429: 'TESSERA_RATE_LIMITED',
    503: 'TESSERA_ACCOUNT_BLOCKED',
  };
  return byStatus[status] ?? (status >= 500 ? 'TESSERA_INTERNAL' : 'TESSERA_BAD_REQUEST');
}

export interface ValidationFailure {
  path: string;
  message: string;
}

/** Constructors for the errors handlers raise, so messages stay consistent across the API. */
export const errors = {
  badRequest: (message: string, init?: TesseraErrorInit) => new TesseraError(400, message, init),
  invalidQuery: (message: string) => new TesseraError(400, message, { code: 'TESSERA_INVALID_QUERY' }),
  invalidBody: (message: string) => new TesseraError(400, message, { code: 'TESSERA_INVALID_BODY' }),
  validation: (message: string, failures: ValidationFailure[]) => new TesseraError(400, message, { code: 'TESSERA_VALIDATION_FAILED', details: { failures } }),
  missingQuery: (names: string[]) =>
    new TesseraError(400, `Missing required query parameters: ${names.join(', ')}`, {
      code: 'TESSERA_MISSING_QUERY_PARAMETERS',
      insight: {
        missing_required_query_parameters: {
          description: INSIGHT_TEXT.missing_required_query_parameters,
          value: names,
        },
      },
    }),
  missingBody: (names: string[]) =>
    new TesseraError(400, `Missing required body fields: ${names.join(', ')}`, {
      code: 'TESSERA_MISSING_BODY_FIELDS',
      insight: {
        missing_required_body_fields: { description: INSIGHT_TEXT.missing_required_body_fields, value: names },
      },
    }),
  invalidCursor: () => new TesseraError(400, 'Invalid next_cursor', { code: 'TESSERA_INVALID_CURSOR' }),
  staleCursor: (message: string) => new TesseraError(400, message, { code: 'TESSERA_CURSOR_STALE' }),
  oauthState: (message: string) => new TesseraError(400, message, { code: 'TESSERA_OAUTH_STATE_INVALID' }),
  linkTokenInvalid: () =>
    new TesseraError(404, 'This link token is unknown: ask the application that sent you here for a new link', { code: 'TESSERA_LINK_TOKEN_INVALID' }),
  linkTokenExpired: (at: string) =>
    new TesseraError(410, `This link token expired at ${at}: ask the application that sent you here for a new link`, { code: 'TESSERA_LINK_TOKEN_EXPIRED' }),
  linkTokenUsed: () =>
    new TesseraError(410, 'This link token was already used to connect an account: ask the application that sent you here for a new link', {
      code: 'TESSERA_LINK_TOKEN_USED',
    }),
  // WWW-Authenticate names the scheme the server expects (RFC 6750 §3).
  unauthorized: (message = 'Invalid API token') => new TesseraError(401, message, { code: 'TESSERA_UNAUTHORIZED', headers: { 'www-authenticate': 'Bearer' } }),
  needsReauth: () => new TesseraError(401, 'Integrated account needs re-authentication', { code: 'TESSERA_ACCOUNT_NEEDS_REAUTH' }),
  forbidden: (message: string) => new TesseraError(403, message),
  notFound: (message = 'Not Found', code: ErrorCode = 'TESSERA_NOT_FOUND') => new TesseraError(404, message, { code }),
  accountNotFound: (id: string) => new TesseraError(404, `Integrated account ${id} not found`, { code: 'TESSERA_ACCOUNT_NOT_FOUND' }),
  integrationNotFound: (message: string) => new TesseraError(404, message, { code: 'TESSERA_INTEGRATION_NOT_FOUND' }),
  unknownModel: (message: string) => new TesseraError(404, message, { code: 'TESSERA_UNKNOWN_MODEL' }),
  methodNotSupported: (message: string) => new TesseraError(404, message, { code: 'TESSERA_METHOD_NOT_SUPPORTED' }),
  recordNotFound: (message: string) => new TesseraError(404, message, { code: 'TESSERA_RECORD_NOT_FOUND' }),
  methodNotAllowed: (message: string) => new TesseraError(405, message, { code: 'TESSERA_METHOD_NOT_ALLOWED' }),
  conflict: (message: string) => new TesseraError(409, message, { code: 'TESSERA_CONFLICT' }),
  integrationDisabled: (message: string) => new TesseraError(409, message, { code: 'TESSERA_INTEGRATION_DISABLED' }),
  idempotencyInProgress: (message: string, retryAfterSeconds: number) =>
    new TesseraError(409, message, { code: 'TESSERA_IDEMPOTENCY_IN_PROGRESS', headers: { 'retry-after': String(retryAfterSeconds) } }),
  idempotencyOutcomeUnknown: (message: string) => new TesseraError(409, message, { code: 'TESSERA_IDEMPOTENCY_OUTCOME_UNKNOWN' }),
  payloadTooLarge: (message: string) => new TesseraError(413, message, { code: 'TESSERA_PAYLOAD_TOO_LARGE' }),
  expressionLimitExceeded: (message: string) => new TesseraError(422, message, { code: 'TESSERA_EXPRESSION_LIMIT_EXCEEDED' }),
  lookupLimitReached: (message: string) => new TesseraError(422, message, { code: 'TESSERA_LOOKUP_LIMIT_REACHED' }),
  /** A batch resource skipped because its dependency failed (docs/batch.md). */
  batchDependencyFailed: (message: string) => new TesseraError(424, message, { code: 'TESSERA_BATCH_DEPENDENCY_FAILED' }),
  rateLimited: (retryAfterSeconds: number, message = 'Rate limit exceeded', headers: Record<string, string> = {}) =>
    new TesseraError(429, message, { code: 'TESSERA_RATE_LIMITED', headers: { ...headers, 'retry-after': String(retryAfterSeconds) } }),
  overloaded: (message: string, retryAfterSeconds: number) =>
    new TesseraError(503, message, { code: 'TESSERA_OVERLOADED', headers: { 'retry-after': String(retryAfterSeconds) } }),
  accountBlocked: () => new TesseraError(503, 'Integrated account is blocked', { code: 'TESSERA_ACCOUNT_BLOCKED' }),
  internal: (message = 'Internal Server Error', cause?: unknown) => new TesseraError(500, message, { code: 'TESSERA_INTERNAL', cause }),
  mappingFailed: (message: string) => new TesseraError(500, message, { code: 'TESSERA_MAPPING_FAILED' }),
  /** The caller's own override failed: theirs to fix, so never a 5xx. */
  overrideFailed: (message: string) => new TesseraError(422, message, { code: 'TESSERA_OVERRIDE_FAILED' }),
  /** `cause` keeps the network error, whose `notSent` tells idempotency the provider never saw the request. */
  upstreamUnreachable: (message: string, cause?: unknown) =>
    new TesseraError(502, message, { code: 'TESSERA_UPSTREAM_UNREACHABLE', remote: { rawResponse: null }, cause }),
  upstreamTimeout: (message: string) => new TesseraError(504, message, { code: 'TESSERA_UPSTREAM_TIMEOUT', remote: { rawResponse: null } }),
  upstreamTimeBudgetSpent: (message: string) => new TesseraError(504, message, { code: 'TESSERA_UPSTREAM_TIME_BUDGET_SPENT', remote: { rawResponse: null } }),
  upstreamRedirectRefused: (message: string) => new TesseraError(502, message, { code: 'TESSERA_UPSTREAM_REDIRECT_REFUSED', remote: { rawResponse: null } }),
  upstreamTooLarge: (message: string) => new TesseraError(502, message, { code: 'TESSERA_UPSTREAM_RESPONSE_TOO_LARGE', remote: { rawResponse: null } }),
  upstreamInvalidResponse: (message: string, rawResponse: unknown) =>
    new TesseraError(502, message, { code: 'TESSERA_UPSTREAM_INVALID_RESPONSE', remote: { rawResponse } }),
  // Not a remote error: no provider was contacted; the definition or the configuration points somewhere disallowed.
  egressRefused: (message: string) => new TesseraError(502, message, { code: 'TESSERA_EGRESS_REFUSED' }),
};

export function isTesseraError(e: unknown): e is TesseraError {
  return e instanceof TesseraError;
}
