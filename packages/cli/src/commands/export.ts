import fs from 'node:fs';
import { Option, type Command } from 'commander';
import { TesseraError, type Cursor, type RetryInfo } from '@tessera-api/sdk';
import { clientFor, globalsOf } from '../client.ts';
import { UsageError } from '../errors.ts';
import { cellText, columnsOf } from '../flatten.ts';
import { csvLine, csvRows } from '../format.ts';
import { stderr } from '../io.ts';
import { collect, parseQueryArgs, splitPairs } from '../query-args.ts';
import { openTarget, shellWord, type Target } from './export-file.ts';

/**
 * `tessera export <model>/<resource> -a <id> -o ndjson|csv|json [--out file]`: every page of a
 * list, written as each page arrives (nothing is held but the current page). A slash means a
 * unified list, no slash a proxy list (docs/contract.md §15). A progress line (records, pages,
 * rate) goes to stderr when stderr is a terminal.
 */
export const EXPORT_FORMATS = ['ndjson', 'csv', 'json'] as const;
type ExportFormat = (typeof EXPORT_FORMATS)[number];

interface ExportOptions {
  account?: string;
  query?: string[];
  output: ExportFormat;
  out?: string;
  limit?: string;
  append?: boolean;
  overwrite?: boolean;
}

/** A sink that respects backpressure, so a slow disk or pipe never makes us buffer the export. */
class Sink {
  readonly #stream: NodeJS.WritableStream;
  readonly #file?: fs.WriteStream;

  constructor(target: Target | undefined) {
    if (target) {
      // The descriptor was opened by openTarget, which alone decides between appending and
      // truncating; the stream only writes to it.
      this.#file = fs.createWriteStream(target.path, { fd: target.fd });
      this.#stream = this.#file;
    } else {
      this.#stream = process.stdout;
    }
  }

