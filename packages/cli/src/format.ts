import YAML from 'yaml';
import { cellText, columnsOf, flattenRecord, type Row } from './flatten.ts';
import { renderRecord, renderTable } from './table.ts';

/**
 * The output formats of `-o`. Lists print their records (the envelope's `result`, so
 * `jq '.[]'` works); a single object prints as itself.
 *
 *   json    pretty JSON
 *   yaml    YAML
 *   ndjson  one compact JSON value per line
 *   csv     flattened columns (RFC 4180 quoting); remote_data kept as one JSON cell
 *   table   fits the terminal; see table.ts
 */
export const OUTPUT_FORMATS = ['table', 'json', 'yaml', 'csv', 'ndjson'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface FormatOptions {
  /** Terminal width for table (default 80). */
  width?: number;
}

export function formatList(records: unknown[], format: OutputFormat, options: FormatOptions = {}): string {
  switch (format) {
    case 'json':
      return JSON.stringify(records, null, 2) + '\n';
    case 'yaml':
      return records.length ? YAML.stringify(records) : '[]\n';
    case 'ndjson':
      return records.map((r) => JSON.stringify(r) + '\n').join('');
    case 'csv':
      return toCsv(records);
    case 'table':
      return renderTable(records, options);
  }
}

export function formatValue(value: unknown, format: OutputFormat, options: FormatOptions = {}): string {
  switch (format) {
    case 'json':
      return JSON.stringify(value, null, 2) + '\n';
    case 'yaml':
      return YAML.stringify(value);
    case 'ndjson':
      return JSON.stringify(value) + '\n';
    case 'csv':
      return toCsv([value]);
    case 'table':
      if (Array.isArray(value)) return renderTable(value, options);
      if (value !== null && typeof value === 'object') return renderRecord(value, options);
      return `${String(value)}\n`;
  }
}

const CSV_FLATTEN = { asJson: ['remote_data'] };

export function csvRows(records: unknown[]): Row[] {
  return records.map((r) => flattenRecord(r, CSV_FLATTEN));
}

export function csvLine(cells: string[]): string {
  return cells.map(csvCell).join(',') + '\r\n';
}

export function toCsv(records: unknown[], columns?: string[]): string {
  const rows = csvRows(records);
  const cols = columns ?? columnsOf(rows);
  if (!cols.length) return '';
  return csvLine(cols) + rows.map((row) => csvLine(cols.map((c) => cellText(row.get(c))))).join('');
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) || /^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** True for `{ result: [...] }` envelopes (unified, proxy and admin lists). */
export function isListEnvelope(value: unknown): value is { result: unknown[]; next_cursor?: string | null } {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && Array.isArray((value as { result?: unknown }).result);
}
