import { GithubApiError, MESSAGES } from './errors.ts';

/**
 * GitHub's page-number paging (docs/providers/sources.md §7.1, §7.2): `page` (1-based) and `per_page`
 * (max 100; 50 by default on the Copilot seats list), with an RFC 5988 `Link` header naming the
 * `prev`, `next`, `last` and `first` pages, in that order, as GitHub writes them.
 *
 * GitHub is lenient with bad values: a `per_page` above 100 is served as 100, and a missing,
 * non-numeric or non-positive `page` or `per_page` falls back to the default. `perPageAboveMax:
 * 'reject'` turns the over-limit case into a 422 instead, for clients that want to be told.
 */
export const PER_PAGE_DEFAULT = 50;
export const PER_PAGE_MAX = 100;

export type PerPageAboveMax = 'clamp' | 'reject';

export interface Paging {
  page: number;
  perPage: number;
}

const positiveInt = (raw: string | null): number | undefined => {
  if (raw === null || !/^\+?\d+$/.test(raw.trim())) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 1 ? n : undefined;
};

export function parsePaging(params: URLSearchParams, aboveMax: PerPageAboveMax, documentationUrl: string): Paging {
  const page = positiveInt(params.get('page')) ?? 1;
  let perPage = positiveInt(params.get('per_page')) ?? PER_PAGE_DEFAULT;
  if (perPage > PER_PAGE_MAX) {
    if (aboveMax === 'reject') {
      throw new GithubApiError(422, MESSAGES.validationFailed, documentationUrl, {
        errors: [{ resource: 'Search', field: 'per_page', code: 'invalid', message: `per_page must be at most ${PER_PAGE_MAX}` }],
      });
    }
    perPage = PER_PAGE_MAX;
  }
  return { page, perPage };
}

export function lastPage(total: number, perPage: number): number {
  return Math.max(1, Math.ceil(total / perPage));
}

/**
 * The `Link` header for `page` of `total` items, or undefined when everything fits on one page.
 * `base` is the URL to link to; its query (the request's own) is kept and `page` replaced, so
 * `per_page` and any filters carry over the way GitHub's links carry them.
 */
export function linkHeader(base: URL, paging: Paging, total: number): string | undefined {
  const last = lastPage(total, paging.perPage);
  if (last <= 1 && paging.page <= 1) return undefined;
  const to = (page: number) => {
    const url = new URL(base.href);
    url.searchParams.set('page', String(page));
    return `<${url.href}>`;
  };
  const links: string[] = [];
  if (paging.page > 1) links.push(`${to(paging.page - 1)}; rel="prev"`);
  if (paging.page < last) links.push(`${to(paging.page + 1)}; rel="next"`, `${to(last)}; rel="last"`);
  if (paging.page > 1) links.push(`${to(1)}; rel="first"`);
  return links.join(', ');
}
