import { callResource, type ResourceCall, type ResourceCallResult } from './resource-call.ts';
import type { Execution } from './types.ts';
import type { PageState } from './pagination.ts';

export interface PageLimits {
  maxRecords: number;
  maxPages: number;
}

export const DEFAULT_PAGE_LIMITS: PageLimits = { maxRecords: 10_000, maxPages: 200 };

export interface AllPagesResult {
  records: unknown[];
  pages: number;
  /** Where to resume when a cap stopped us early; null when the upstream was exhausted. */
  resumeState: PageState | null;
  looping: boolean;
  last?: ResourceCallResult;
}

/**
 * Follows a resource's pagination to the end, or until `stop` says so, within a safety cap
 * (docs/contract.md §5.4). `onPage` sees each page as it arrives, for streaming and scans.
 */
export async function fetchAllPages(
  exec: Execution,
  call: ResourceCall,
  options: { limits?: PageLimits; onPage?: (page: ResourceCallResult) => Promise<boolean | void> } = {},
): Promise<AllPagesResult> {
  const limits = options.limits ?? DEFAULT_PAGE_LIMITS;
  const records: unknown[] = [];
  let state = call.pageState;
  let pages = 0;
  let last: ResourceCallResult | undefined;
  for (;;) {
    last = await callResource(exec, { ...call, pageState: state });
    pages++;
    if (!options.onPage) records.push(...last.records);
    const stop = options.onPage ? await options.onPage(last) : false;
    if (stop || !last.nextState) return { records, pages, resumeState: null, looping: last.looping, last };
    state = last.nextState;
    if (pages >= limits.maxPages || records.length >= limits.maxRecords) return { records, pages, resumeState: state, looping: false, last };
  }
}
