import { invalidParameter } from './errors.ts';

/**
 * Confluent's collection paging (docs/providers/sources-additions.md §2.6): `page_size` and an
 * opaque `page_token` (≤ 255 characters); the response's `metadata.next` is the full URL of the
 * next page, `page_token` included, or null on the last page. Our tokens are base64url of the
 * query they belong to and an offset, so a token replayed with another window is refused.
 */
export interface PageSizeRule {
  fallback: number;
  max: number;
}

/** billing/v1/costs: default 5000, maximum 10000 (the spec also says x-max-page-items 500; the maximum wins). */
export const COSTS_PAGE: PageSizeRule = { fallback: 5000, max: 10000 };
/** org/v2 lists: default 10, maximum 100. */
export const ORG_PAGE: PageSizeRule = { fallback: 10, max: 100 };

export function pageSize(query: URLSearchParams, rule: PageSizeRule): number {
  const raw = query.get('page_size');
  if (raw === null || raw === '') return rule.fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > rule.max) {
    throw invalidParameter('page_size', `page_size must be an integer from 1 to ${rule.max}, got '${raw.slice(0, 40)}'`);
  }
  return Number(raw);
}

const encode = (scope: string, offset: number) => Buffer.from(`${scope}|${offset}`, 'utf8').toString('base64url');

/** The offset a `page_token` points at (0 without one); 400 when it is not ours or not for this query. */
export function pageOffset(query: URLSearchParams, scope: string): number {
  const token = query.get('page_token');
  if (token === null || token === '') return 0;
  if (token.length > 255) throw invalidParameter('page_token', 'page_token must be at most 255 characters');
  const decoded = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  const bar = decoded.lastIndexOf('|');
  const offset = Number(decoded.slice(bar + 1));
  if (bar < 0 || decoded.slice(0, bar) !== scope || !Number.isSafeInteger(offset) || offset < 0) {
    throw invalidParameter('page_token', 'The page_token is invalid or does not belong to this query', 'invalid_page_token', 'Invalid Page Token');
  }
  return offset;
}

/** One page of `items` and the `metadata` links Confluent puts around it. */
export function pageOf<T>(items: T[], url: URL, scope: string, size: number, offset: number, opts: { first?: boolean } = {}) {
  const data = items.slice(offset, offset + size);
  const link = (at: number | null) => {
    const next = new URL(url.pathname, url.origin);
    for (const [k, v] of url.searchParams) if (k !== 'page_token') next.searchParams.append(k, v);
    if (at !== null) next.searchParams.set('page_token', encode(scope, at));
    return next.href;
  };
  const next = offset + size < items.length ? link(offset + size) : null;
  const metadata: Record<string, string | null> = opts.first ? { first: link(null), next } : { next };
  return { data, metadata };
}
