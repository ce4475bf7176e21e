import { Cursor, type ListEnvelope } from './cursor.ts';
import type { HttpClient, RequestOptions } from './http.ts';
import type { DeleteResult } from './unified-api.ts';

/**
 * `/proxy/{resource}[/{id}|/{method}]` (docs/contract.md §13): the integration's native
 * resources, untranslated. A list is the usual list envelope around the upstream array; a get is
 * the upstream body verbatim. Two call forms, like unifiedApi:
 *
 *   published (Truto's SDK):  get(id, { resource, integrated_account_id, ...query })
 *   resource first:           get(resource, id, { integrated_account_id, ...query })
 */
export interface ProxyQuery {
  integrated_account_id?: string;
  [key: string]: unknown;
}

export interface ProxyTarget extends ProxyQuery {
  resource: string;
}

interface Target {
  resource: string;
  query: ProxyQuery;
  request?: RequestOptions;
}

const seg = (s: string) => encodeURIComponent(s);
const isString = (v: unknown): v is string => typeof v === 'string';

function fromOptions(opts: unknown, request: unknown, call: string): Target {
  if (!opts || typeof opts !== 'object')
    throw new TypeError(`Tessera: proxyApi.${call} needs { resource, integrated_account_id } (or the form ${call}(resource, …))`);
  const { resource, ...query } = opts as ProxyTarget;
  if (!isString(resource) || !resource) throw new TypeError(`Tessera: proxyApi.${call}: resource is a required string`);
  return { resource, query, request: request as RequestOptions | undefined };
}

function direct(resource: string, query: unknown, request: unknown): Target {
  return { resource, query: (query ?? {}) as ProxyQuery, request: request as RequestOptions | undefined };
}

export class ProxyApi {
  constructor(private readonly http: HttpClient) {}

  list<T = unknown>(resource: string, query?: ProxyQuery, request?: RequestOptions): Cursor<T>;
  list<T = unknown>(options: ProxyTarget, request?: RequestOptions): Cursor<T>;
  list<T = unknown>(...args: unknown[]): Cursor<T> {
    const t = isString(args[0]) ? direct(args[0], args[1], args[2]) : fromOptions(args[0], args[1], 'list');
    const { next_cursor, ...query } = t.query;
    return new Cursor<T>(
      (cursor) =>
        this.http.request<ListEnvelope<T>>('GET', `proxy/${seg(t.resource)}`, {
          ...t.request,
          query: { ...query, ...(cursor ? { next_cursor: cursor } : {}) },
        }),
      isString(next_cursor) ? next_cursor : undefined,
    );
  }

  get<T = unknown>(resource: string, id: string, query?: ProxyQuery, request?: RequestOptions): Promise<T>;
  get<T = unknown>(id: string, options: ProxyTarget, request?: RequestOptions): Promise<T>;
  get(...args: unknown[]): Promise<unknown> {
    const doc = isString(args[0]) && isString(args[1]);
    const id = (doc ? args[1] : args[0]) as string;
    const t = doc ? direct(args[0] as string, args[2], args[3]) : fromOptions(args[1], args[2], 'get');
    return this.http.request('GET', `proxy/${seg(t.resource)}/${seg(id)}`, { ...t.request, query: t.query });
  }

  create<T = unknown>(resource: string, body: unknown, query?: ProxyQuery, request?: RequestOptions): Promise<T>;
  create<T = unknown>(body: unknown, options: ProxyTarget, request?: RequestOptions): Promise<T>;
  create(...args: unknown[]): Promise<unknown> {
    const doc = isString(args[0]);
    const t = doc ? direct(args[0] as string, args[2], args[3]) : fromOptions(args[1], args[2], 'create');
    return this.http.request('POST', `proxy/${seg(t.resource)}`, { ...t.request, query: t.query, body: doc ? args[1] : args[0] });
  }

  update<T = unknown>(resource: string, id: string, body: unknown, query?: ProxyQuery, request?: RequestOptions): Promise<T>;
  update<T = unknown>(id: string, body: unknown, options: ProxyTarget, request?: RequestOptions): Promise<T>;
  update(...args: unknown[]): Promise<unknown> {
    const doc = isString(args[0]) && isString(args[1]);
    const id = (doc ? args[1] : args[0]) as string;
    const body = doc ? args[2] : args[1];
    const t = doc ? direct(args[0] as string, args[3], args[4]) : fromOptions(args[2], args[3], 'update');
    return this.http.request('PATCH', `proxy/${seg(t.resource)}/${seg(id)}`, { ...t.request, query: t.query, body });
  }

  delete(resource: string, id: string, query?: ProxyQuery, request?: RequestOptions): Promise<DeleteResult>;
  delete(id: string, options: ProxyTarget, request?: RequestOptions): Promise<DeleteResult>;
  delete(...args: unknown[]): Promise<DeleteResult> {
    const doc = isString(args[0]) && isString(args[1]);
    const id = (doc ? args[1] : args[0]) as string;
    const t = doc ? direct(args[0] as string, args[2], args[3]) : fromOptions(args[1], args[2], 'delete');
    return this.http.request<DeleteResult>('DELETE', `proxy/${seg(t.resource)}/${seg(id)}`, { ...t.request, query: t.query });
  }

  /** POST /proxy/{resource}/{method}. */
  customMethod<T = unknown>(resource: string, method: string, body: unknown, query?: ProxyQuery, request?: RequestOptions): Promise<T>;
  customMethod<T = unknown>(method: string, body: unknown, options: ProxyTarget, request?: RequestOptions): Promise<T>;
  customMethod(...args: unknown[]): Promise<unknown> {
    const doc = isString(args[0]) && isString(args[1]);
    const method = (doc ? args[1] : args[0]) as string;
    const body = doc ? args[2] : args[1];
    const t = doc ? direct(args[0] as string, args[3], args[4]) : fromOptions(args[2], args[3], 'customMethod');
    return this.http.request('POST', `proxy/${seg(t.resource)}/${seg(method)}`, { ...t.request, query: t.query, body: body ?? {} });
  }
}
