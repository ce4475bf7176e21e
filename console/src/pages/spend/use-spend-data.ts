import { useEffect, useState } from 'preact/hooks';
import { ApiError, type Api } from '../../api.ts';
import { apiWindow, type AccountList, type AccountRef, type DayRange, type SeatUser, type UsageRow } from './aggregate.ts';

/** Each account's users and usage, loaded side by side; each list lands on its own, so sections fill in as they can. */
export interface SpendData {
  users: AccountList<SeatUser>[];
  usage: AccountList<UsageRow>[];
  /** Accounts whose list has not answered yet. */
  usersPending: number;
  usagePending: number;
}

type Slot<T> = { rows?: T[]; error?: AccountList<T>['error'] };

function toError(e: unknown): NonNullable<AccountList<unknown>['error']> {
  if (e instanceof ApiError) {
    const code = e.body && typeof e.body === 'object' && 'code' in e.body ? String((e.body as { code: unknown }).code) : undefined;
    return { status: e.status, code, message: e.message };
  }
  return { status: 0, message: e instanceof Error ? e.message : String(e) };
}

/**
 * The page reads money only (seats and activity come from `users`), so where an integration can
 * leave out its rows without money it is asked to (docs/usage.md: Datadog's hourly quantities are
 * 95% of its rows; Copilot's per-user metrics carry no cost). Any other integration would answer
 * report_type with a 400, so it is sent only to these.
 */
export const COST_ONLY: Record<string, Record<string, string>> = {
  datadog: { report_type: 'cost' },
  'github-copilot': { report_type: 'cost' },
};

/**
 * Every page of one account's list (following next_cursor, with no cap: a month of Datadog's
 * hourly rows is past the 10,000 that listAll stops at by default). `remote_data` is left out:
 * the page never reads it and it is most of the bytes.
 */
function useLists<T>(api: Api, resource: 'users' | 'usage', accounts: AccountRef[], window: Record<string, string> | undefined) {
  const key = JSON.stringify([accounts.map((a) => a.id), window]);
  // Tagged with the key they were loaded for, so a new scope or range never shows the old answers.
  const [state, setState] = useState<{ key: string; slots: Record<string, Slot<T>> }>({ key, slots: {} });
  const slots = state.key === key ? state.slots : {};
  useEffect(() => {
    const controller = new AbortController();
    const settle = (id: string, slot: Slot<T>) =>
      controller.signal.aborted || setState((s) => ({ key, slots: { ...(s.key === key ? s.slots : {}), [id]: slot } }));
    for (const account of accounts) {
      api
        .listAll<T>(
          `/unified/usage-metering/${resource}`,
          { integrated_account_id: account.id, truto_ignore_remote_data: true, ...window, ...(window && COST_ONLY[account.integration.name]) },
          { max: Number.POSITIVE_INFINITY, signal: controller.signal },
        )
        .then(
          (rows) => settle(account.id, { rows }),
          (e: unknown) => settle(account.id, { error: toError(e) }),
        );
    }
    return () => controller.abort();
  }, [key]);
  const lists: AccountList<T>[] = [];
  let pending = 0;
  for (const account of accounts) {
    const slot = slots[account.id];
    if (!slot) pending++;
    else lists.push({ account, ...slot });
  }
  return { lists, pending };
}

export function useSpendData(api: Api, accounts: AccountRef[], range: DayRange): SpendData {
  const window = apiWindow(range);
  const users = useLists<SeatUser>(api, 'users', accounts, undefined);
  const usage = useLists<UsageRow>(api, 'usage', accounts, window);
  return { users: users.lists, usage: usage.lists, usersPending: users.pending, usagePending: usage.pending };
}
