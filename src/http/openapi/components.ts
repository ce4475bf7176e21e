import { ERROR_CODES, REASON_PHRASES } from '../../errors/catalogue.ts';
import { RESPONSE_FORMATS } from '../../query/unified-query.ts';
import { jsonContent, ref, type Json } from './route-doc.ts';

/**
 * What many operations share: the error envelope and its responses, the data plane's query
 * parameters, the Idempotency-Key header. Route modules reference these by name (`ref`) so the
 * document states each of them once.
 */

const ERROR_RESPONSES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  422: 'UnprocessableEntity',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Validation failure, a missing required parameter or field, or an invalid next_cursor.',
  401: 'Missing, unknown, expired or revoked token; or the integrated account needs re-authentication.',
  403: 'Forbidden or missing scopes (also from the upstream provider).',
  404: 'Not found, or not visible to this token; or a method the integration does not map.',
  405: 'Writes to a read-only (sandbox) integrated account, or a change to a read-only field.',
  409: 'Conflict: a reused Idempotency-Key with a different request, a stale version, or an upstream conflict.',
  422: 'The upstream provider rejected the request.',
  429: 'Rate limited, by this server or by the upstream provider. Retry after Retry-After seconds.',
  500: 'Server failure.',
  502: 'The upstream gave no clean response.',
  503: 'The integrated account is blocked, or the upstream is unavailable.',
  504: 'The upstream timed out.',
};

/** Everything that reaches an upstream can fail in every way the upstream can. */
export const DATA_PLANE_ERRORS = [400, 401, 403, 404, 405, 409, 422, 429, 500, 502, 503, 504];
export const ADMIN_ERRORS = [400, 401, 404, 429, 500];

const errorEnvelopeSchema: Json = {
  title: 'ErrorEnvelope',
  description: 'Every 4xx and 5xx response (docs/contract.md §8.1).',
  type: 'object',
  properties: {
    statusCode: { type: 'integer', description: 'Same as the HTTP status' },
    error: { type: 'string', description: 'HTTP reason phrase', examples: ['Not Found'] },
    message: { type: 'string', description: 'Human text; for remote errors, taken from the provider body (may be empty)' },
    code: { type: 'string', enum: Object.keys(ERROR_CODES), description: "Tessera's stable error code (docs/errors.md); Truto clients ignore it" },
    details: { description: 'For validation errors: {failures: [{path, message}]}' },
    truto_is_remote_error: { type: 'boolean', const: true, description: 'The error came from the upstream provider' },
    raw_response: { description: 'The upstream body: parsed JSON if possible, else text; null when there was none' },
    truto_error_insight: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: { description: { type: 'string' }, value: {} },
        required: ['description'],
      },
    },
  },
  required: ['statusCode', 'error', 'message'],
};

/** Component schemas used across route modules; the route-owned ones follow them. */
export const SHARED_SCHEMAS: Json = {
  ErrorEnvelope: errorEnvelopeSchema,
  DeleteResult: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
  CustomMethodResult: { type: 'object', properties: { result: {} }, required: ['result'] },
};

export function errorResponses(): Json {
  const out: Json = {};
  for (const [code, name] of Object.entries(ERROR_RESPONSES)) {
    const status = Number(code);
    out[name] = {
      description: `${REASON_PHRASES[status] ?? 'Error'}. ${ERROR_DESCRIPTIONS[status] ?? ''}`.trim(),
      ...(status === 429 ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } } } } : {}),
      content: jsonContent(ref('schemas', 'ErrorEnvelope')),
    };
  }
  return out;
}

/** The success responses plus a reference to the shared response of each error status. */
export function withErrors(codes: number[], success: Json): Json {
  const out: Json = { ...success };
  for (const code of codes) out[String(code)] = ref('responses', ERROR_RESPONSES[code]);
  return out;
}

