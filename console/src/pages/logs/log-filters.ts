/**
 * The Logs page's filters: how they sit in the URL (so a filtered view can be shared) and how they
 * become GET /log's query (docs/logs.md). Pure, so it is tested in Node.
 */

export type LogType = 'unified_proxy_api' | 'webhook';

export const RANGES = {
  '15m': { label: 'Last 15 minutes', ms: 15 * 60_000 },
  '1h': { label: 'Last hour', ms: 3_600_000 },
  '24h': { label: 'Last 24 hours', ms: 86_400_000 },
  '7d': { label: 'Last 7 days', ms: 7 * 86_400_000 },
  '31d': { label: 'Last 31 days', ms: 31 * 86_400_000 },
} as const;
export type RangeKey = keyof typeof RANGES | 'custom';

/** GET /log reads at most 31 days per query (docs/logs.md). */
export const MAX_RANGE_MS = 31 * 86_400_000;
export const PAGE_SIZE = 50;

export interface LogFilters {
  type: LogType;
  account: string;
  /** '' (any), a class ('2xx'…'5xx') or exact statuses ('404' or '404,502'). */
  status: string;
  range: RangeKey;
  /** datetime-local text (the person's local time) when range is custom. */
  from: string;
  to: string;
  requestId: string;
}

export const DEFAULT_FILTERS: LogFilters = { type: 'unified_proxy_api', account: '', status: '', range: '24h', from: '', to: '', requestId: '' };

const STATUS_CLASS = /^([1-5])xx$/;
const EXACT = /^[1-5]\d\d(,[1-5]\d\d)*$/;

export function readFilters(search: string): LogFilters {
  const p = new URLSearchParams(search);
  const range = p.get('range') ?? DEFAULT_FILTERS.range;
  return {
    type: p.get('type') === 'webhook' ? 'webhook' : 'unified_proxy_api',
    account: p.get('account') ?? '',
    status: p.get('status') ?? '',
    range: range in RANGES || range === 'custom' ? (range as RangeKey) : DEFAULT_FILTERS.range,
    from: p.get('from') ?? '',
    to: p.get('to') ?? '',
    requestId: p.get('request_id') ?? '',
  };
}

/** Only what differs from the defaults, so the plain page has a plain URL. */
export function filtersSearch(f: LogFilters): string {
  const p = new URLSearchParams();
  if (f.type !== DEFAULT_FILTERS.type) p.set('type', f.type);
  if (f.account) p.set('account', f.account);
  if (f.status) p.set('status', f.status);
  if (f.range !== DEFAULT_FILTERS.range) p.set('range', f.range);
  if (f.range === 'custom') {
    if (f.from) p.set('from', f.from);
    if (f.to) p.set('to', f.to);
  }
  if (f.requestId) p.set('request_id', f.requestId);
  const text = p.toString();
  return text ? `?${text}` : '';
}

/**
 * The statuses a filter stands for, as GET /log's `status[in]` list: the API matches exact
 * statuses only, so a class is sent as its hundred codes.
 */
export function statusList(status: string): string | undefined {
  const text = status.replace(/\s+/g, '');
  if (!text) return undefined;
  const cls = STATUS_CLASS.exec(text);
  if (cls) return Array.from({ length: 100 }, (_, i) => String(Number(cls[1]) * 100 + i)).join(',');
  if (EXACT.test(text)) return text;
  throw new Error(`Status must be 2xx, 4xx, 5xx or HTTP statuses such as 404 or 404,502; got "${status}"`);
}

/** The created_at bounds: a preset counts back from `now`; a custom range is checked against the 31-day cap first. */
export function timeBounds(f: LogFilters, now: Date): { gte?: string; lt?: string } {
  if (f.range !== 'custom') return { gte: new Date(now.getTime() - RANGES[f.range].ms).toISOString() };
  const from = f.from ? new Date(f.from) : undefined;
  const to = f.to ? new Date(f.to) : undefined;
  if (from && Number.isNaN(from.getTime())) throw new Error('"From" is not a date and time');
  if (to && Number.isNaN(to.getTime())) throw new Error('"To" is not a date and time');
  if (from && to && to <= from) throw new Error('"To" must be after "From"');
  if (from && (to ?? now).getTime() - from.getTime() > MAX_RANGE_MS) throw new Error('The request logs are read at most 31 days at a time: narrow the range');
  return { ...(from ? { gte: from.toISOString() } : {}), ...(to ? { lt: to.toISOString() } : {}) };
}

/** GET /log's query for the filters (throws with a message for the person when a filter is not valid). */
export function logQuery(f: LogFilters, now: Date, cursor?: string): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  if (f.account) filter.integrated_account_id = f.account;
  const statuses = statusList(f.status);
  if (statuses) filter.status = { in: statuses };
  if (f.requestId.trim()) filter.request_id = f.requestId.trim();
  return {
    log_type: f.type,
    ...(Object.keys(filter).length ? { log_type_filter: filter } : {}),
    created_at: timeBounds(f, now),
    limit: PAGE_SIZE,
    ...(cursor ? { next_cursor: cursor } : {}),
  };
}
