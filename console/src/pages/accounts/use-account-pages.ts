import { useEffect, useState } from 'preact/hooks';
import type { Api, ListPage } from '../../api.ts';
import { useAsync, type AsyncState } from '../../components/use-async.ts';
import { apiQuery, type AccountFilters } from './filters.ts';
import type { Account } from './types.ts';

export const PAGE_SIZE = 50;

interface FirstPage {
  rows: Account[];
  cursor: string | null;
}

export interface AccountPages {
  first: AsyncState<FirstPage>;
  /** Every row loaded so far: the first page and each "Load more". */
  rows: Account[];
  hasMore: boolean;
  loadingMore: boolean;
  moreError?: string;
  loadMore(): void;
}

/**
 * GET /integrated-account one page at a time (next_cursor), with the server-side filters; a change
 * of filters starts again from the first page. The search box filters these rows, not the server.
 */
export function useAccountPages(api: Api, filters: AccountFilters): AccountPages {
  const { integration, status, tenant } = filters;
  const first = useAsync<FirstPage>(
    async (signal) => {
      const page = await api.get<ListPage<Account>>('/integrated-account', apiQuery(filters, PAGE_SIZE), signal);
      return { rows: page.result, cursor: page.next_cursor ?? null };
    },
    [api, integration, status, tenant],
  );
  const [extra, setExtra] = useState<{ rows: Account[]; cursor: string | null; of?: FirstPage }>({ rows: [], cursor: null });
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string>();

  useEffect(() => {
    setExtra({ rows: [], cursor: first.data?.cursor ?? null, of: first.data });
    setMoreError(undefined);
  }, [first.data]);

  const cursor = extra.of === first.data ? extra.cursor : (first.data?.cursor ?? null);
  const loadMore = () => {
    if (!cursor || loadingMore) return;
    setLoadingMore(true);
    setMoreError(undefined);
    api
      .get<ListPage<Account>>('/integrated-account', { ...apiQuery(filters, PAGE_SIZE), next_cursor: cursor })
      .then(
        (page) => setExtra((e) => ({ rows: [...e.rows, ...page.result], cursor: page.next_cursor ?? null, of: e.of })),
        (error: unknown) => setMoreError(error instanceof Error ? error.message : String(error)),
      )
      .finally(() => setLoadingMore(false));
  };
  const rows = [...(first.data?.rows ?? []), ...(extra.of === first.data ? extra.rows : [])];
  return { first, rows, hasMore: Boolean(cursor), loadingMore, moreError, loadMore };
}
