import type { Hono } from 'hono';
import type { SimEnv } from '../../../simulator-kit/simulator-app.ts';
import { invalidFilter } from './errors.ts';
import { COSTS_PAGE, pageOf, pageOffset, pageSize } from './paging.ts';
import { BILLING_ROLES, confluentRoute, type ConfluentRouteDeps } from './route-kit.ts';
import { costJson } from './wire.ts';

/**
 * `GET /billing/v1/costs` (docs/providers/sources-additions.md §2.6): daily cost lines of the
 * organization between `start_date` (inclusive) and `end_date` (exclusive), both `YYYY-MM-DD`
 * UTC and required; at most one month apart; the start at most one year back. "One month" is a
 * calendar month the way Go's `AddDate(0, 1, 0)` counts it (Jan 31 + 1 month = Mar 3): our
 * reading of "one month is the maximum window", the one that matches Confluent's Go services.
 * Only OrganizationAdmin and BillingAdmin keys may read it.
 */
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function parseDay(query: URLSearchParams, name: string): { day: string; y: number; m: number; d: number } {
  const value = query.get(name);
  if (value === null || value === '') throw invalidFilter(name, `${name} is required (YYYY-MM-DD)`);
  const ms = DATE.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN;
  if (!Number.isFinite(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw invalidFilter(name, `${name} must be a date in the format YYYY-MM-DD, got '${value.slice(0, 40)}'`);
  }
  const [y, m, d] = value.split('-').map(Number);
  return { day: value, y, m: m - 1, d };
}

/** Go's time.AddDate on a UTC midnight: out-of-range days roll over into the next month. */
const addDate = (t: { y: number; m: number; d: number }, years: number, months: number) =>
  new Date(Date.UTC(t.y + years, t.m + months, t.d)).toISOString().slice(0, 10);

export function mountBillingRoutes(app: Hono<SimEnv>, deps: ConfluentRouteDeps): void {
  confluentRoute(
    app,
    deps,
    '/billing/v1/costs',
    ({ state, query, url, now }) => {
      const start = parseDay(query, 'start_date');
      const end = parseDay(query, 'end_date');
      if (end.day <= start.day) throw invalidFilter('end_date', `end_date (${end.day}) must be after start_date (${start.day})`);
      const oneMonthLater = addDate(start, 0, 1);
      if (end.day > oneMonthLater) {
        throw invalidFilter(
          'end_date',
          `The window between start_date and end_date must be at most one month: end_date may be at most ${oneMonthLater} for start_date ${start.day}`,
        );
      }
      const today = new Date(now).toISOString().slice(0, 10);
      const [y, m, d] = today.split('-').map(Number);
      const oldest = addDate({ y, m: m - 1, d }, -1, 0);
      if (start.day < oldest) throw invalidFilter('start_date', `start_date can be at most one year in the past (${oldest} or later)`);
      const size = pageSize(query, COSTS_PAGE);
      const scope = `costs|${start.day}|${end.day}`;
      const offset = pageOffset(query, scope);
      const lines = state.linesBetween(start.day, end.day);
      const page = pageOf(lines, url, scope, size, offset);
      return { api_version: 'billing/v1', kind: 'CostList', metadata: page.metadata, data: page.data.map((l) => costJson(l, state)) };
    },
    { roles: BILLING_ROLES },
  );
}
