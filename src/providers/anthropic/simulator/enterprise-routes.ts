import type { Hono } from 'hono';
import type { SimEnv } from '../../../simulator-kit/simulator-app.ts';
import { invalid } from './errors.ts';
import { pageByCursor } from './paging.ts';
import { anthropicRoute, arrayParam, enumArray, type AnthropicRouteDeps } from './route-kit.ts';
import { PERIODS } from './seed-schema.ts';
import { DAY_MS, dayStart, type ActivityDay, type AnthropicState } from './state.ts';
import { analyticsUserActivity, spendSummary } from './wire.ts';

/**
 * Claude Enterprise only (docs/providers/sources.md §5.3, §5.4): the effective per-member
 * spend limits and per-member daily activity. A `console` seed answers both with 400
 * `organization_type_not_supported`, as the SDK's OrganizationTypeNotSupportedError expects.
 */

/** Analytics data starts on this day and lags one day behind "now". */
export const ANALYTICS_FIRST_DAY = '2026-01-01';
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Start of the spend period holding `ms`: the UTC month, the ISO week (Monday) or the day. */
export function periodStart(period: (typeof PERIODS)[number], ms: number): number {
  const d = new Date(dayStart(ms));
  if (period === 'daily') return d.getTime();
  if (period === 'weekly') return d.getTime() - ((d.getUTCDay() + 6) % 7) * DAY_MS;
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

function spendLimitsEffective(state: AnthropicState, query: URLSearchParams) {
  const periods = enumArray(query, 'period', PERIODS);
  const userIds = arrayParam(query, 'user_ids');
  if (userIds.length > 100) throw invalid('user_ids: List should have at most 100 items');
  // Period-to-date spend is measured at the seed's clock, so the report is the same on every run.
  const at = state.clockMs;
  const groups = state.users
    .filter((u) => !userIds.length || userIds.includes(u.id))
    .map((u) =>
      state
        .spendLimitsOf(u.id)
        .filter((s) => !periods.length || periods.includes(s.period))
        .sort((a, b) => PERIODS.indexOf(a.period) - PERIODS.indexOf(b.period))
        .map((s) => spendSummary(s, u, state.spendOf(u.id, periodStart(s.period, at), at))),
    )
    .filter((rows) => rows.length > 0);
  // Pages count members, so a member's periods never split across pages.
  return pageByCursor(groups, query, 20, 100);
}

function dayParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') return undefined;
  const ms = DATE.test(raw) ? Date.parse(`${raw}T00:00:00Z`) : NaN;
  if (Number.isNaN(ms)) throw invalid(`${name}: Input should be a valid date in YYYY-MM-DD format, got '${raw}'`);
  if (raw < ANALYTICS_FIRST_DAY) throw invalid(`${name}: must be no earlier than ${ANALYTICS_FIRST_DAY}`);
  return ms;
}

/** The window of `GET analytics/users`: one `date`, or `starting_date` up to `ending_date` (exclusive). */
function activityWindow(query: URLSearchParams, now: number): { from: number; to: number } {
  const date = dayParam(query, 'date');
  const starting = dayParam(query, 'starting_date');
  const ending = dayParam(query, 'ending_date');
  const latest = dayStart(now) - DAY_MS;
  const tooRecent = (name: string) => invalid(`${name}: data is available up to ${isoDay(latest)}; choose that day or an earlier one`);
  if (date !== undefined) {
    if (starting !== undefined || ending !== undefined) throw invalid('Use either date or starting_date, not both');
    if (date > latest) throw tooRecent('date');
    return { from: date, to: date + DAY_MS };
  }
  if (starting === undefined) {
    if (ending !== undefined) throw invalid('ending_date: only valid with starting_date');
    throw invalid('date: Field required (or starting_date for a date range)');
  }
  const to = ending ?? dayStart(now);
  if (to > dayStart(now)) throw invalid(`ending_date: must be at most ${isoDay(dayStart(now))}`);
  if (to <= starting) throw invalid('ending_date: must be after starting_date');
  if (to - starting > 366 * DAY_MS) throw invalid('ending_date: must be at most 366 days after starting_date');
  if (starting > latest) throw tooRecent('starting_date');
  return { from: starting, to };
}

function analyticsUsers(state: AnthropicState, query: URLSearchParams, now: number) {
  const { from, to } = activityWindow(query, now);
  const filters = arrayParam(query, 'filter').map((f) => {
    const m = /^(user_id|rbac_group_id|project_id):(.+)$/.exec(f);
    if (!m) throw invalid(`filter: unsupported filter '${f}'; use user_id:…, rbac_group_id:… or project_id:…`);
    return { dim: m[1], value: m[2] };
  });
  const groupBy = enumArray(query, 'group_by', ['rbac_group_id'] as const);
  const order = query.get('order') ?? 'asc';
  if (order !== 'asc' && order !== 'desc') throw invalid("order: Input should be 'asc' or 'desc'");
  // The seed has no RBAC groups or projects: such filters and the RBAC grouping match nobody.
  const impossible = groupBy.length > 0 || filters.some((f) => f.dim !== 'user_id');
  const userFilter = filters.filter((f) => f.dim === 'user_id').map((f) => f.value);
  const members = impossible ? [] : state.users.filter((u) => !userFilter.length || userFilter.includes(u.id));
  const rows = [...members]
    .sort((a, b) => a.email.localeCompare(b.email) * (order === 'desc' ? -1 : 1))
    .map((u) => {
      let total: ActivityDay | undefined;
      let last: number | null = null;
      for (let day = from; day < to; day += DAY_MS) {
        const a = state.activity.get(day)?.get(u.id);
        if (!a) continue;
        last = day;
        total ??= { records: 0, web_search_requests: 0, output_tokens: 0, opus_records: 0 };
        total.records += a.records;
        total.web_search_requests += a.web_search_requests;
        total.output_tokens += a.output_tokens;
        total.opus_records += a.opus_records;
      }
      return [analyticsUserActivity(u, total, last === null ? null : isoDay(last))];
    });
  return pageByCursor(rows, query, 20, 1000);
}

export function mountEnterpriseRoutes(app: Hono<SimEnv>, deps: AnthropicRouteDeps): void {
  anthropicRoute(app, deps, '/spend_limits/effective', (req) => spendLimitsEffective(req.state, req.query), { enterpriseOnly: true });
  anthropicRoute(app, deps, '/analytics/users', (req) => analyticsUsers(req.state, req.query, req.now), { enterpriseOnly: true });
}
