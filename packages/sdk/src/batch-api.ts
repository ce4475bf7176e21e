import type { ErrorEnvelope } from './errors.ts';
import type { HttpClient, RequestOptions } from './http.ts';

/**
 * POST /batch-request (docs/batch.md): several unified and proxy calls of one account in one
 * request, with dependencies. The body is the one Truto's SDK sends (`batchRequest.create`).
 *
 *   const { result, errors } = await tessera.batchRequest.create({
 *     integrated_account_id,
 *     resources: [
 *       { resource: 'usage-metering/users', method: 'list' },
 *       { name: 'user', resource: 'usage-metering/users', method: 'get',
 *         depends_on: 'usage-metering/users', id: '{{resources.usage-metering.users.id}}' },
 *     ],
 *   });
 */

export interface BatchResource {
  /** `model/resource` (unified) or a native resource name (proxy). */
  resource: string;
  /** The key in `result`, `errors` and other resources' `depends_on`; default: `resource`. */
  name?: string;
  method: string;
  id?: string | number;
  query?: Record<string, unknown> | string;
  body?: Record<string, unknown> | unknown[] | string;
  /** Runs once per record of this resource (its key), which placeholders reach as `{{resources.<key path>.x}}`. */
  depends_on?: string;
  /** A path into each record of `depends_on`: runs once per element, reached as `{{loop.x}}`. */
  loop_on?: string;
  /** `false`: run (dependants see it) but leave it out of `result`. */
  persist?: boolean;
  response_format?: 'raw' | 'unified' | 'normalized';
}

export interface BatchRequestBody {
  integrated_account_id: string;
  /** Values for `{{args.x}}` placeholders. */
  args?: Record<string, unknown>;
  resources: BatchResource[];
}

export interface BatchResponse {
  /** By key: a list's records, or the body of any other method (an array of them when it ran per record). */
  result: Record<string, unknown>;
  /** By key: the error envelope of a resource that failed or was skipped. */
  errors: Record<string, ErrorEnvelope>;
  /** Keys whose lists stopped at the server's page or record cap. */
  truncated?: Record<string, true>;
}

export class BatchRequestApi {
  constructor(private readonly http: HttpClient) {}

  /** Not retried on failure (a POST): a batch may hold writes, and each write in it runs once. */
  create(body: BatchRequestBody, request?: RequestOptions): Promise<BatchResponse> {
    return this.http.request<BatchResponse>('POST', 'batch-request', { ...request, body });
  }
}
