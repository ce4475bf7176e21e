import fs from 'node:fs';
import { Option, type Command } from 'commander';
import type { Cursor } from '../../sdk/index.ts';
import { clientFor } from '../client.ts';
import { UsageError } from '../errors.ts';
import { cellText, columnsOf } from '../flatten.ts';
import { csvLine, csvRows } from '../format.ts';
import { stderr } from '../io.ts';
import { collect, parseQueryArgs } from '../query-args.ts';

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
}

/** A sink that respects backpressure, so a slow disk or pipe never makes us buffer the export. */
class Sink {
  readonly #stream: NodeJS.WritableStream;
  readonly #file?: fs.WriteStream;

  constructor(file: string | undefined) {
    if (file) {
      this.#file = fs.createWriteStream(file, { flags: 'w' });
      this.#stream = this.#file;
    } else {
      this.#stream = process.stdout;
    }
  }

  async open(): Promise<void> {
    const file = this.#file;
    if (!file) return;
    await new Promise<void>((resolve, reject) => {
      file.once('open', () => resolve());
      file.once('error', (e) => reject(new UsageError(`cannot write ${file.path}: ${(e as Error).message}`)));
    });
  }

  async write(text: string): Promise<void> {
    if (!text) return;
    if (!this.#stream.write(text)) await new Promise<void>((resolve) => this.#stream.once('drain', () => resolve()));
  }

  async close(): Promise<void> {
    const file = this.#file;
    if (!file) return;
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
function csvWriter(): Writer {
  let columns: string[] | undefined;
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

const WRITERS: Record<ExportFormat, () => Writer> = { ndjson: ndjsonWriter, json: jsonWriter, csv: csvWriter };

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

export function registerExport(program: Command): void {
  program
    .command('export')
    .description('write every record of a list (following next_cursor to the end) as ndjson, csv or json')
    .argument('<target>', '<model>/<resource> for a unified list (usage-metering/users), or a proxy resource (members)')
    .option('-a, --account <id>', 'integrated account id (sent as integrated_account_id)')
    .option('-q, --query <k=v>', 'query parameters for every page: k=v or k=v,k2=v2; repeatable; bracket keys allowed', collect)
    .option('--limit <n>', 'records per page (sent as limit)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(EXPORT_FORMATS).default('ndjson'))
    .option('--out <file>', 'write to a file instead of standard output')
    .addHelpText(
      'after',
      `
Progress (records, pages, rate) is shown on stderr when it is a terminal.

Examples:
  tessera export usage-metering/users -a <integrated_account_id> -o ndjson --out users.ndjson
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
      const client = clientFor(cmd);
      const cursor: Cursor<unknown> = parts.length === 2 ? client.unifiedApi.list(parts[0], parts[1], query) : client.proxyApi.list(parts[0], query);

      const sink = new Sink(opts.out);
      await sink.open();
      const writer = WRITERS[opts.output]();
      const progress = new Progress();
      let resumeFrom: string | undefined = typeof query.next_cursor === 'string' ? query.next_cursor : undefined;
      try {
        await sink.write(writer.begin());
        for await (const page of cursor.pages()) {
          progress.pages++;
          progress.records += page.items.length;
          await sink.write(writer.page(page.items));
          resumeFrom = page.nextCursor ?? undefined;
          progress.update();
        }
        await sink.write(writer.end());
      } catch (e) {
        progress.done(undefined);
        await sink.close().catch(() => undefined);
        const where = opts.out ? `${opts.out} holds` : 'wrote';
        stderr(`export stopped after ${progress.records} records in ${progress.pages} pages (${where} what arrived before the error).`);
        if (resumeFrom) stderr(`Resume with: -q next_cursor=${resumeFrom}`);
        throw e;
      }
      await sink.close();
      progress.done(opts.out);
    });
}
