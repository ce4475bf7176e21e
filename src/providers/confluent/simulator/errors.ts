import { randomUUID } from 'node:crypto';

/**
 * Confluent's error body (docs/providers/sources-additions.md §2.6, the spec's `Failure`):
 * `{errors: [{id, status, code, title, detail, source{pointer, parameter}}]}`, `status` a string.
 * Titles and codes follow the spec's examples; the details are ours.
 */
export interface ConfluentErrorSource {
  pointer?: string;
  parameter?: string;
}

export interface ConfluentErrorItem {
  id: string;
  status: string;
  code?: string;
  title: string;
  detail?: string;
  source?: ConfluentErrorSource;
}

const TITLES: Record<number, [code: string, title: string]> = {
  400: ['bad_request', 'Bad Request'],
  401: ['user_unauthenticated', 'Authentication Required'],
  403: ['user_unauthorized', 'User Access Unauthorized'],
  404: ['not_found', 'Not Found'],
  405: ['method_not_allowed', 'Method Not Allowed'],
  429: ['too_many_requests', 'Too Many Requests'],
  500: ['internal_error', 'Internal Server Error'],
  502: ['bad_gateway', 'Bad Gateway'],
  503: ['service_unavailable', 'Service Unavailable'],
  504: ['gateway_timeout', 'Gateway Timeout'],
};

export function confluentErrorBody(
  status: number,
  detail: string,
  extra: { code?: string; title?: string; source?: ConfluentErrorSource } = {},
): { errors: ConfluentErrorItem[] } {
  const [code, title] = TITLES[status] ?? [status >= 500 ? 'internal_error' : 'bad_request', status >= 500 ? 'Internal Server Error' : 'Bad Request'];
  const item: ConfluentErrorItem = { id: randomUUID(), status: String(status), code: extra.code ?? code, title: extra.title ?? title, detail };
  if (extra.source) item.source = extra.source;
  return { errors: [item] };
}

/** Thrown by handlers; the route kit turns it into the body above. */
export class ConfluentApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: { code?: string; title?: string; source?: ConfluentErrorSource; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }
}

/** A query parameter Confluent refuses: 400 naming it in `source.parameter`. */
export const invalidParameter = (parameter: string, detail: string, code = 'invalid_parameter', title = 'Invalid Parameter') =>
  new ConfluentApiError(400, detail, { code, title, source: { parameter } });

/** Date filters are `SearchFilter`s in the spec; its example for a bad one is `invalid_filter`. */
export const invalidFilter = (parameter: string, detail: string) => invalidParameter(parameter, detail, 'invalid_filter', 'Invalid Filter');

export const MESSAGES = {
  unauthenticated: 'Valid authentication credentials must be provided',
  billingRole: (key: string) => `The API key '${key}' is not allowed to access the 'billing' resource without the 'OrganizationAdmin' or 'BillingAdmin' role.`,
  rateLimited: (limit: number) => `Rate limit of ${limit} requests per minute for this API key exceeded; retry after the X-RateLimit-Reset seconds`,
  notFound: (kind: string, id: string) => `${kind} '${id}' not found`,
};

export function faultMessage(status: number): string {
  if (status === 429) return 'Rate limit exceeded';
  if (status >= 500) return 'Oops, something went wrong!';
  return TITLES[status]?.[1] ?? 'Request failed';
}