  async write(text: string): Promise<void> {
    if (!text) return;
    if (!this.#stream.write(text)) await new Promise<void>((resolve) => this.#stream.once('drain', () => resolve()));
  }

  async close(): Promise<void> {
    const file = this.#file;
    if (!file || file.closed) return;
    await new Promise<void>((resolve, reject) => file.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
}

/** Writes records in one format, incrementally. */
interface Writer {
  begin(): string;
  page(records: unknown[]): string;
  end(): string;
}

function ndjsonWriter(): Writer {
  return { begin: () => '', page: (records) => records.map((r) => JSON.stringify(r) + '\n').join(''), end: () => '' };
}

function jsonWriter(): Writer {
  let first = true;
  const indent = (text: string) => text.replace(/\n/g, '\n  ');
  return {
    begin: () => '[',
    page: (records) =>
      records
        .map((r) => {
          const sep = first ? '\n  ' : ',\n  ';
          first = false;
          return sep + indent(JSON.stringify(r, null, 2));
        })
        .join(''),
    end: () => (first ? ']\n' : '\n]\n'),
  };
}

/**
 * CSV: the header is the columns of the first non-empty page (flattened like `-o csv`); a column
 * that only appears later cannot join a header already written, so it is reported once on stderr.
 */
function csvWriter(existingHeader?: string[]): Writer {
  // Appending: the file's header stays the header, and no second one is written.
  let columns: string[] | undefined = existingHeader;
  const dropped = new Set<string>();
  return {
    begin: () => '',
    page: (records) => {
      if (!records.length) return '';
      const rows = csvRows(records);
      let out = '';
      if (!columns) {
        columns = columnsOf(rows);
        out += csvLine(columns);
      }
      const known = new Set(columns);
      for (const row of rows) {
        for (const key of row.keys()) {
          if (!known.has(key) && !dropped.has(key)) {
            dropped.add(key);
            stderr(`warning: column "${key}" first appears after the CSV header was written; it is left out (use -o ndjson to keep every field)`);
          }
        }
        out += csvLine(columns.map((c) => cellText(row.get(c))));
      }
      return out;
    },
    end: () => '',
  };
}

const WRITERS: Record<ExportFormat, (csvHeader?: string[]) => Writer> = { ndjson: ndjsonWriter, json: jsonWriter, csv: csvWriter };

/** `\r`-rewritten progress on a terminal; nothing at all otherwise. */
class Progress {
  readonly #tty = process.stderr.isTTY === true;
  readonly #started = Date.now();
  #last = 0;
  records = 0;
  pages = 0;

  update(force = false): void {
    if (!this.#tty) return;
    const now = Date.now();
    if (!force && now - this.#last < 100) return;
    this.#last = now;
    process.stderr.write(`\r\x1b[K${this.line()}`);
  }

  line(): string {
    const seconds = Math.max((Date.now() - this.#started) / 1000, 0.001);
    return `${this.records} records, ${this.pages} pages, ${Math.round(this.records / seconds)} records/s`;
  }

  done(target: string | undefined): void {
    if (!this.#tty) return;
    process.stderr.write(`\r\x1b[K${this.line()}${target ? ` → ${target}` : ''}\n`);
  }
}

/** Each page may wait out rate limits this many times, for at most this long in all: bounded, never forever. */
export const EXPORT_RETRY = { maxAttempts: 8, maxElapsedMs: 15 * 60_000, maxDelayMs: 30_000 };

/** The visible waiting state: a rate-limited page says who limited it and how long we wait. */
export function waitingLine(info: RetryInfo): string {
  const seconds = Math.max(1, Math.ceil(info.delayMs / 1000));
  if (info.reason !== 429) return `waiting ${seconds} s (${typeof info.reason === 'number' ? `HTTP ${info.reason}` : info.reason}), then retrying`;
  const e = info.error instanceof TesseraError ? info.error : undefined;
  const by =
    e?.code === 'TESSERA_RATE_LIMITED'
      ? 'Tessera'
      : e?.code === 'TESSERA_UPSTREAM_BUDGET_SPENT'
        ? "the provider's request budget"
        : e?.isRemote || e?.code === 'TESSERA_REMOTE_RATE_LIMITED'
          ? 'the provider'
          : 'the server';
  return `waiting ${seconds} s (rate limited by ${by}${e?.message ? `: ${e.message}` : ''}), then retrying`;
}

/**
 * The command that continues an export: the same target, account, page size, format and
 * filters, `--append` into the same file, and the cursor after the last page fully written (any
 * earlier next_cursor is replaced, not repeated: qs would make two of them a list).
 */
export function resumeCommand(target: string, opts: ExportOptions, cursor: string, globals: { apiUrl?: string; profile?: string }): string {
  const words = ['tessera', 'export', target];
  if (opts.account) words.push('-a', opts.account);
  if (opts.limit) words.push('--limit', opts.limit);
  words.push('-o', opts.output);
  for (const [k, v] of (opts.query ?? []).flatMap(splitPairs)) if (k !== 'next_cursor') words.push('-q', `${k}=${v.replace(/,/g, '\\,')}`);
  words.push('-q', `next_cursor=${cursor}`);
  if (opts.out) words.push('--out', opts.out, '--append');
  if (globals.apiUrl) words.push('--api-url', globals.apiUrl);
  if (globals.profile) words.push('-p', globals.profile);
  return words.map(shellWord).join(' ');
}

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write every record of a list (following next_cursor to the end) as ndjson, csv or json')
    .argument('<target>', '<model>/<resource> for a unified list (usage-metering/users), or a proxy resource (members)')
    .option('-a, --account <id>', 'integrated account id (sent as integrated_account_id)')
    .option('-q, --query <k=v>', 'query parameters for every page: k=v or k=v,k2=v2; repeatable; bracket keys allowed', collect)
    .option('--limit <n>', 'records per page (sent as limit)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(EXPORT_FORMATS).default('ndjson'))
    .option('--out <file>', 'write to a file instead of standard output (an existing file needs --append or --overwrite)')
    .option('--append', 'continue an existing --out file (ndjson, csv): what a resume does')
    .option('--overwrite', 'replace an existing --out file')
    .addOption(new Option('--force', 'the same as --overwrite').hideHelp().implies({ overwrite: true }))
    .addHelpText(
      'after',
      `
Progress (records, pages, rate) is shown on stderr when it is a terminal. A rate-limited page
waits as told by Retry-After (a "waiting N s" line on stderr) and retries, up to ${EXPORT_RETRY.maxAttempts} attempts
and ${EXPORT_RETRY.maxElapsedMs / 60_000} minutes per page. When the export stops early (an error, Ctrl-C), stderr says how
many records were written and prints the command that resumes it: --append and the cursor.

Examples:
  tessera export usage-metering/users -a <integrated_account_id> -o ndjson --out users.ndjson
  tessera export usage-metering/users -a <integrated_account_id> -o ndjson --out users.ndjson --append -q next_cursor=<cursor>
  tessera export usage-metering/users -a <integrated_account_id> -o csv > users.csv
  tessera export members -a <integrated_account_id> -o json --limit 100`,
    )
    .action(async (target: string, opts: ExportOptions, cmd: Command) => {
      const parts = target.split('/');
      if (parts.length > 2 || parts.some((p) => p === '')) throw new UsageError(`"${target}" is not <model>/<resource> (unified) or <resource> (proxy)`);
      const query = parseQueryArgs(opts.query);
      if (opts.account) query.integrated_account_id = opts.account;
      if (opts.limit !== undefined) {
        if (!/^\d+$/.test(opts.limit) || Number(opts.limit) < 1) throw new UsageError(`--limit must be a whole number of at least 1, got "${opts.limit}"`);
        query.limit = opts.limit;
      }
      if (query.next_cursor !== undefined && typeof query.next_cursor !== 'string') throw new UsageError('next_cursor is given more than once');
      const client = clientFor(cmd, undefined, { retry: EXPORT_RETRY, onRetry: (info) => stderr(waitingLine(info)) });
      const cursor: Cursor<unknown> = parts.length === 2 ? client.unifiedApi.list(parts[0], parts[1], query) : client.proxyApi.list(parts[0], query);

      const file = openTarget(opts.out, opts.output, opts);
      const sink = new Sink(file);
      const writer = WRITERS[opts.output](file?.csvHeader);
      const progress = new Progress();
      // The cursor after the last page that is wholly written: where a resume must start.
      let resumeFrom: string | undefined = typeof query.next_cursor === 'string' ? query.next_cursor : undefined;
      let writing: Promise<void> = Promise.resolve();
      const stopped = async (why: string) => {
        progress.done(undefined);
        await writing.catch(() => undefined);
        await sink.close().catch(() => undefined);
        const where = opts.out ? `${opts.out} holds` : 'wrote';
        stderr(`export ${why} after ${progress.records} records in ${progress.pages} pages (${where} what arrived before).`);
        if (resumeFrom) stderr(`Resume with: ${resumeCommand(target, opts, resumeFrom, globalsOf(cmd))}`);
        else if (opts.out && !opts.append) stderr(`Nothing to resume from: run the same command again with --overwrite.`);
      };
      // Ctrl-C finishes the page being written, so the file ends on a whole record and the advice's cursor follows it.
      const onSignal = () => void stopped('interrupted').then(() => process.exit(130));
      process.once('SIGINT', onSignal);
      try {
        await sink.write(writer.begin());
        for await (const page of cursor.pages()) {
          const text = writer.page(page.items);
          writing = sink.write(text).then(() => {
            progress.pages++;
            progress.records += page.items.length;
            resumeFrom = page.nextCursor ?? undefined;
          });
          await writing;
          progress.update();
        }
        await sink.write(writer.end());
      } catch (e) {
        await stopped('stopped');
        throw e;
      } finally {
        process.removeListener('SIGINT', onSignal);
      }
      await sink.close();
      progress.done(opts.out);
    });
}
