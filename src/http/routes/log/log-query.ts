import { errors, TesseraError } from '../../../errors/catalogue.ts';
import { describe, NAME_RULE } from '../../../query/safe-input.ts';
import { toLimit } from '../../../query/unified-query.ts';
import { REQUEST_TYPES, type RequestType } from '../../../services/request-log-row.ts';
import type { LogType, RequestLogFilter } from '../../../store/request-log-rows.ts';
import type { DateRange, TextMatch } from '../../../store/types.ts';
import { parseListFilters, type FilterSpec } from '../../list-filters.ts';

export const LOG_TYPES: readonly LogType[] = ['unified_proxy_api', 'webhook'];
/** What Truto also names; this server records none of them, so asking is a clear 400, not an empty list. */
const UNRECORDED_TYPES = ['rapid_bridge', 'sync_job_cron_trigger', 'mcp'];
/** The contract's page size cap for /log; a larger limit is lowered to it (the envelope says so). */
export const MAX_LOG_LIMIT = 100;
/** The contract's "at most one month" per query, read as 31 days; also the window when no lower bound is given. */
export const MAX_RANGE_DAYS = 31;
const DAY_MS = 86_400_000;

/** GET /log's filters, in every form list-filters.ts reads (`log_type_filter[status][in]=404,502`…). */
export const LOG_FILTERS: Record<string, FilterSpec> = {
  'log_type_filter.integrated_account_id': { kind: 'uuid' },
  'log_type_filter.integration': { kind: 'text', rule: NAME_RULE },
  'log_type_filter.status': { kind: 'text', rule: { maxLength: 3 } },
  'log_type_filter.request_id': { kind: 'text', rule: { maxLength: 128 } },
  'log_type_filter.method': { kind: 'text', rule: { maxLength: 16 } },
  // What Truto's TS SDK sends (LogTypeFilter.request_type: 'proxy' | 'unified').
  'log_type_filter.request_type': { kind: 'text', rule: { maxLength: 16 } },
  created_at: { kind: 'date' },
};

export interface LogQuery {
  logType: LogType;
  filter: Omit<RequestLogFilter, 'environment_id' | 'before' | 'limit'>;
  limit: number;
  nextCursor?: string;
}

/** The query of GET /log, checked: 400 for a missing or unknown log_type, an unknown filter or a range past 31 days. */
export function parseLogQuery(q: Record<string, unknown>, now = new Date()): LogQuery {
  const logType = parseLogType(q.log_type);
  const rest = { ...q };
  delete rest.log_type;
  const f = filtersOf(rest);
  const text = (name: string) => f[`log_type_filter.${name}`] as TextMatch | undefined;
  const requested = toLimit(q.limit);
  if (q.next_cursor !== undefined && typeof q.next_cursor !== 'string') throw errors.invalidCursor();
  return {
    logType,
    filter: {
      log_type: logType,
      integrated_account_id: text('integrated_account_id'),
      integration: text('integration'),
      request_id: text('request_id'),
      method: mapMatch(text('method'), (m) => m.toUpperCase()),
      status: statusMatch(text('status')),
      path_prefix: requestTypes(text('request_type')),
      created_at: window(f.created_at as DateRange | undefined, now),
    },
    limit: Math.min(requested ?? MAX_LOG_LIMIT, MAX_LOG_LIMIT),
    nextCursor: (q.next_cursor as string | undefined) || undefined,
  };
}

/** The filters, with messages that name them as clients spell them (`log_type_filter[status]`). */
function filtersOf(query: Record<string, unknown>) {
  try {
    return parseListFilters(query, LOG_FILTERS, '/log');
  } catch (e) {
    if (e instanceof TesseraError && e.code === 'TESSERA_INVALID_QUERY')
      throw errors.invalidQuery(e.message.replace(/log_type_filter\.(\w+)/g, 'log_type_filter[$1]'));
    throw e;
  }
}

function parseLogType(value: unknown): LogType {
  const allowed = LOG_TYPES.join(', ');
  if (value === undefined || value === '') throw errors.invalidQuery(`log_type is required: one of ${allowed}`);
  if (typeof value !== 'string') throw errors.invalidQuery(`log_type must be one of ${allowed}, got ${describe(value)}`);
  if ((LOG_TYPES as readonly string[]).includes(value)) return value as LogType;
  if (UNRECORDED_TYPES.includes(value)) throw errors.invalidQuery(`log_type ${value} is not recorded by this server; use one of ${allowed}`);
  throw errors.invalidQuery(`log_type must be one of ${allowed}, got ${JSON.stringify(value.slice(0, 40))}`);
}

function mapMatch(match: TextMatch | undefined, f: (v: string) => string): TextMatch | undefined {
  if (!match) return undefined;
  return { ...(match.in ? { in: match.in.map(f) } : {}), ...(match.nin ? { nin: match.nin.map(f) } : {}) };
}

function statusMatch(match: TextMatch | undefined): RequestLogFilter['status'] {
  if (!match) return undefined;
  const toStatus = (v: string) => {
    if (!/^[1-5]\d\d$/.test(v)) throw errors.invalidQuery(`log_type_filter[status] values must be HTTP statuses (100 to 599), got ${JSON.stringify(v)}`);
    return Number(v);
  };
  return { ...(match.in ? { in: match.in.map(toStatus) } : {}), ...(match.nin ? { nin: match.nin.map(toStatus) } : {}) };
}

/** request_type as the path prefixes it stands for; `nin` as the prefixes of the other types. */
function requestTypes(match: TextMatch | undefined): string[] | undefined {
  if (!match) return undefined;
  const names = Object.keys(REQUEST_TYPES) as RequestType[];
  for (const v of [...(match.in ?? []), ...(match.nin ?? [])]) {
    if (!(names as string[]).includes(v))
      throw errors.invalidQuery(`log_type_filter[request_type] must be one of ${names.join(', ')}, got ${JSON.stringify(v)}`);
  }
  return names.filter((n) => (!match.in || match.in.includes(n)) && !match.nin?.includes(n)).map((n) => REQUEST_TYPES[n]);
}

/**
 * The created_at bounds with the contract's one-month cap: without an upper bound it is now, without
 * a lower one the 31 days before the upper; a wider range is a 400 rather than a silently cut answer.
 */
function window(range: DateRange | undefined, now: Date): DateRange {
  const out: DateRange = { ...range };
  const upper = out.lt ?? out.lte;
  const upperMs = upper ? Date.parse(upper) : now.getTime();
  const lower = out.gt ?? out.gte;
  if (!lower) {
    out.gte = new Date(upperMs - MAX_RANGE_DAYS * DAY_MS).toISOString();
    return out;
  }
  const days = (upperMs - Date.parse(lower)) / DAY_MS;
  if (days > MAX_RANGE_DAYS)
    throw errors.invalidQuery(
      `created_at spans ${Math.ceil(days)} days${upper ? '' : ' (up to now)'}; /log reads at most ${MAX_RANGE_DAYS} days at a time: raise created_at[gt] or set created_at[lt]`,
    );
  return out;
}
