import type { Hono } from 'hono';
import { rfc3339Seconds } from '../../../simulator-kit/time.ts';
import type { SimEnv } from '../../../simulator-kit/simulator-app.ts';
import { invalid } from './errors.ts';
import { addTokens, formatCents, zeroTokens, type PricedLine, type TokenCounts } from './pricing.ts';
import { anthropicRoute, arrayParam, enumArray, intParam, type AnthropicRouteDeps } from './route-kit.ts';
import { CONTEXT_WINDOWS, INFERENCE_GEOS, SERVICE_TIERS } from './seed-schema.ts';
import type { AnthropicState, UsageDims } from './state.ts';

/**
 * The Console "Usage and Cost API" (docs/providers/sources.md §5.4):
 * `GET usage_report/messages` and `GET cost_report`. Both page time buckets with `limit` (buckets
 * per page) and an opaque `page` token (`page_` + base64 of the next bucket's start, as Anthropic's
 * look), answering `{data: [{starting_at, ending_at, results}], has_more, next_page}`.
 *
 * Buckets are `[t, t + width)` from `starting_at` snapped down to the width (UTC). A bucket is
 * returned when it ends at or before `ending_at` ("buckets that end before"); without `ending_at`
 * the bucket holding "now" is the last. Empty buckets are returned with `results: []`.
 */
export const BUCKETS = {
  '1d': { ms: 86_400_000, limitDefault: 7, limitMax: 31 },
  '1h': { ms: 3_600_000, limitDefault: 24, limitMax: 168 },
  '1m': { ms: 60_000, limitDefault: 60, limitMax: 1440 },
} as const;
export type BucketWidth = keyof typeof BUCKETS;

export const MESSAGES_GROUP_BY = [
  'api_key_id',
  'workspace_id',
  'model',
  'service_tier',
  'context_window',
  'inference_geo',
  'account_id',
  'service_account_id',
] as const;
export const COST_GROUP_BY = ['workspace_id', 'description'] as const;

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function timeParam(query: URLSearchParams, name: string, required: boolean): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') {
    if (required) throw invalid(`${name}: Field required`);
    return undefined;
  }
  const ms = DATE_TIME.test(raw) ? Date.parse(raw) : NaN;
  if (Number.isNaN(ms)) throw invalid(`${name}: Input should be a valid RFC 3339 datetime, got '${raw}'`);
  return ms;
}

interface BucketPage {
  buckets: number[];
  widthMs: number;
  nextStart: number | null;
}

/** The buckets of this page, from the window and paging parameters. */
function bucketsOf(query: URLSearchParams, now: number, widths: readonly BucketWidth[]): BucketPage {
  const width = (query.get('bucket_width') ?? '1d') as BucketWidth;
  if (!widths.includes(width)) throw invalid(`bucket_width: Input should be ${widths.map((w) => `'${w}'`).join(' or ')}`);
  const { ms: widthMs, limitDefault, limitMax } = BUCKETS[width];
  const startRaw = timeParam(query, 'starting_at', true)!;
  const endRaw = timeParam(query, 'ending_at', false);
  if (endRaw !== undefined && endRaw <= startRaw) throw invalid('ending_at: must be after starting_at');
  const limit = intParam(query, 'limit', limitDefault, 1, limitMax);
  const start = Math.floor(startRaw / widthMs) * widthMs;
  const end = endRaw ?? (Math.floor(now / widthMs) + 1) * widthMs;
  let t = start;
  const page = query.get('page');
  if (page) {
    const m = /^page_([A-Za-z0-9+/=]+)$/.exec(page);
    const at = m ? Date.parse(Buffer.from(m[1], 'base64').toString('utf8')) : NaN;
    if (Number.isNaN(at) || at < start || (at - start) % widthMs !== 0) throw invalid('page: Invalid page token');
    t = at;
  }
  const buckets: number[] = [];
  while (buckets.length < limit && t + widthMs <= end) {
    buckets.push(t);
    t += widthMs;
  }
  return { buckets, widthMs, nextStart: t + widthMs <= end ? t : null };
}

function envelope<T>(page: BucketPage, data: T[]) {
  return {
    data,
    has_more: page.nextStart !== null,
    next_page: page.nextStart === null ? null : `page_${Buffer.from(rfc3339Seconds(page.nextStart)).toString('base64')}`,
  };
}

const bucketTimes = (t: number, widthMs: number) => ({ starting_at: rfc3339Seconds(t), ending_at: rfc3339Seconds(t + widthMs) });

