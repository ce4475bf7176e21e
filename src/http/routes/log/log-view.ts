import type { RequestLogRecord } from '../../../store/request-log-rows.ts';
import type { Json } from '../../openapi/route-doc.ts';

/** The record fields GET /log sets itself; a row's `detail` never overrides them. */
const CORE = ['id', 'log_type', 'created_at', 'environment_id', 'integrated_account_id', 'integration', 'request', 'response', 'duration_ms', 'error'];

/**
 * One stored row as GET /log returns it (docs/logs.md "Shape"): the common fields, then the
 * type's own (`model`, `upstream`… for unified_proxy_api; the delivery's fields for webhook).
 */
export function toLogView(r: RequestLogRecord): Record<string, unknown> {
  const { error_code, request_type, ...own } = r.detail as { error_code?: unknown; request_type?: unknown } & Record<string, unknown>;
  const view: Record<string, unknown> = {
    id: r.id,
    log_type: r.log_type,
    created_at: r.created_at,
    environment_id: r.environment_id,
    integrated_account_id: r.integrated_account_id,
    integration: r.integration,
    request: { method: r.method, path: r.path, request_id: r.request_id, ...(typeof request_type === 'string' ? { type: request_type } : {}) },
    response: { status: r.status },
    duration_ms: r.duration_ms,
    error: r.error === null ? null : { code: typeof error_code === 'string' ? error_code : null, message: r.error },
  };
  for (const [key, value] of Object.entries(own)) if (!CORE.includes(key)) view[key] = value;
  return view;
}

export const logSchema: Json = {
  title: 'Log',
  type: 'object',
  description:
    "A data-plane request (log_type unified_proxy_api) or a webhook delivery attempt (webhook). Never holds a token, a credential or a body. Further properties are the type's own: for unified_proxy_api model, resource, resource_method, upstream and upstream_calls.",
  properties: {
    id: { type: 'string', format: 'uuid' },
    log_type: { type: 'string', enum: ['unified_proxy_api', 'webhook'] },
    created_at: { type: 'string', format: 'date-time' },
    environment_id: { type: 'string' },
    integrated_account_id: { type: ['string', 'null'] },
    integration: { type: ['string', 'null'] },
    request: {
      type: 'object',
      properties: {
        method: { type: ['string', 'null'] },
        path: { type: ['string', 'null'], description: 'Path and query as sent, values of credential-like parameters masked' },
        request_id: { type: ['string', 'null'] },
        type: { type: 'string', enum: ['unified', 'proxy', 'custom', 'batch'] },
      },
    },
    response: { type: 'object', properties: { status: { type: ['integer', 'null'] } } },
    duration_ms: { type: ['integer', 'null'] },
    error: {
      type: ['object', 'null'],
      properties: { code: { type: ['string', 'null'] }, message: { type: 'string' } },
    },
    model: { type: 'string' },
    resource: { type: 'string' },
    resource_method: { type: 'string' },
    upstream: {
      type: 'array',
      description: 'Provider calls, at most 50 (the first 10 and the last ones); URLs with credential-like query values masked',
      items: {
        type: 'object',
        properties: {
          method: { type: 'string' },
          url: { type: 'string' },
          status: { type: ['integer', 'null'] },
          error: { type: 'string' },
          duration_ms: { type: 'integer' },
          attempt: { type: 'integer' },
          role: { type: 'string' },
        },
      },
    },
    upstream_calls: { type: 'integer', description: 'All provider calls, including those left out of upstream' },
  },
  required: ['id', 'log_type', 'created_at', 'environment_id', 'integrated_account_id', 'integration', 'request', 'response', 'duration_ms', 'error'],
  additionalProperties: true,
};
