import type { Hono } from 'hono';
import type { SimEnv } from '../../../simulator-kit/simulator-app.ts';
import { DatadogApiError, MESSAGES, badRequest } from './errors.ts';
import { boolParam, datadogRoute, instantParam, type DatadogRequest, type DatadogRouteDeps } from './route-kit.ts';
import { KNOWN_PRODUCT_FAMILIES } from './seed-schema.ts';
import { DAY_MS, HOUR_MS, monthStart, type ChargeLine, type DatadogState } from './state.ts';
import { costRecord, dimensionMapping, hourlyRecord } from './wire.ts';

/**
 * The Usage Metering v2 routes Tessera's `datadog` integration reads (docs/providers/sources-additions.md
 * §2.5): hourly usage by product family (cursor-paged), historical, estimated and (deprecated)
 * by-org cost at month or day resolution, and the billing-dimension mapping.
 */
export const USAGE_PREFIX = '/api/v2/usage';

export function mountUsageRoutes(app: Hono<SimEnv>, deps: DatadogRouteDeps): void {
  datadogRoute(app, deps, `${USAGE_PREFIX}/hourly_usage`, { bucket: 'hourly', permissions: ['usage_read'] }, hourlyUsage);
  const cost = { bucket: 'cost', permissions: ['usage_read', 'billing_read'], parentOnly: true } as const;
  datadogRoute(app, deps, `${USAGE_PREFIX}/historical_cost`, cost, (req) => monthlyCost(req, 'historical'));
  datadogRoute(app, deps, `${USAGE_PREFIX}/cost_by_org`, cost, (req) => monthlyCost(req, 'cost_by_org'));
  datadogRoute(app, deps, `${USAGE_PREFIX}/estimated_cost`, cost, estimatedCost);
  datadogRoute(
    app,
    deps,
    `${USAGE_PREFIX}/billing_dimension_mapping`,
    { bucket: 'dimensions', permissions: ['usage_read'], parentOnly: true, jsonApiErrors: true },
    billingDimensionMapping,
  );
}

const KNOWN = new Set<string>(KNOWN_PRODUCT_FAMILIES);

/**
 * GET hourly_usage: one record per (org, product family, hour) in [start, end), ordered by org,
 * family and hour; `page[limit]` 1–500 (default 500); `meta.pagination.next_record_id` is the id
 * of the next page's first record, sent back as `page[next_record_id]`. With
 * `filter[include_descendants]` a parent's request covers its child orgs and may span 24 hours;
 * otherwise up to two months of one org.
 */
function hourlyUsage(req: DatadogRequest) {
  const { query, state } = req;
  const start = instantParam(query, 'filter[timestamp][start]', 'hour', true);
  const familiesRaw = query.get('filter[product_families]');
  if (!familiesRaw) throw badRequest(MESSAGES.required('filter[product_families]'));
  const end = instantParam(query, 'filter[timestamp][end]', 'hour') ?? Math.floor(req.now / HOUR_MS) * HOUR_MS + HOUR_MS;
  if (start >= end) throw badRequest(MESSAGES.hourOrder);
  const descendants = boolParam(query, 'filter[include_descendants]');
  boolParam(query, 'filter[include_connected_accounts]');
  boolParam(query, 'filter[include_breakdown]');
  if (descendants ? end - start > DAY_MS : end > monthStart(start, 2))
    throw badRequest(MESSAGES.span(descendants ? '24 hours for multiple organizations' : 'two months for one organization'));
  const requested = familiesRaw
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  for (const f of requested) if (f !== 'all' && !KNOWN.has(f)) throw badRequest(MESSAGES.family(f));
  const versions = query.get('filter[versions]');
  if (versions) {
    for (const v of versions.split(',')) {
      const [family, version] = v.trim().split(':');
      if (!KNOWN.has(family) || version !== '1.0.0') throw badRequest(MESSAGES.versions(v.trim()));
    }
  }
  const families = [...state.families.keys()].filter((f) => requested.includes('all') || requested.includes(f));
  const limitRaw = query.get('page[limit]');
  const limit = limitRaw === null || limitRaw === '' ? 500 : /^\d+$/.test(limitRaw) ? Number(limitRaw) : Number.NaN;
  if (!(limit >= 1 && limit <= 500)) throw badRequest(MESSAGES.pageLimit);
  const rows = state.hourlyRows(descendants ? state.withDescendants(req.org) : [req.org], families, start, end);
  const after = query.get('page[next_record_id]');
  const from = after ? rows.findIndex((r) => r.id === after) : 0;
  if (from < 0) throw badRequest(MESSAGES.recordId);
  const page = rows.slice(from, from + limit);
  return { data: page.map(hourlyRecord), meta: { pagination: { next_record_id: rows[from + limit]?.id ?? null } } };
}

function viewParam(req: DatadogRequest): 'summary' | 'sub-org' {
  const view = req.query.get('view') || 'summary';
  if (view !== 'summary' && view !== 'sub-org') throw badRequest(MESSAGES.view(view));
  return view;
}