/** One messages-report result: every dimension key present, null unless grouped by it. */
function messagesResult(counts: TokenCounts, dims: Partial<UsageDims>) {
  return {
    uncached_input_tokens: counts.uncached_input_tokens,
    cache_creation: { ephemeral_1h_input_tokens: counts.cache_creation_1h, ephemeral_5m_input_tokens: counts.cache_creation_5m },
    cache_read_input_tokens: counts.cache_read_input_tokens,
    output_tokens: counts.output_tokens,
    server_tool_use: { web_search_requests: counts.web_search_requests },
    api_key_id: dims.api_key_id ?? null,
    workspace_id: dims.workspace_id ?? null,
    model: dims.model ?? null,
    service_tier: dims.service_tier ?? null,
    context_window: dims.context_window ?? null,
    inference_geo: dims.inference_geo ?? null,
    account_id: dims.account_id ?? null,
    // The seed has no service accounts; the key is always present, as every dimension is.
    service_account_id: null,
  };
}

function messagesReport(state: AnthropicState, query: URLSearchParams, now: number) {
  const page = bucketsOf(query, now, ['1d', '1h', '1m']);
  const groupBy = enumArray(query, 'group_by', MESSAGES_GROUP_BY);
  const filters: [keyof UsageDims, string[]][] = [
    ['api_key_id', arrayParam(query, 'api_key_ids')],
    ['workspace_id', arrayParam(query, 'workspace_ids')],
    ['model', arrayParam(query, 'models')],
    ['service_tier', enumArray(query, 'service_tiers', SERVICE_TIERS)],
    ['context_window', enumArray(query, 'context_window', CONTEXT_WINDOWS)],
    ['inference_geo', enumArray(query, 'inference_geos', INFERENCE_GEOS)],
    ['account_id', arrayParam(query, 'account_ids')],
  ];
  const serviceAccounts = arrayParam(query, 'service_account_ids');
  const active = filters.filter(([, values]) => values.length > 0);
  const data = page.buckets.map((t) => {
    const groups = new Map<string, { dims: Partial<UsageDims>; counts: TokenCounts }>();
    if (serviceAccounts.length === 0) {
      for (let i = state.firstRecordAt(t); i < state.records.length && state.records[i].ms < t + page.widthMs; i++) {
        const r = state.records[i];
        if (!active.every(([dim, values]) => values.includes(String(r[dim])))) continue;
        const dims: Partial<UsageDims> = Object.fromEntries(groupBy.filter((g) => g !== 'service_account_id').map((g) => [g, r[g as keyof UsageDims]]));
        const key = JSON.stringify(dims);
        const group = groups.get(key) ?? { dims, counts: zeroTokens() };
        groups.set(key, group);
        addTokens(group.counts, r);
      }
    }
    const results = [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, g]) => messagesResult(g.counts, g.dims));
    return { ...bucketTimes(t, page.widthMs), results };
  });
  return envelope(page, data);
}

function costReport(state: AnthropicState, query: URLSearchParams, now: number) {
  const page = bucketsOf(query, now, ['1d']);
  const groupBy = enumArray(query, 'group_by', COST_GROUP_BY);
  const byWorkspace = groupBy.includes('workspace_id');
  const byDescription = groupBy.includes('description');
  const data = page.buckets.map((t) => {
    const groups = new Map<string, { milli: bigint; workspace_id: string | null; line: PricedLine }>();
    for (const agg of state.daily.get(t) ?? []) {
      for (const line of agg.lines) {
        const key = JSON.stringify([byWorkspace ? agg.dims.workspace_id : null, byDescription ? line.description : null]);
        const group = groups.get(key) ?? { milli: 0n, workspace_id: agg.dims.workspace_id, line };
        groups.set(key, group);
        group.milli += line.milli;
      }
    }
    const results = [...groups.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([, g]) => ({
        currency: 'USD',
        amount: formatCents(g.milli),
        workspace_id: byWorkspace ? g.workspace_id : null,
        description: byDescription ? g.line.description : null,
        // The line's details come with the description, and only for token costs (§5.4).
        cost_type: byDescription ? g.line.cost_type : null,
        context_window: byDescription ? g.line.context_window : null,
        model: byDescription ? g.line.model : null,
        service_tier: byDescription ? g.line.service_tier : null,
        token_type: byDescription ? g.line.token_type : null,
      }));
    return { ...bucketTimes(t, page.widthMs), results };
  });
  return envelope(page, data);
}

export function mountReportRoutes(app: Hono<SimEnv>, deps: AnthropicRouteDeps): void {
  anthropicRoute(app, deps, '/usage_report/messages', (req) => messagesReport(req.state, req.query, req.now));
  anthropicRoute(app, deps, '/cost_report', (req) => costReport(req.state, req.query, req.now));
}
