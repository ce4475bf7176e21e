import { Option, type Command } from 'commander';
import type { LogQuery, LogRecord, Tessera } from '@tessera-api/sdk';
import { clientFor } from '../client.ts';
import { UsageError } from '../errors.ts';
import { checkFormat, stdout } from '../io.ts';

/**
 * `tessera logs`: GET /log (docs/logs.md) in a terminal, newest last like a tail; `--follow`
 * asks again every 2 s for rows newer than the last one shown, until Ctrl-C.
 */

const LOG_TYPES = ['unified_proxy_api', 'webhook'] as const;
const LOG_FORMATS = ['table', 'json', 'ndjson'] as const;
type LogFormat = (typeof LOG_FORMATS)[number];

interface LogsOptions {
  type: (typeof LOG_TYPES)[number];
  account?: string;
  integration?: string;
  status?: string;
  since?: string;
  limit: string;
  output?: string;
  follow?: boolean;
  pollMs: string;
  maxPolls?: string;
}

/**
 * Rows are buffered a moment before the server writes them, so a row can land with a created_at a
 * little before the newest one shown: each poll looks back this far and skips the ids it has printed.
 */
const FOLLOW_OVERLAP_MS = 10_000;
/** Ids remembered for that skip; far more than one overlap window holds. */
const SEEN_CAP = 5_000;
/** Pages read per poll at most (100 rows each): a burst beyond it is skipped past, not read forever. */
const MAX_PAGES_PER_POLL = 20;
const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--since`: an ISO 8601 date-time, or a duration back from now (`90s`, `15m`, `1h`, `7d`). */
export function parseSince(text: string, now = Date.now()): string {
  const duration = /^(\d+)\s*([smhd])$/i.exec(text.trim());
  if (duration) return new Date(now - Number(duration[1]) * UNITS[duration[2].toLowerCase()]).toISOString();
  const ms = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms))
    throw new UsageError(`--since must be an ISO 8601 date-time (2026-01-31T09:00:00Z) or a duration like 30s, 15m, 1h or 7d; got "${text}"`);
  return new Date(ms).toISOString();
}

export function logsQuery(opts: Pick<LogsOptions, 'type' | 'account' | 'integration' | 'status' | 'since' | 'limit'>, now = Date.now()): LogQuery {
  const filter: NonNullable<LogQuery['log_type_filter']> = {};
  if (opts.account) filter.integrated_account_id = opts.account;
  if (opts.integration) filter.integration = opts.integration;
  if (opts.status) {
    const codes = opts.status.split(',').map((s) => s.trim());
    if (codes.some((c) => !/^[1-5]\d\d$/.test(c))) throw new UsageError(`--status takes HTTP statuses, comma-separated (404 or 404,500); got "${opts.status}"`);
    filter.status = codes;
  }
  const limit = Number(opts.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new UsageError(`--limit must be an integer from 1 to 100; got "${opts.limit}"`);
  return {
    log_type: opts.type,
    ...(Object.keys(filter).length ? { log_type_filter: filter } : {}),
    ...(opts.since ? { created_at: { gt: parseSince(opts.since, now) } } : {}),
    limit,
  };
}

/** One row of `-o table`: when, status, method, duration, integration, error code, then the path (the long part). */
export function logLine(r: LogRecord): string {
  const status = r.response?.status === null || r.response?.status === undefined ? '-' : String(r.response.status);
  const duration = r.duration_ms === null ? '-' : `${r.duration_ms}ms`;
  return [
    r.created_at.padEnd(24),
    status.padStart(6),
    (r.request?.method ?? '-').padEnd(6),
    duration.padStart(8),
    (r.integration ?? '-').padEnd(16),
    (r.error?.code ?? (r.error ? 'error' : '-')).padEnd(26),
    r.request?.path ?? '-',
  ]
    .join('  ')
    .trimEnd();
}

const HEADER = ['TIME'.padEnd(24), 'STATUS', 'METHOD', 'DURATION', 'INTEGRATION'.padEnd(16), 'ERROR'.padEnd(26), 'PATH'].join('  ');

function printRecords(records: LogRecord[], format: LogFormat, header: boolean): void {
  if (format === 'ndjson') return stdout(records.map((r) => JSON.stringify(r) + '\n').join(''));
  if (format === 'json') return stdout(records.map((r) => JSON.stringify(r, null, 2) + '\n').join(''));
  if (header) stdout(HEADER + '\n');
  stdout(records.map((r) => logLine(r) + '\n').join(''));
}

/** Oldest first, ties by id: the order a tail prints in. */
const chronological = (a: LogRecord, b: LogRecord) => (a.created_at === b.created_at ? (a.id < b.id ? -1 : 1) : a.created_at < b.created_at ? -1 : 1);

export interface FollowControl {
  pollMs: number;
  /** Stop after this many polls (tests); none: until the signal. */
  maxPolls?: number;
  signal: AbortSignal;
}

/** The first page, then a poll every pollMs for rows not yet printed. */
export async function followLogs(client: Tessera, query: LogQuery, format: LogFormat, control: FollowControl): Promise<void> {
  const seen: string[] = [];
  const seenSet = new Set<string>();
  const remember = (id: string) => {
    seen.push(id);
    seenSet.add(id);
    if (seen.length > SEEN_CAP) seenSet.delete(seen.shift()!);
  };
  const first = (await client.log.list(query).next()).items.sort(chronological);
  printRecords(first, format, true);
  first.forEach((r) => remember(r.id));
  let newest = first.length ? first[first.length - 1].created_at : (query.created_at?.gt as string | undefined);
  for (let polls = 0; control.maxPolls === undefined || polls < control.maxPolls; polls++) {
    if (!(await sleep(control.pollMs, control.signal))) return;
    const gt = newest ? new Date(Date.parse(newest) - FOLLOW_OVERLAP_MS).toISOString() : undefined;
    const cursor = client.log.list({ ...query, limit: 100, ...(gt ? { created_at: { gt } } : {}) });
    const fresh: LogRecord[] = [];
    for (let page = 0; page < MAX_PAGES_PER_POLL; page++) {
      const { items, nextCursor } = await cursor.next();
      fresh.push(...items.filter((r) => !seenSet.has(r.id)));
      if (!nextCursor) break;
    }
    fresh.sort(chronological);
    printRecords(fresh, format, false);
    for (const r of fresh) {
      remember(r.id);
      if (!newest || r.created_at > newest) newest = r.created_at;
    }
  }
}

/** Resolves true after ms, false at once when the signal fires. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export function registerLogs(program: Command): void {
  program
    .command('logs')
    .description('request logs and webhook deliveries, newest last (GET /log)')
    .addOption(new Option('--type <type>', 'which log').choices(LOG_TYPES).default('unified_proxy_api'))
    .option('-a, --account <id>', 'only this integrated account')
    .option('--integration <name>', 'only this integration')
    .option('--status <code>', 'only these HTTP statuses, comma-separated (404,500)')
    .option('--since <when>', 'from this ISO 8601 date-time, or this long ago (30s, 15m, 1h, 7d); at most 31 days')
    .option('-l, --limit <n>', 'rows to show (1 to 100)', '25')
    .addOption(new Option('-o, --output <format>', 'output format').choices(LOG_FORMATS).default('table'))
    .option('-f, --follow', 'keep polling every 2 s for new rows until Ctrl-C')
    .addOption(new Option('--poll-ms <ms>', 'poll interval with --follow').default('2000').hideHelp())
    .addOption(new Option('--max-polls <n>', 'stop --follow after this many polls').hideHelp())
    .addHelpText(
      'after',
      `
