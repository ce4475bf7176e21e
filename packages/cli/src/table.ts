import { cellText, columnsOf, flattenRecord, type Row } from './flatten.ts';

/**
 * `-o table`: records as a table that fits the terminal (80 columns when stdout is not one).
 * Columns are flattened (`organization.name`, `emails[0].email`), `remote_data` is left out, and
 * the most telling columns come first: id, then name-like, then status-like, then names of
 * nested objects, then other scalars, then dates, then the rest. Columns are added in that order
 * while they fit (skipping one whose every cell repeats a column already shown); cells that are
 * too long end with "…". A single record prints as a
 * field/value list instead.
 */

const GAP = '  ';
const MIN_WIDTH = 10;
const ID_WIDTH = 36;
const NAME_WIDTH = 20;
const NAME_LIKE = ['name', 'title', 'label', 'display_name', 'full_name'];
const STATUS_LIKE = ['email', 'status', 'state', 'type', 'kind', 'category', 'role', 'tenant_id'];
const NESTED_NAME_LIKE = ['name', 'email', 'label', 'title'];

export function columnRank(column: string): number {
  const parts = column.split('.');
  const leaf = parts[parts.length - 1].replace(/\[\d+\]$/, '');
  if (column === 'id') return 0;
  if (parts.length === 1 && NAME_LIKE.includes(column)) return 1;
  if (parts.length === 1 && STATUS_LIKE.includes(column)) return 2;
  if (parts.length === 2 && NESTED_NAME_LIKE.includes(leaf)) return 3;
  if (parts.length === 1 && !/_at$|^date$|_date$/.test(column)) return 4;
  if (parts.length === 1) return 5;
  return 6;
}

/** Code points, so "…" and accented letters count as one column each. */
function width(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export function truncate(text: string, max: number): string {
  const clean = text.replace(/[\r\n\t]+/g, ' ');
  if (width(clean) <= max) return clean;
  if (max <= 1) return '…'.slice(0, max);
  return [...clean].slice(0, max - 1).join('') + '…';
}

function pad(text: string, w: number): string {
  return text + ' '.repeat(Math.max(0, w - width(text)));
}

export interface TableOptions {
  width?: number;
}

/** Picks and sizes columns: returns [column, width] pairs whose total fits `total`. */
export function layoutColumns(rows: Row[], total: number): [string, number][] {
  const columns = columnsOf(rows)
    .map((name, order) => ({ name, order, rank: columnRank(name) }))
    .filter((c) => rows.some((r) => cellText(r.get(c.name)) !== ''))
    .sort((a, b) => a.rank - b.rank || a.order - b.order);
  const natural = new Map(columns.map((c) => [c.name, Math.max(width(c.name), ...rows.map((r) => width(cellText(r.get(c.name)).replace(/[\r\n\t]+/g, ' '))))]));
  const chosen: { name: string; min: number; natural: number }[] = [];
  let used = 0;
  const sameAs = (a: string, b: string) => rows.every((r) => cellText(r.get(a)) === cellText(r.get(b)));
  for (const c of columns) {
    // A column that repeats one already shown (a user's name that is their email) wastes the width.
    if (chosen.some((k) => sameAs(k.name, c.name))) continue;
    const nat = natural.get(c.name)!;
    // Ids are never cut (people copy them), names get room to be recognisable, headers stay whole.
    const min = Math.min(nat, c.name === 'id' ? ID_WIDTH : c.rank === 1 ? NAME_WIDTH : Math.max(MIN_WIDTH, width(c.name)));
    const extra = (chosen.length ? GAP.length : 0) + min;
    if (used + extra > total) continue;
    chosen.push({ name: c.name, min, natural: nat });
    used += extra;
  }
  if (!chosen.length && columns.length) {
    chosen.push({ name: columns[0].name, min: total, natural: natural.get(columns[0].name)! });
    used = total;
  }
  // Share what is left, one character at a time, among the columns that want more.
  const widths = chosen.map((c) => c.min);
  let spare = total - used;
  while (spare > 0) {
    let grew = false;
    for (let i = 0; i < chosen.length && spare > 0; i++) {
      if (widths[i] < chosen[i].natural) {
        widths[i]++;
        spare--;
        grew = true;
      }
    }
    if (!grew) break;
  }
  return chosen.map((c, i) => [c.name, widths[i]]);
}

export function renderTable(records: unknown[], options: TableOptions = {}): string {
  const total = Math.max(20, options.width ?? 80);
  if (!records.length) return '(no records)\n';
  const rows = records.map((r) => flattenRecord(r, { firstElementOnly: true, omit: ['remote_data'] }));
  const layout = layoutColumns(rows, total);
  const line = (cells: string[]) =>
    cells
      .map((text, i) => (i === cells.length - 1 ? truncate(text, layout[i][1]) : pad(truncate(text, layout[i][1]), layout[i][1])))
      .join(GAP)
      .trimEnd();
  const out = [line(layout.map(([name]) => name)), line(layout.map(([, w]) => '-'.repeat(w)))];
  for (const row of rows) out.push(line(layout.map(([name]) => cellText(row.get(name)))));
  return out.join('\n') + '\n';
}

/** One record as `field  value` lines (every flattened field but remote_data). */
export function renderRecord(record: unknown, options: TableOptions = {}): string {
  const total = Math.max(20, options.width ?? 80);
  const row = flattenRecord(record, { omit: ['remote_data'] });
  const entries = [...row.entries()];
  if (!entries.length) return '(empty)\n';
  const keyWidth = Math.min(Math.max(...entries.map(([k]) => width(k))), Math.floor(total / 2));
  const valueWidth = Math.max(1, total - keyWidth - GAP.length);
  return entries.map(([k, v]) => `${pad(truncate(k, keyWidth), keyWidth)}${GAP}${truncate(cellText(v), valueWidth)}`.trimEnd()).join('\n') + '\n';
}
