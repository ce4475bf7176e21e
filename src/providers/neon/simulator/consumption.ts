import { createHash } from 'node:crypto';
import { rfc3339Seconds } from '../../../simulator-kit/time.ts';
import { requireValidOrgId } from './access.ts';
import { CONSUMPTION_METRICS, EARLIEST_CONSUMPTION, PROJECT_ID_PATTERN, type ConsumptionMetric, type NeonProject } from './consumption-schema.ts';
import { MESSAGES, NeonApiError } from './errors.ts';
import type { NeonOrganization } from './seed-schema.ts';
import type { NeonState } from './state.ts';

/**
 * `GET /consumption_history/v2/projects` (docs/providers/neon.md §7.1): parameter decoding
 * (400s), the range check per granularity (406), plan eligibility (403) and the page itself.
 * Pure functions over the state, so tests can compute the answers the route must give.
 */

export const GRANULARITIES = ['hourly', 'daily', 'monthly'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export const CONSUMPTION_LIMIT = { min: 1, max: 100, default: 10 } as const;
export const MAX_PROJECT_IDS = 100;
/** The longest `from`..`to` range per granularity (§7): 168 hours, 60 days, one year. */
export const MAX_RANGE: Record<Granularity, { amount: number; unit: string }> = {
  hourly: { amount: 168, unit: 'hours' },
  daily: { amount: 60, unit: 'days' },
  monthly: { amount: 12, unit: 'months' },
};
/** Plans with consumption history (§7.1); Neon's plan names carry suffixes such as `scale_v2`. */
const ELIGIBLE_PLAN = /^(launch|scale|agent|business|enterprise)/;

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

export interface ConsumptionQuery {
  orgId: string;
  granularity: Granularity;
  /** Both rounded down to the granularity, in epoch ms; `to` is exclusive. */
  from: number;
  to: number;
  /** Requested metrics, deduplicated, in the order asked for. */
  metrics: ConsumptionMetric[];
  projectIds?: string[];
  limit: number;
  cursor?: string;
}

const invalid = (message: string) => new NeonApiError(400, `invalid request: ${message}`);

/** Array parameters take repeated values, a comma-separated list, or both (§7). */
function listParam(params: URLSearchParams, name: string): string[] | undefined {
  const raw = params.getAll(name);
  if (raw.length === 0) return undefined;
  return raw
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export function floorTo(granularity: Granularity, ms: number): number {
  if (granularity === 'hourly') return Math.floor(ms / HOUR_MS) * HOUR_MS;
  if (granularity === 'daily') return Math.floor(ms / DAY_MS) * DAY_MS;
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export function nextTimeframe(granularity: Granularity, ms: number): number {
  if (granularity === 'hourly') return ms + HOUR_MS;
  if (granularity === 'daily') return ms + DAY_MS;
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

function dateTimeParam(params: URLSearchParams, name: 'from' | 'to'): number {
  const raw = params.get(name);
  if (raw === null || raw === '') throw invalid(`${name} is required`);
  const ms = DATE_TIME.test(raw) ? Date.parse(raw) : Number.NaN;
  if (!Number.isFinite(ms)) throw invalid(`${name} must be an RFC 3339 date-time (e.g. 2026-11-01T00:00:00Z), got "${raw.slice(0, 60)}"`);
  return ms;
}

/** Decodes every parameter, the way Neon's generated server does before any handler runs: all 400s. */
export function parseConsumptionQuery(params: URLSearchParams): ConsumptionQuery {
  const orgId = params.get('org_id');
  if (orgId === null || orgId === '') throw invalid('org_id is required');
  requireValidOrgId(orgId);
  const from = dateTimeParam(params, 'from');
  const to = dateTimeParam(params, 'to');
  const granularity = params.get('granularity');
  if (granularity === null || granularity === '') throw invalid('granularity is required');
  if (!(GRANULARITIES as readonly string[]).includes(granularity)) throw invalid(`granularity must be one of ${GRANULARITIES.join(', ')}`);
  const metricNames = listParam(params, 'metrics');
  if (!metricNames?.length) throw invalid('metrics is required');
  for (const m of metricNames) {
    if (!(CONSUMPTION_METRICS as readonly string[]).includes(m))
      throw invalid(`metrics: unsupported metric "${m.slice(0, 60)}"; supported: ${CONSUMPTION_METRICS.join(', ')}`);
  }
  const projectIds = listParam(params, 'project_ids');
  if (projectIds && projectIds.length > MAX_PROJECT_IDS) throw invalid(`project_ids: at most ${MAX_PROJECT_IDS} ids`);
  for (const id of projectIds ?? []) if (!PROJECT_ID_PATTERN.test(id)) throw invalid(`project_ids: "${id.slice(0, 60)}" does not match ^[a-z0-9-]{1,60}$`);
  const rawLimit = params.get('limit');
  let limit: number = CONSUMPTION_LIMIT.default;
  if (rawLimit !== null) {
    limit = /^[+-]?\d+$/.test(rawLimit) ? Number(rawLimit) : Number.NaN;
    if (!Number.isSafeInteger(limit) || limit < CONSUMPTION_LIMIT.min || limit > CONSUMPTION_LIMIT.max) {
      throw invalid(`limit must be between ${CONSUMPTION_LIMIT.min} and ${CONSUMPTION_LIMIT.max}`);
    }
  }
  const g = granularity as Granularity;
  return {
    orgId,
    granularity: g,
    from: floorTo(g, from),
    to: floorTo(g, to),
    metrics: [...new Set(metricNames)] as ConsumptionMetric[],
    projectIds: projectIds?.length ? [...new Set(projectIds)] : undefined,
    limit,
    cursor: params.get('cursor') ?? undefined,
  };
}

/** 403 for plans without consumption history (§7.1). */
export function requireEligiblePlan(org: NeonOrganization): void {
  if (!ELIGIBLE_PLAN.test(org.plan)) {
    throw new NeonApiError(
      403,
      `consumption history is not available on the ${org.plan} plan; it requires a Launch, Scale, Agent, Business or Enterprise plan`,
    );
  }
}

/** 406 when the rounded range is empty, starts before Neon keeps data, or is longer than the granularity allows (§7). */
export function requireRangeFits(q: ConsumptionQuery): void {
  const span = `${rfc3339Seconds(q.from)} to ${rfc3339Seconds(q.to)}`;
  if (q.from < Date.parse(EARLIEST_CONSUMPTION)) throw new NeonApiError(406, `from must not be earlier than ${EARLIEST_CONSUMPTION}`);
  if (q.to <= q.from) throw new NeonApiError(406, `the range ${span} is empty at ${q.granularity} granularity: to must be later than from`);
  const max = MAX_RANGE[q.granularity];
  const f = new Date(q.from);
  const t = new Date(q.to);
  const length =
    q.granularity === 'hourly'
      ? (q.to - q.from) / HOUR_MS
      : q.granularity === 'daily'
        ? (q.to - q.from) / DAY_MS
        : (t.getUTCFullYear() - f.getUTCFullYear()) * 12 + t.getUTCMonth() - f.getUTCMonth();
  if (length > max.amount) {
    throw new NeonApiError(406, `the range ${span} spans ${length} ${max.unit}; ${q.granularity} granularity allows at most ${max.amount} ${max.unit}`);
  }
}

/** A stable uuid per org and billing period, so period ids repeat across calls as Neon's do. */
export function periodId(orgId: string, periodStartMs: number): string {
  const h = createHash('sha256')
    .update(`${orgId}|${rfc3339Seconds(periodStartMs)}`)
    .digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[parseInt(h[16], 16) % 4]}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * One metric of one project over one timeframe, from the daily seed: a day as stored; a month
 * as the sum of its days up to the consumption clock; an hour as an equal integer share of its
 * day's active hours (remainders on the first hours), so hours add back up to the day exactly.
 */
export function timeframeValue(state: NeonState, project: NeonProject, granularity: Granularity, startMs: number, metric: ConsumptionMetric): number {
  if (granularity === 'daily') return state.dailyValue(project.id, dayOf(startMs), metric);
  if (granularity === 'monthly') {
    const end = Math.min(nextTimeframe('monthly', startMs), state.consumptionAsOfMs);
    let sum = 0;
    for (let d = startMs; d < end; d += DAY_MS) sum += state.dailyValue(project.id, dayOf(d), metric);
    return sum;
  }
  const dayStart = floorTo('daily', startMs);
  const value = state.dailyValue(project.id, dayOf(dayStart), metric);
  const created = Date.parse(project.created_at);
  const firstHour = created > dayStart ? Math.floor((created - dayStart) / HOUR_MS) : 0;
  const hours = 24 - firstHour;
  const index = (startMs - dayStart) / HOUR_MS - firstHour;
  if (index < 0) return 0;
  return Math.floor(value / hours) + (index < value % hours ? 1 : 0);
}

/** A project's billing periods (calendar months) holding its timeframes in range, oldest first. */
export function projectPeriods(state: NeonState, org: NeonOrganization, project: NeonProject, q: ConsumptionQuery) {
  const start = Math.max(q.from, floorTo(q.granularity, Date.parse(project.created_at)));
  const end = Math.min(q.to, state.consumptionAsOfMs);
  const periods: {
    period_id: string;
    period_plan: string;
    period_start: string;
    period_end?: string;
    consumption: { timeframe_start: string; timeframe_end: string; metrics: { metric_name: string; value: number }[] }[];
  }[] = [];
  for (let t = start; t < end; t = nextTimeframe(q.granularity, t)) {
    const periodStart = floorTo('monthly', t);
    let period = periods.at(-1);
    if (!period || period.period_start !== rfc3339Seconds(periodStart)) {
      const periodEnd = nextTimeframe('monthly', periodStart);
      period = {
        period_id: periodId(org.id, periodStart),
        period_plan: org.plan,
        period_start: rfc3339Seconds(periodStart),
        // Only past periods have an end (spec: "available for the past periods only").
        ...(periodEnd <= state.consumptionAsOfMs ? { period_end: rfc3339Seconds(periodEnd) } : {}),
        consumption: [],
      };
      periods.push(period);
    }
    period.consumption.push({
      timeframe_start: rfc3339Seconds(t),
      timeframe_end: rfc3339Seconds(nextTimeframe(q.granularity, t)),
      metrics: q.metrics.map((m) => ({ metric_name: m, value: timeframeValue(state, project, q.granularity, t, m) })),
    });
  }
  return periods;
}

/**
 * One page: the org's projects that existed before `to`, newest first (ties by id), `limit` at
 * a time. The cursor is the last project id of the previous page (the legacy endpoint's form,
 * §4); `pagination` is present only while more projects remain.
 */
export function consumptionPage(state: NeonState, org: NeonOrganization, q: ConsumptionQuery) {
  const wanted = q.projectIds && new Set(q.projectIds);
  const projects = state
    .projectsOf(org.id)
    .filter((p) => (!wanted || wanted.has(p.id)) && Date.parse(p.created_at) < q.to)
    .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  let start = 0;
  if (q.cursor !== undefined) {
    const at = projects.findIndex((p) => p.id === q.cursor);
    if (at < 0) throw new NeonApiError(400, MESSAGES.invalidCursor);
    start = at + 1;
  }
  const page = projects.slice(start, start + q.limit);
  const more = start + page.length < projects.length;
  return {
    projects: page.map((p) => ({ project_id: p.id, periods: projectPeriods(state, org, p, q) })),
    ...(more ? { pagination: { cursor: page.at(-1)!.id } } : {}),
  };
}
