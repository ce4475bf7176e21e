import { Cursor, type ListEnvelope } from './cursor.ts';
import type { HttpClient, RequestOptions } from './http.ts';
import type { UnifiedModels } from './models.gen.ts';

/**
 * `/unified/{model}/{resource}[/{id}]` (docs/contract.md §3.1), in both call forms (§16.1):
 *
 *   published (Truto's SDK):  get(id, { unified_model, resource, integrated_account_id, ...query })
 *   doc page:                 get(model, resource, id, { integrated_account_id, ...query })
 *
 * The doc form is recognised by its leading strings: two for list/create, three for get, update,
 * delete, customMethod and meta. Every method takes an optional last argument of RequestOptions
 * (signal, timeoutMs, retry, headers, idempotencyKey).
 */

/** A record of a model the SDK has no generated type for. */
export type UnifiedRecord = Record<string, unknown>;

/** The generated type of (model, resource), or UnifiedRecord for names it does not know. */
export type RecordOf<M extends string, R extends string> = M extends keyof UnifiedModels
  ? R extends keyof UnifiedModels[M]
    ? UnifiedModels[M][R]
    : UnifiedRecord
  : UnifiedRecord;

/** Query parameters of a unified call. `integrated_account_id` may be left out with an integrated-account token. */
export interface UnifiedQuery {
  integrated_account_id?: string;
  limit?: number | string;
  next_cursor?: string;
  remote_query?: Record<string, unknown>;
  truto_response_format?: 'unified' | 'raw' | 'normalized' | 'stream' | 'debug';
  truto_exclude_fields?: string[] | string;
  truto_ignore_remote_data?: boolean;
  truto_ignore_limit?: boolean;
  truto_skip_api_call?: boolean;
  truto_key_by?: string;
  [key: string]: unknown;
}

/** The published form's options: the target travels inside the query object. */
export interface UnifiedTarget<M extends string = string, R extends string = string> extends UnifiedQuery {
  unified_model: M;
  resource: R;
}

export interface DeleteResult {
  id: string;
  [key: string]: unknown;
}

export interface CustomResult<T = unknown> {
  result: T;
  [key: string]: unknown;
}

export interface MethodMeta {
  method: string;
  schema?: unknown;
  documentation_link?: string;
  response_mapping?: string;
  query_schema?: unknown;
  request_body_schema?: unknown;
  default_query?: unknown;
  default_body?: unknown;
  [key: string]: unknown;
}

interface Target {
  model: string;
  resource: string;
  query: UnifiedQuery;
  request?: RequestOptions;
}

const seg = (s: string) => encodeURIComponent(s);
const isString = (v: unknown): v is string => typeof v === 'string';

function fromOptions(opts: unknown, request: unknown, call: string): Target {
  if (!opts || typeof opts !== 'object') {
    throw new TypeError(`Tessera: unifiedApi.${call} needs { unified_model, resource, integrated_account_id } (or the form ${call}(model, resource, …))`);
  }
  const { unified_model, resource, ...query } = opts as UnifiedTarget;
  if (!isString(unified_model) || !unified_model || !isString(resource) || !resource) {
    throw new TypeError(`Tessera: unifiedApi.${call}: unified_model and resource are required strings`);
  }
  return { model: unified_model, resource, query, request: request as RequestOptions | undefined };
}

function docTarget(model: string, resource: string, query: unknown, request: unknown): Target {
  if (query !== undefined && (query === null || typeof query !== 'object')) throw new TypeError('Tessera: the query argument must be an object');
  return { model, resource, query: (query ?? {}) as UnifiedQuery, request: request as RequestOptions | undefined };
}

export class UnifiedApi {
  constructor(private readonly http: HttpClient) {}

  /** GET /unified/{model}/{resource}: a Cursor over every page. */
  list<M extends string, R extends string>(model: M, resource: R, query?: UnifiedQuery, request?: RequestOptions): Cursor<RecordOf<M, R>>;
  list<M extends string, R extends string>(options: UnifiedTarget<M, R>, request?: RequestOptions): Cursor<RecordOf<M, R>>;
  list(...args: unknown[]): Cursor<UnifiedRecord> {
    const t = isString(args[0]) ? docTarget(args[0], args[1] as string, args[2], args[3]) : fromOptions(args[0], args[1], 'list');
    const { next_cursor, ...query } = t.query;
    const path = `unified/${seg(t.model)}/${seg(t.resource)}`;
    return new Cursor<UnifiedRecord>(
      (cursor) =>
        this.http.request<ListEnvelope<UnifiedRecord>>('GET', path, { ...t.request, query: { ...query, ...(cursor ? { next_cursor: cursor } : {}) } }),
      isString(next_cursor) ? next_cursor : undefined,
    );
  }

  /** GET /unified/{model}/{resource}/{id}. */
  get<M extends string, R extends string>(model: M, resource: R, id: string, query?: UnifiedQuery, request?: RequestOptions): Promise<RecordOf<M, R>>;
  get<M extends string, R extends string>(id: string, options: UnifiedTarget<M, R>, request?: RequestOptions): Promise<RecordOf<M, R>>;
  get(...args: unknown[]): Promise<unknown> {
    const [id, t] = this.#withId(args, 'get');
    return this.http.request('GET', `unified/${seg(t.model)}/${seg(t.resource)}/${seg(id)}`, { ...t.request, query: t.query });
  }