/** Cost records for one period: the parent's summary, or one record per org of the account. */
function periodRecords(state: DatadogState, view: 'summary' | 'sub-org', dateMs: number, charges: (orgIndex: number | 'summary') => ChargeLine[]) {
  if (view === 'summary') return [costRecord(view, state.root, dateMs, charges('summary'))];
  return state.orgs.map((org, i) => costRecord(view, org, dateMs, charges(i)));
}

/**
 * GET historical_cost and cost_by_org: closed months in [start_month, end_month] (both inclusive;
 * end defaults to the current month). A month is final, and listed, from the 16th of the next
 * month on. cost_by_org (deprecated) always answers per org.
 */
function monthlyCost(req: DatadogRequest, kind: 'historical' | 'cost_by_org') {
  const { query, state } = req;
  const start = instantParam(query, 'start_month', 'month', true);
  const end = instantParam(query, 'end_month', 'month') ?? monthStart(req.now);
  if (end < start) throw badRequest(MESSAGES.monthOrder);
  const view = kind === 'cost_by_org' ? 'sub-org' : viewParam(req);
  if (kind === 'historical') boolParam(query, 'include_connected_accounts');
  const months = state.dataMonths.filter((m) => m >= start && m <= end && req.now >= monthStart(m, 1) + 15 * DAY_MS);
  return {
    data: months.flatMap((m) =>
      periodRecords(state, view, m, (which) => (which === 'summary' ? state.summaryCharges(m) : state.orgCharges(state.orgs[which], m))),
    ),
  };
}

/**
 * GET estimated_cost: the current and previous month, month-to-date. By month (`start_month`,
 * `end_month`, default the current month) or by day (`start_date`, `end_date`, default today):
 * each day's cost, or with `cost_aggregation=cumulative` the month-to-date cost through that day,
 * so a month's daily costs add up to its month-to-date cost exactly. Never both start parameters.
 */
function estimatedCost(req: DatadogRequest) {
  const { query, state, now } = req;
  if (query.get('start_month') && query.get('start_date')) throw badRequest(MESSAGES.bothStarts);
  const view = viewParam(req);
  boolParam(query, 'include_connected_accounts');
  const aggregation = query.get('cost_aggregation');
  if (aggregation && aggregation !== 'cumulative') throw badRequest(MESSAGES.aggregation(aggregation));
  const earliest = monthStart(now, -1);
  const upto = Math.min(now, state.clockMs);
  if (query.get('start_date')) {
    const start = instantParam(query, 'start_date', 'day', true);
    const end = instantParam(query, 'end_date', 'day') ?? Math.floor(now / DAY_MS) * DAY_MS;
    if (start < monthStart(now, -2)) throw badRequest(MESSAGES.estimateTooOld('start_date'));
    if (end < start) throw badRequest(MESSAGES.dayOrder);
    const data = [];
    for (let day = Math.max(start, earliest); day <= end && day < upto; day += DAY_MS) {
      const through = (d: number, which: number | 'summary') =>
        which === 'summary' ? state.summaryCharges(d, d + DAY_MS) : state.orgCharges(state.orgs[which], d, d + DAY_MS);
      data.push(
        ...periodRecords(state, view, day, (which) => {
          const cumulative = through(day, which);
          if (aggregation === 'cumulative' || day === monthStart(day)) return cumulative;
          const before = through(day - DAY_MS, which);
          return cumulative.map((line, i) => ({ dimension: line.dimension, charge: subtract(line.charge, before[i].charge) }));
        }),
      );
    }
    return { data };
  }
  const start = instantParam(query, 'start_month', 'month') ?? monthStart(now);
  const end = instantParam(query, 'end_month', 'month') ?? monthStart(now);
  if (start < monthStart(now, -2)) throw badRequest(MESSAGES.estimateTooOld('start_month'));
  if (end < start) throw badRequest(MESSAGES.monthOrder);
  const months = state.dataMonths.filter((m) => m >= Math.max(start, earliest) && m <= end);
  return {
    data: months.flatMap((m) =>
      periodRecords(state, view, m, (which) => (which === 'summary' ? state.summaryCharges(m, upto) : state.orgCharges(state.orgs[which], m, upto))),
    ),
  };
}

function subtract(a: ChargeLine['charge'], b: ChargeLine['charge']): ChargeLine['charge'] {
  return { committed: a.committed - b.committed, on_demand: a.on_demand - b.on_demand, total: a.total - b.total };
}

/**
 * GET billing_dimension_mapping: `filter[view]=active` (default) lists the contract's metered
 * dimensions, `all` every dimension the seed names; `filter[month]` (default the current month)
 * is echoed as each item's `timestamp`.
 */
function billingDimensionMapping(req: DatadogRequest) {
  const { query, state } = req;
  const month = instantParam(query, 'filter[month]', 'month') ?? monthStart(req.now);
  const view = query.get('filter[view]') || 'active';
  if (view !== 'active' && view !== 'all') throw new DatadogApiError(400, MESSAGES.filterView(view), { jsonApi: true });
  const dims = view === 'all' ? state.seed.dimensions : state.meteredDimensions;
  return { data: dims.map((d) => dimensionMapping(d, month)) };
}
