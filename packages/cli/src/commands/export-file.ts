import fs from 'node:fs';
import { UsageError } from '../errors.ts';

/**
 * Where `tessera export --out` writes, and the one rule that protects it: an existing file is
 * never truncated unless --overwrite says so. Resuming an interrupted export once replaced 250
 * records with the 200 that followed the cursor, so a file that exists must be named as either
 * continued (--append) or replaced (--overwrite).
 */
export interface Target {
  path: string;
  fd: number;
  /** The header of a CSV file being appended to: the rows that follow use its columns. */
  csvHeader?: string[];
}

export interface TargetOptions {
  append?: boolean;
  overwrite?: boolean;
}

export function openTarget(file: string | undefined, format: string, opts: TargetOptions): Target | undefined {
  if (opts.append && opts.overwrite) throw new UsageError('--append and --overwrite contradict each other; give one');
  if (!file) {
    if (opts.append || opts.overwrite) throw new UsageError('--append and --overwrite apply to --out <file>');
    return undefined;
  }
  // A JSON array cannot be continued by appending: a second `[…]` would make the file invalid.
  if (opts.append && format === 'json') throw new UsageError('-o json cannot be appended to; export as -o ndjson or -o csv to resume into the same file');
  const existing = statOf(file);
  if (existing && !opts.append && !opts.overwrite)
    throw new UsageError(`${file} already exists; add --append to continue it (as a resume does) or --overwrite to replace it`);
  let csvHeader: string[] | undefined;
  if (opts.append && existing && existing.size > 0) {
    const { first, endsWithNewline } = readEnds(file);
    // A crash mid-line leaves half a record; appending after it would glue two records together.
    if (!endsWithNewline) throw new UsageError(`${file} ends in the middle of a line (an interrupted write); remove that last partial line, then resume`);
    if (format === 'csv') csvHeader = parseCsvLine(first);
  }
  // 'wx' when the file did not exist: if one appears meanwhile, we still never truncate it.
  const flags = opts.append ? 'a' : opts.overwrite ? 'w' : 'wx';
  try {
    return { path: file, fd: fs.openSync(file, flags, 0o644), csvHeader };
  } catch (e) {
    throw new UsageError(`cannot write ${file}: ${(e as Error).message}`);
  }
}

function statOf(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`cannot write ${file}: ${(e as Error).message}`);
  }
}

/** The first line (for a CSV header) and whether the file ends with a newline, without reading it all. */
function readEnds(file: string): { first: string; endsWithNewline: boolean } {
  const fd = fs.openSync(file, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    const last = Buffer.alloc(1);
    fs.readSync(fd, last, 0, 1, size - 1);
    const head = Buffer.alloc(Math.min(size, 1024 * 1024));
    fs.readSync(fd, head, 0, head.length, 0);
    const text = head.toString('utf8');
    const end = text.search(/\r?\n/);
    return { first: end === -1 ? text : text.slice(0, end), endsWithNewline: last[0] === 0x0a };
  } finally {
    fs.closeSync(fd);
  }
}

/** One CSV line as written by format.ts csvLine (quotes doubled inside quoted cells). */
export function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

/** A shell word: bare when safe, else single-quoted. */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