  /** POST /unified/{model}/{resource}. */
  create<M extends string, R extends string>(model: M, resource: R, body: unknown, query?: UnifiedQuery, request?: RequestOptions): Promise<RecordOf<M, R>>;
  create<M extends string, R extends string>(body: unknown, options: UnifiedTarget<M, R>, request?: RequestOptions): Promise<RecordOf<M, R>>;
  create(...args: unknown[]): Promise<unknown> {
    const doc = isString(args[0]) && isString(args[1]);
    const t = doc ? docTarget(args[0] as string, args[1] as string, args[3], args[4]) : fromOptions(args[1], args[2], 'create');
    const body = doc ? args[2] : args[0];
    return this.http.request('POST', `unified/${seg(t.model)}/${seg(t.resource)}`, { ...t.request, query: t.query, body });
  }

  /** PATCH /unified/{model}/{resource}/{id}. */
  update<M extends string, R extends string>(
    model: M,
    resource: R,
    id: string,
    body: unknown,
    query?: UnifiedQuery,
    request?: RequestOptions,
  ): Promise<RecordOf<M, R>>;
  update<M extends string, R extends string>(id: string, body: unknown, options: UnifiedTarget<M, R>, request?: RequestOptions): Promise<RecordOf<M, R>>;
  update(...args: unknown[]): Promise<unknown> {
    const doc = isDocForm(args, 'update');
    const id = (doc ? args[2] : args[0]) as string;
    const body = doc ? args[3] : args[1];
    const t = doc ? docTarget(args[0] as string, args[1] as string, args[4], args[5]) : fromOptions(args[2], args[3], 'update');
    requireId(id, 'update');
    return this.http.request('PATCH', `unified/${seg(t.model)}/${seg(t.resource)}/${seg(id)}`, { ...t.request, query: t.query, body });
  }

  /** DELETE /unified/{model}/{resource}/{id}: resolves `{ id }`. */
  delete(model: string, resource: string, id: string, query?: UnifiedQuery, request?: RequestOptions): Promise<DeleteResult>;
  delete(id: string, options: UnifiedTarget, request?: RequestOptions): Promise<DeleteResult>;
  delete(...args: unknown[]): Promise<DeleteResult> {
    const [id, t] = this.#withId(args, 'delete');
    return this.http.request<DeleteResult>('DELETE', `unified/${seg(t.model)}/${seg(t.resource)}/${seg(id)}`, { ...t.request, query: t.query });
  }

  /** POST /unified/{model}/{resource}/{method}: resolves `{ result }`. */
  customMethod<T = unknown>(
    model: string,
    resource: string,
    method: string,
    body?: unknown,
    query?: UnifiedQuery,
    request?: RequestOptions,
  ): Promise<CustomResult<T>>;
  customMethod<T = unknown>(method: string, body: unknown, options: UnifiedTarget, request?: RequestOptions): Promise<CustomResult<T>>;
  customMethod(...args: unknown[]): Promise<unknown> {
    const doc = isDocForm(args, 'customMethod');
    const method = (doc ? args[2] : args[0]) as string;
    const body = doc ? args[3] : args[1];
    const t = doc ? docTarget(args[0] as string, args[1] as string, args[4], args[5]) : fromOptions(args[2], args[3], 'customMethod');
    requireId(method, 'customMethod', 'method');
    return this.http.request('POST', `unified/${seg(t.model)}/${seg(t.resource)}/${seg(method)}`, { ...t.request, query: t.query, body: body ?? {} });
  }

  /** GET /unified/{model}/{resource}/meta/{method}: the method's schemas and mapping. */
  meta(model: string, resource: string, method: string, query?: UnifiedQuery, request?: RequestOptions): Promise<MethodMeta>;
  meta(method: string, options: UnifiedTarget, request?: RequestOptions): Promise<MethodMeta>;
  meta(...args: unknown[]): Promise<MethodMeta> {
    const [method, t] = this.#withId(args, 'meta');
    return this.http.request<MethodMeta>('GET', `unified/${seg(t.model)}/${seg(t.resource)}/meta/${seg(method)}`, { ...t.request, query: t.query });
  }

  /** (id, options, request) or (model, resource, id, query, request). */
  #withId(args: unknown[], call: string): [string, Target] {
    const doc = isDocForm(args, call);
    const id = (doc ? args[2] : args[0]) as string;
    requireId(id, call);
    return [id, doc ? docTarget(args[0] as string, args[1] as string, args[3], args[4]) : fromOptions(args[1], args[2], call)];
  }
}

/**
 * Three leading strings: the doc form (model, resource, id|method, …). Two leading strings and then
 * undefined or null is the doc form with its id missing, reported as such rather than as a
 * malformed options object.
 */
function isDocForm(args: unknown[], call: string): boolean {
  if (!isString(args[0]) || !isString(args[1])) return false;
  if (args[2] === undefined || args[2] === null) requireId(args[2], call, call === 'customMethod' || call === 'meta' ? 'method name' : 'id');
  return isString(args[2]);
}

function requireId(id: unknown, call: string, what = 'id'): asserts id is string {
  if (!isString(id) || id === '') throw new TypeError(`Tessera: unifiedApi.${call} needs a non-empty ${what}`);
}
