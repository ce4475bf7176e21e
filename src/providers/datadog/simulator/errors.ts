import { JSON_CONTENT_TYPE } from '../../../simulator-kit/json-response.ts';

/**
 * Datadog's error bodies (docs/providers/sources-additions.md §2.5): `{"errors": ["…"]}` (the client's
 * APIErrorResponse), e.g. 403 `{"errors":["Forbidden"]}`. A few usage endpoints answer in JSON:API
 * form instead, `{"errors":[{"status","title","detail",…}]}` with `application/vnd.api+json`, as the
 * recorded billing_dimension_mapping 400 for a child org's keys does.
 */
export function datadogErrorBody(messages: string[]): { errors: string[] } {
  return { errors: messages };
}

export function jsonApiErrorBody(status: number, title: string, detail: string) {
  return { errors: [{ id: null, links: null, status: String(status), code: null, title, detail, source: null, meta: null }] };
}

/** Thrown by handlers for any non-200 answer; route-kit renders it. */
export class DatadogApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: { jsonApi?: boolean; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }

  toResponse(extraHeaders: Record<string, string> = {}): Response {
    const jsonApi = this.extra.jsonApi === true;
    const body = jsonApi ? jsonApiErrorBody(this.status, TITLES[this.status] ?? 'Error', this.message) : datadogErrorBody([this.message]);
    return new Response(JSON.stringify(body), {
      status: this.status,
      headers: { 'content-type': jsonApi ? 'application/vnd.api+json' : JSON_CONTENT_TYPE, ...extraHeaders, ...this.extra.headers },
    });
  }
}

const TITLES: Record<number, string> = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 429: 'Too Many Requests' };

export const badRequest = (message: string) => new DatadogApiError(400, message);

/**
 * Datadog's own texts where recorded traffic shows them (Forbidden; the hour-order and non-parent
 * messages); the rest are ours, worded in Datadog's style, and the README says which.
 */
export const MESSAGES = {
  forbidden: 'Forbidden',
  notFound: 'Not found',
  rateLimited: 'Too many requests',
  hourOrder: 'start_hr [YYYY-MM-DDThh] must be before end_hr [YYYY-MM-DDThh]',
  nonParent: 'API called with non-parent org keys. Data is only available at the root level org',
  required: (name: string) => `Missing required parameter: ${name}`,
  invalidHour: (name: string) => `Invalid ${name}: expected an ISO-8601 UTC datetime precise to hour [YYYY-MM-DDThh]`,
  invalidMonth: (name: string) => `Invalid ${name}: expected an ISO-8601 UTC datetime precise to month [YYYY-MM]`,
  invalidDay: (name: string) => `Invalid ${name}: expected an ISO-8601 UTC datetime precise to day [YYYY-MM-DD]`,
  monthOrder: 'start_month must be before or equal to end_month',
  dayOrder: 'start_date must be before or equal to end_date',
  bothStarts: 'Either start_month or start_date should be specified, but not both',
  estimateTooOld: (name: string) => `${name} cannot go beyond two months in the past`,
  span: (limit: string) => `The requested time range is too long: at most ${limit} of hourly usage per request`,
  family: (name: string) => `Invalid product family: ${name}`,
  versions: (value: string) => `Invalid filter[versions]: ${value}. Every product family has the single version 1.0.0`,
  view: (value: string) => `Invalid view: ${value}. Available views are summary and sub-org`,
  filterView: (value: string) => `Invalid filter[view]: ${value}. Allowed views are active and all`,
  aggregation: (value: string) => `Invalid cost_aggregation: ${value}. The only aggregation is cumulative`,
  boolean: (name: string) => `Invalid ${name}: expected true or false`,
  pageLimit: 'page[limit] must be an integer between 1 and 500',
  recordId: 'Invalid page[next_record_id]',
  serverError: 'Internal Server Error',
} as const;

/** Default message of an injected fault that brings no body of its own. */
export function faultMessage(status: number): string {
  switch (status) {
    case 400:
      return 'Bad Request';
    case 403:
      return MESSAGES.forbidden;
    case 404:
      return MESSAGES.notFound;
    case 429:
      return MESSAGES.rateLimited;
    case 500:
      return MESSAGES.serverError;
    default:
      return `simulated failure (HTTP ${status})`;
  }
}
