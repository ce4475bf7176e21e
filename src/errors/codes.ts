/**
 * Every error code Tessera puts in the `code` field of its error envelope, with its HTTP status.
 * Codes are stable: clients match on them, so a code is never renamed or reused for another
 * meaning. docs/errors.md documents each one (what it means, what to do); a test keeps the two in
 * step.
 */
export const ERROR_CODES = {
  // 400: the request itself
  TESSERA_BAD_REQUEST: { status: 400, summary: 'The request is malformed in a way no more specific code covers.' },
  TESSERA_INVALID_QUERY: {
    status: 400,
    summary: 'A query parameter has a value the method cannot take (a date that is not a date, a window over the maximum, a filter the source lacks).',
  },
  TESSERA_INVALID_BODY: {
    status: 400,
    summary: 'The request body is not valid JSON (the message gives the position), nests deeper than 64 levels, or is not the JSON object the method takes.',
  },
  TESSERA_VALIDATION_FAILED: { status: 400, summary: 'A body, credential set or mapping override failed validation; details.failures lists each path.' },
  TESSERA_MISSING_QUERY_PARAMETERS: { status: 400, summary: 'Required query parameters are missing; truto_error_insight names them.' },
  TESSERA_MISSING_BODY_FIELDS: { status: 400, summary: 'Required body fields are missing; truto_error_insight names them.' },
  TESSERA_INVALID_CURSOR: { status: 400, summary: 'next_cursor was not issued by this server for this account and resource, or was altered.' },
  TESSERA_OAUTH_STATE_INVALID: { status: 400, summary: 'The OAuth connect state is unknown, altered or expired.' },
  TESSERA_LINK_TOKEN_INVALID: { status: 404, summary: 'The link token is unknown: never issued by this server, or mistyped.' },
  TESSERA_LINK_TOKEN_EXPIRED: { status: 410, summary: 'The link token expired (7 days after it was created).' },
  TESSERA_LINK_TOKEN_USED: { status: 410, summary: 'The link token already connected an account; each link token connects once.' },
  TESSERA_CURSOR_STALE: {
    status: 400,
    summary: "next_cursor points at an upstream URL whose origin is no longer the account's base URL (the base URL changed since it was issued).",
  },
  // 401 / 403
  TESSERA_UNAUTHORIZED: { status: 401, summary: 'No API token, or one that is unknown or revoked.' },
  TESSERA_ACCOUNT_NEEDS_REAUTH: { status: 401, summary: 'The integrated account needs new credentials before it can be used.' },
  TESSERA_FORBIDDEN: { status: 403, summary: 'The request is understood but not allowed.' },
  // 404
  TESSERA_NOT_FOUND: { status: 404, summary: 'Nothing exists at this path or with this id.' },
  TESSERA_ROUTE_NOT_FOUND: { status: 404, summary: 'No route matches the method and path.' },
  TESSERA_ACCOUNT_NOT_FOUND: { status: 404, summary: "No integrated account with this id in the token's environment." },
  TESSERA_INTEGRATION_NOT_FOUND: { status: 404, summary: 'No integration of this name is installed on this server.' },
  TESSERA_UNKNOWN_MODEL: { status: 404, summary: 'No unified model or resource of this name.' },
  TESSERA_METHOD_NOT_SUPPORTED: { status: 404, summary: 'The integration does not map this method of the unified resource, or has no such proxy method.' },
  TESSERA_RECORD_NOT_FOUND: { status: 404, summary: 'The provider has no record with this id.' },
  // 405 / 409 / 413 / 429
  TESSERA_METHOD_NOT_ALLOWED: { status: 405, summary: 'The method is not allowed here (writes on a sandbox account, an HTTP verb /custom does not forward).' },
  TESSERA_CONFLICT: {
    status: 409,
    summary: 'The request conflicts with what exists (an override already defined, an Idempotency-Key reused with another request).',
  },
  TESSERA_INTEGRATION_DISABLED: {
    status: 409,
    summary: "The account's integration is disabled or not installed in this environment (environment-integration); enable or install it first.",
  },
  TESSERA_IDEMPOTENCY_IN_PROGRESS: {
    status: 409,
    summary: 'The first request with this Idempotency-Key is still running (on any replica) after the repeat waited for it; retry later.',
  },
  TESSERA_IDEMPOTENCY_OUTCOME_UNKNOWN: {
    status: 409,
    summary:
      'The first request with this Idempotency-Key was interrupted, or failed after the provider may have received it; its outcome is unknown and it is not run again.',
  },
  TESSERA_REQUEST_TIMEOUT: { status: 408, summary: 'The request line, headers or body did not arrive within the server timeout.' },
  TESSERA_PAYLOAD_TOO_LARGE: { status: 413, summary: 'The request body is larger than the server accepts (TESSERA_MAX_BODY_BYTES).' },
  TESSERA_HEADERS_TOO_LARGE: { status: 431, summary: 'The request line and headers are larger than the server accepts.' },
  TESSERA_EXPRESSION_LIMIT_EXCEEDED: {
    status: 422,
    summary:
      "An override's expression (unified_model_override, integration_override or an environment mapping) exceeded the sandbox's limits: time, memory, result size or the request's expression budget; the message names the expression.",
  },
  TESSERA_LOOKUP_LIMIT_REACHED: {
    status: 422,
    summary:
      "A get that scans the provider's list for the record stopped at the page cap (TESSERA_IGNORE_LIMIT_MAX_PAGES) without finding it: the record may exist further on.",
  },
  TESSERA_OVERRIDE_FAILED: {
    status: 422,
    summary:
      "An override's expression failed at run time on the provider's data (a wrong function, a type error); the message names the expression and position.",
  },
  TESSERA_ACCOUNT_VALIDATION_FAILED: {
    status: 422,
    summary:
      "Connecting an account, or giving it new credentials, failed the integration's validation (the provider refused the credentials, or a validation step did); nothing was stored.",
  },
  TESSERA_BATCH_DEPENDENCY_FAILED: {
    status: 424,
    summary: 'POST /batch-request: this resource was not run because the resource it depends_on failed; the message names it.',
  },
  TESSERA_RATE_LIMITED: { status: 429, summary: "Tessera's own rate limit for the token or the account; wait Retry-After seconds." },
  // Remote: the provider's answer (truto_is_remote_error: true)
  TESSERA_REMOTE_ERROR: { status: 0, summary: 'The provider answered with an error; statusCode is its status and raw_response its body.' },
  TESSERA_REMOTE_RATE_LIMITED: { status: 429, summary: 'The provider rate-limited the call beyond the retry budget; wait Retry-After seconds.' },
  TESSERA_UPSTREAM_BUDGET_SPENT: {
    status: 429,
    summary: "The provider's documented request budget for this account is spent for longer than Tessera may wait; wait Retry-After seconds.",
  },
  TESSERA_UPSTREAM_UNREACHABLE: { status: 502, summary: 'The provider could not be reached (connection refused, DNS, TLS).' },
  TESSERA_UPSTREAM_TIMEOUT: { status: 504, summary: 'The provider did not answer within the upstream timeout.' },
  TESSERA_UPSTREAM_TIME_BUDGET_SPENT: {
    status: 504,
    summary: "The request's total time for upstream work (TESSERA_UPSTREAM_REQUEST_BUDGET_MS, retries and waits included) ran out.",
  },
  TESSERA_UPSTREAM_REDIRECT_REFUSED: { status: 502, summary: 'The provider redirected to another origin, or more than 5 times; Tessera does not follow.' },
  TESSERA_UPSTREAM_RESPONSE_TOO_LARGE: { status: 502, summary: "The provider's response is larger than TESSERA_UPSTREAM_MAX_RESPONSE_BYTES." },
  TESSERA_UPSTREAM_INVALID_RESPONSE: {
    status: 502,
    summary: 'The provider answered 2xx with a body that is not what the method returns (empty, or not JSON where JSON is expected).',
  },
  TESSERA_EGRESS_REFUSED: {
    status: 502,
    summary: 'The egress policy refused the upstream host: not named by the integration nor TESSERA_UPSTREAM_ALLOW, or an internal address.',
  },
  TESSERA_OAUTH_FAILED: { status: 0, summary: 'The provider refused an OAuth token exchange or refresh; statusCode follows its answer.' },
  // 5xx of our own
  TESSERA_ACCOUNT_BLOCKED: { status: 503, summary: 'The integrated account is blocked by an administrator.' },
  TESSERA_NOT_READY: {
    status: 503,
    summary: 'GET /ready: this replica cannot serve (database, migrations or encryption key failing, or draining); details.checks names the failing check.',
  },
  TESSERA_OVERLOADED: {
    status: 503,
    summary: 'This replica is at its limit of requests in progress and its queue is full, or the request waited too long; Retry-After is set.',
  },
  TESSERA_MAPPING_FAILED: { status: 500, summary: "A mapping expression failed on the provider's data; the message names the mapping and position." },
  TESSERA_STEP_FAILED: { status: 0, summary: "An integration step raised an error on purpose (an `error` step); its status is the step's." },
  TESSERA_INTERNAL: { status: 500, summary: 'An unexpected error in Tessera; the log has the details, the response never does.' },
} as const satisfies Record<string, { status: number; summary: string }>;

/** `status: 0` in the table: the status varies (the provider's, or the step's). */
export type ErrorCode = keyof typeof ERROR_CODES;