export const QUERY_PARAMETERS: Json = {
  IntegratedAccountId: {
    name: 'integrated_account_id',
    in: 'query',
    required: true,
    description: 'The integrated account (connection) to call. Missing: 400 with missing_required_query_parameters.',
    schema: { type: 'string', format: 'uuid' },
  },
  TrutoResponseFormat: {
    name: 'truto_response_format',
    in: 'query',
    description:
      'unified (default): mapped records with remote_data. raw: the upstream body (lists: unmapped upstream records in the list envelope). ' +
      'normalized: schema-complete, schema-strict records. stream: NDJSON lines (lists). debug: {result, debug}.',
    schema: { type: 'string', enum: [...RESPONSE_FORMATS], default: 'unified' },
  },
  TrutoExcludeFields: {
    name: 'truto_exclude_fields',
    in: 'query',
    description: 'Fields (or dotted paths) removed from each record. Also accepted as x[]=a&x[]=b, x[0]=a, or a repeated key.',
    style: 'form',
    explode: false,
    schema: { type: 'array', items: { type: 'string' } },
  },
  TrutoIgnoreRemoteData: {
    name: 'truto_ignore_remote_data',
    in: 'query',
    description: 'Leave remote_data out of each record.',
    schema: { type: 'boolean', default: false },
  },
  TrutoKeyBy: {
    name: 'truto_key_by',
    in: 'query',
    description: 'Turn result into an object keyed by this field or dotted path (lists only).',
    schema: { type: 'string' },
  },
  TrutoIgnoreLimit: {
    name: 'truto_ignore_limit',
    in: 'query',
    description: 'Follow every upstream page and return all records at once (up to a safety cap; then is_partial_response).',
    schema: { type: 'boolean', default: false },
  },
  TrutoSkipApiCall: {
    name: 'truto_skip_api_call',
    in: 'query',
    description: 'Dry run: validate and plan, but do not call the upstream (header X-Tessera-Skipped-Api-Call: true).',
    schema: { type: 'boolean', default: false },
  },
  RemoteQuery: {
    name: 'remote_query',
    in: 'query',
    description: 'Upstream query parameters passed through untouched, as remote_query[foo]=bar; they win over mapped ones.',
    style: 'deepObject',
    explode: true,
    schema: { type: 'object', additionalProperties: true },
  },
  Limit: {
    name: 'limit',
    in: 'query',
    description: 'Page size, translated to the upstream by the mapping.',
    schema: { type: 'integer', minimum: 1 },
  },
  NextCursor: {
    name: 'next_cursor',
    in: 'query',
    description: 'The opaque cursor from the previous page; empty means the first page.',
    schema: { type: 'string' },
  },
};

/** Names of QUERY_PARAMETERS, by the kind of unified method that takes them. */
export const PARAMS_BY_METHOD: Record<string, string[]> = {
  list: [
    'IntegratedAccountId',
    'TrutoResponseFormat',
    'TrutoExcludeFields',
    'TrutoIgnoreRemoteData',
    'TrutoKeyBy',
    'TrutoIgnoreLimit',
    'TrutoSkipApiCall',
    'RemoteQuery',
    'Limit',
    'NextCursor',
  ],
  get: ['IntegratedAccountId', 'TrutoResponseFormat', 'TrutoExcludeFields', 'TrutoIgnoreRemoteData', 'TrutoSkipApiCall', 'RemoteQuery'],
  create: ['IntegratedAccountId', 'TrutoResponseFormat', 'TrutoExcludeFields', 'TrutoIgnoreRemoteData', 'TrutoSkipApiCall', 'RemoteQuery'],
  update: ['IntegratedAccountId', 'TrutoResponseFormat', 'TrutoExcludeFields', 'TrutoIgnoreRemoteData', 'TrutoSkipApiCall', 'RemoteQuery'],
  delete: ['IntegratedAccountId', 'TrutoResponseFormat', 'TrutoSkipApiCall', 'RemoteQuery'],
  custom: ['IntegratedAccountId', 'TrutoResponseFormat', 'TrutoSkipApiCall', 'RemoteQuery'],
};
export const STANDARD_QUERY_NAMES = new Set(Object.values(QUERY_PARAMETERS).map((p) => (p as { name: string }).name));

export const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header',
  description: 'A repeated key returns the first response (24 h); the same key with a different request gets 409.',
  schema: { type: 'string' },
};

/** Any JSON object: the body of a write the server forwards without reading. */
export const ANY_BODY: Json = { content: jsonContent({ type: 'object', additionalProperties: true }) };

/** The page envelope of the admin lists (/integrated-account, /integration). */
export const adminListSchema = (items: unknown): Json => ({
  type: 'object',
  properties: { result: { type: 'array', items }, next_cursor: { type: ['string', 'null'] }, limit: { type: 'integer' } },
  required: ['result', 'next_cursor', 'limit'],
});
