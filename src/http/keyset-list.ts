import type { Context } from 'hono';
import { errors } from '../errors/catalogue.ts';
import { parseQueryString, toLimit } from '../query/unified-query.ts';
import type { TextMatch } from '../store/types.ts';
import { matchesText, parseListFilters, type FilterSpec, type FilterValue } from './list-filters.ts';
import { rawQueryString, sendJson } from './respond.ts';
import type { HttpEnv } from './types.ts';

/** Where the previous page ended: rows come ordered by (created_at, id). */
export type KeysetPosition = { created_at: string; id: string };

export interface KeysetListSpec<R extends KeysetPosition> {
  /** The route, as a 400 for an unknown filter names it, and the cursor's scope. */
  route: string;
  filters: Record<string, FilterSpec>;
  defaultLimit: number;
  maxLimit?: number;
  /** One page from the store: at most `limit` rows after `after`, in the caller's environment. */
  fetch(filters: Record<string, FilterValue>, page: { environmentId: string; after?: KeysetPosition; limit: number }): Promise<R[]>;
  view(row: R): unknown;
}

/**
 * An admin list route (docs/contract.md §6): the filters in every form list-filters.ts reads, a
 * signed next_cursor scoped to the environment and route, and the envelope {result, next_cursor,
 * limit}. One more row than the page is read to know whether a next page exists. An
 * `environment_id` filter naming another environment finds nothing, never its rows.
 */
export async function keysetList<R extends KeysetPosition>(c: Context<HttpEnv>, spec: KeysetListSpec<R>): Promise<Response> {
  const services = c.get('services');
  const environmentId = c.get('principal').environmentId;
  const q = parseQueryString(rawQueryString(c));
  const limit = toLimit(q.limit, spec.maxLimit) ?? spec.defaultLimit;
  const scope = { account: environmentId, target: spec.route.replace(/^\//, '') };
  if (q.next_cursor !== undefined && typeof q.next_cursor !== 'string') throw errors.invalidCursor();
  const after = q.next_cursor ? (services.cursors.decode(scope, q.next_cursor) as KeysetPosition) : undefined;
  // Checked before the store sees them: an unknown filter, a list where one value belongs, U+0000
  // or an over-long value is a 400, never a store error or a filter silently dropped.
  const filters = parseListFilters(q, spec.filters, spec.route);
  if (!matchesText(environmentId, filters.environment_id as TextMatch | undefined)) return sendJson(c, 200, { result: [], next_cursor: null, limit });
  const rows = await spec.fetch(filters, { environmentId, after, limit: limit + 1 });
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const next = rows.length > limit && last ? services.cursors.encode(scope, { created_at: last.created_at, id: last.id }) : null;
  return sendJson(c, 200, { result: page.map((r) => spec.view(r)), next_cursor: next, limit });
}
