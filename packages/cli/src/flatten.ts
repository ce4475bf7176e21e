/**
 * Records as flat rows for `table` and `csv`: nested objects become dotted columns
 * (`organization.name`), arrays of objects indexed columns (`emails[0].email`), arrays of scalars
 * one cell joined with ", ".
 */
export type Cell = string | number | boolean | null;
export type Row = Map<string, Cell>;

export interface FlattenOptions {
  /** Keep only the first element of arrays of objects (table); csv keeps all. */
  firstElementOnly?: boolean;
  /** Top-level keys left out (table drops remote_data). */
  omit?: string[];
  /** Top-level keys kept whole, as one JSON cell (csv keeps remote_data this way). */
  asJson?: string[];
}

export function flattenRecord(record: unknown, options: FlattenOptions = {}): Row {
  const row: Row = new Map();
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    row.set('value', toCell(record));
    return row;
  }
  for (const [key, value] of Object.entries(record as Record<string, unknown>)) {
    if (options.omit?.includes(key)) continue;
    if (options.asJson?.includes(key)) {
      row.set(key, value === undefined ? null : JSON.stringify(value));
      continue;
    }
    walk(value, key, row, options);
  }
  return row;
}

function walk(value: unknown, path: string, row: Row, options: FlattenOptions): void {
  if (value === undefined) return;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      row.set(path, '');
      return;
    }
    if (value.every((v) => v === null || typeof v !== 'object')) {
      row.set(path, value.map((v) => String(v ?? '')).join(', '));
      return;
    }
    const items = options.firstElementOnly ? value.slice(0, 1) : value;
    items.forEach((item, i) => walk(item, `${path}[${i}]`, row, options));
    return;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (!entries.length) row.set(path, '');
    for (const [k, v] of entries) walk(v, `${path}.${k}`, row, options);
    return;
  }
  row.set(path, toCell(value));
}

function toCell(value: unknown): Cell {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  return JSON.stringify(value);
}

/** Every column of the rows, in first-seen order. */
export function columnsOf(rows: Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of row.keys()) seen.add(key);
  return [...seen];
}

export function cellText(cell: Cell | undefined): string {
  if (cell === undefined || cell === null) return '';
  return String(cell);
}
