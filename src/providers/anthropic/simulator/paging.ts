import { invalid } from './errors.ts';
import { intParam } from './route-kit.ts';

/**
 * The two list envelopes of the Admin API (docs/providers/sources.md §5.2, §5.3):
 *
 * - `Page` (users, invites, workspaces): `limit` 1–1000, default 20; `after_id` or `before_id`;
 *   `{data, has_more, first_id, last_id}`. With `before_id`, `has_more` says whether items exist
 *   before the page, which is how the SDK pages backwards.
 * - `PageCursor` (spend limits, analytics): `limit` and an opaque `page` token;
 *   `{data, next_page}` with `next_page: null` on the last page.
 *
 * Items keep the seed's order. An `after_id`/`before_id` that names no listed item is a 400
 * (our decision; Anthropic does not document it).
 */
export const LIST_LIMIT_DEFAULT = 20;
export const LIST_LIMIT_MAX = 1000;

export interface IdPage<T> {
  data: T[];
  has_more: boolean;
  first_id: string | null;
  last_id: string | null;
}

export function pageById<T extends { id: string }>(items: T[], query: URLSearchParams): IdPage<T> {
  const limit = intParam(query, 'limit', LIST_LIMIT_DEFAULT, 1, LIST_LIMIT_MAX);
  const afterId = query.get('after_id');
  const beforeId = query.get('before_id');
  if (afterId && beforeId) throw invalid('Cannot specify both before_id and after_id');
  const indexOf = (id: string, name: string) => {
    const i = items.findIndex((item) => item.id === id);
    if (i < 0) throw invalid(`${name}: no item with id ${id}`);
    return i;
  };
  let data: T[];
  let hasMore: boolean;
  if (beforeId) {
    const end = indexOf(beforeId, 'before_id');
    const start = Math.max(0, end - limit);
    data = items.slice(start, end);
    hasMore = start > 0;
  } else {
    const start = afterId ? indexOf(afterId, 'after_id') + 1 : 0;
    data = items.slice(start, start + limit);
    hasMore = start + limit < items.length;
  }
  return { data, has_more: hasMore, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null };
}

/** `page_` + base64 of the offset: opaque to clients, like Anthropic's tokens. */
export function encodePageToken(offset: number): string {
  return `page_${Buffer.from(`offset:${offset}`).toString('base64')}`;
}

export function decodePageToken(token: string | null): number {
  if (token === null || token === '') return 0;
  const m = /^page_([A-Za-z0-9+/=_-]+)$/.exec(token);
  const text = m ? Buffer.from(m[1], 'base64').toString('utf8') : '';
  const offset = /^offset:(\d+)$/.exec(text);
  if (!offset) throw invalid('page: Invalid page token');
  return Number(offset[1]);
}

/** One `{data, next_page}` page over groups that must not split (a member's spend rows stay together). */
export function pageByCursor<T>(groups: T[][], query: URLSearchParams, limitDefault: number, limitMax: number): { data: T[]; next_page: string | null } {
  const limit = intParam(query, 'limit', limitDefault, 1, limitMax);
  const offset = decodePageToken(query.get('page'));
  const slice = groups.slice(offset, offset + limit);
  return { data: slice.flat(), next_page: offset + limit < groups.length ? encodePageToken(offset + limit) : null };
}