Examples:
  tessera logs
  tessera logs --status 500,502 --since 1h
  tessera logs -a <integrated_account_id> -o ndjson
  tessera logs --type webhook --follow`,
    )
    .action(async (opts: LogsOptions, cmd: Command) => {
      const format = checkFormat(opts.output, LOG_FORMATS) as LogFormat;
      const query = logsQuery(opts);
      const client = clientFor(cmd);
      if (!opts.follow) {
        const page = await client.log.list(query).next();
        // One page is one JSON array, as every list prints with -o json; a follow cannot be one.
        if (format === 'json') stdout(JSON.stringify(page.items.sort(chronological), null, 2) + '\n');
        else printRecords(page.items.sort(chronological), format, true);
        return;
      }
      const pollMs = Number(opts.pollMs);
      const maxPolls = opts.maxPolls === undefined ? undefined : Number(opts.maxPolls);
      if (!Number.isInteger(pollMs) || pollMs < 10) throw new UsageError(`--poll-ms must be an integer of at least 10; got "${opts.pollMs}"`);
      if (maxPolls !== undefined && (!Number.isInteger(maxPolls) || maxPolls < 0))
        throw new UsageError(`--max-polls must be a whole number; got "${opts.maxPolls}"`);
      // Ctrl-C ends the follow cleanly (exit 0) instead of killing a half-written line.
      const stop = new AbortController();
      const onSignal = () => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        await followLogs(client, query, format, { pollMs, maxPolls, signal: stop.signal });
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
