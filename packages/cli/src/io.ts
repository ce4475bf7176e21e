import fs from 'node:fs';
import { UsageError } from './errors.ts';
import { formatList, formatValue, OUTPUT_FORMATS, type OutputFormat } from './format.ts';

export function stdout(text: string): void {
  process.stdout.write(text);
}

export function stderr(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : text + '\n');
}

/** The width `table` fits: the terminal's when stdout is one, else COLUMNS, else 80. */
export function terminalWidth(): number {
  if (process.stdout.isTTY && process.stdout.columns) return process.stdout.columns;
  const env = Number(process.env.COLUMNS);
  return Number.isInteger(env) && env >= 20 ? env : 80;
}

export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('--stdin given but standard input is a terminal; pipe the data in, e.g. cat body.json | tessera …');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function parseJson(text: string, what: string): unknown {
  if (!text.trim()) throw new UsageError(`${what} is empty; expected JSON`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

export function readFileArg(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${what}: cannot read ${file}${code === 'ENOENT' ? ' (no such file)' : `: ${(e as Error).message}`}`);
  }
}

/** The request body from -b '<json>' or --stdin (not both); undefined when neither is given. */
export async function readBody(opts: { body?: string; stdin?: boolean }): Promise<unknown> {
  if (opts.body !== undefined && opts.stdin) throw new UsageError('give the body with -b or --stdin, not both');
  if (opts.body !== undefined) return parseJson(opts.body, '-b');
  if (opts.stdin) return parseJson(await readStdin(), 'the body on standard input');
  return undefined;
}

export function checkFormat(format: string | undefined, allowed: readonly string[] = OUTPUT_FORMATS): OutputFormat {
  const f = (format ?? 'table') as OutputFormat;
  if (!allowed.includes(f)) throw new UsageError(`unknown output format "${format}"; use one of ${allowed.join(', ')}`);
  return f;
}

/** Prints a list page's records; its next cursor goes to stderr as `next_cursor: <value>`. */
export function printList(records: unknown[], nextCursor: string | null | undefined, format: OutputFormat): void {
  stdout(formatList(records, format, { width: terminalWidth() }));
  if (nextCursor) stderr(`next_cursor: ${nextCursor}`);
}

export async function printValue(value: unknown, format: OutputFormat): Promise<void> {
  if (typeof Blob !== 'undefined' && value instanceof Blob) {
    // A binary upstream body: written as bytes, whatever the format.
    process.stdout.write(Buffer.from(await value.arrayBuffer()));
    return;
  }
  stdout(formatValue(value, format, { width: terminalWidth() }));
}
