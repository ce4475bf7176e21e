import { Cursor, type ListEnvelope } from './cursor.ts';
import type { HttpClient, RequestOptions } from './http.ts';

/** A path segment as the server decodes it once (`{id}` arrives URL-encoded). */
export const seg = (s: string) => encodeURIComponent(s);

/**
 * What every admin resource shares: `list` as a cursor over the admin list envelope (a
 * `next_cursor` in the query starts from there) and `get` by id. Subclasses add their writes.
 */
export abstract class AdminResource<T, Q extends object = Record<string, unknown>> {
  protected abstract readonly path: string;
  constructor(protected readonly http: HttpClient) {}

  list(query: Q = {} as Q, request?: RequestOptions): Cursor<T> {
    const { next_cursor, ...rest } = query as Record<string, unknown>;
    return new Cursor<T>(
      (cursor) => this.http.request<ListEnvelope<T>>('GET', this.path, { ...request, query: { ...rest, ...(cursor ? { next_cursor: cursor } : {}) } }),
      typeof next_cursor === 'string' ? next_cursor : undefined,
    );
  }

  get(id: string, request?: RequestOptions): Promise<T> {
    return this.http.request<T>('GET', `${this.path}/${seg(id)}`, request);
  }
}
