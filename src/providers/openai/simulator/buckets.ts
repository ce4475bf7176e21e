import { MESSAGES } from './errors.ts';
import { badParam, type Params } from './params.ts';

/**
 * Time buckets of the usage and costs endpoints (docs/providers/sources.md §4.6, §4.7):
 * `start_time` (required, inclusive) aligned down to the bucket width in UTC, `end_time`
 * (exclusive; default and ceiling: the end of the current bucket at the simulator's clock), at most
 * `limit` buckets per page, and an opaque `next_page` token that `page` sends back. Every period
 * in the window is a bucket, with `results: []` when nothing happened.
 */

export const BUCKET_WIDTHS = { '1m': 60, '1h': 3_600, '1d': 86_400 } as const;
export type BucketWidth = keyof typeof BUCKET_WIDTHS;

/** Buckets per page, per width: OpenAI's defaults and maxima. */
export const USAGE_BUCKET_LIMITS: Record<BucketWidth, { default: number; max: number }> = {
  '1m': { default: 60, max: 1_440 },
  '1h': { default: 24, max: 168 },
  '1d': { default: 7, max: 31 },
};
export const COSTS_BUCKET_LIMIT = { default: 7, max: 180 } as const;

export interface BucketPage {
  width: number;
  /** Start of each bucket on this page (unix seconds). */
  starts: number[];
  /** The token of the following page, or null on the last one. */
  nextPage: string | null;
}

export interface BucketRules {
  widths: readonly BucketWidth[];
  limits: Partial<Record<BucketWidth, { default: number; max: number }>>;
}

export function bucketPage(params: Params, rules: BucketRules, clock: number): BucketPage {
  const start = params.integer('start_time', { required: true, min: 0 })!;
  const endTime = params.integer('end_time', { min: 0 });
  if (endTime !== undefined && endTime <= start) throw badParam('end_time', MESSAGES.endBeforeStart);
  const widthName = params.oneOf('bucket_width', rules.widths, '1d');
  const width = BUCKET_WIDTHS[widthName];
  const bounds = rules.limits[widthName]!;
  const limit =
    params.integer('limit', { min: 1, max: bounds.max, context: rules.widths.length > 1 ? ` for bucket_width '${widthName}'` : '' }) ?? bounds.default;

  const first = Math.floor(start / width) * width;
  const ceiling = Math.ceil((clock + 1) / width) * width;
  const end = Math.min(endTime ?? ceiling, ceiling);
  const token = params.string('page');
  const from = token ? decodePage(token, first, width) : first;

  const starts: number[] = [];
  let s = from;
  for (; s < end && starts.length < limit; s += width) starts.push(s);
  return { width, starts, nextPage: s < end ? encodePage(s, first) : null };
}

/** `page_` + base64 of (next bucket start, aligned query start): opaque, and bound to its query. */
function encodePage(next: number, first: number): string {
  const buf = Buffer.alloc(8);
  buf.writeUInt32BE(next, 0);
  buf.writeUInt32BE(first, 4);
  return `page_${buf.toString('base64')}`;
}

function decodePage(token: string, first: number, width: number): number {
  const m = /^page_([A-Za-z0-9+/]{11}=)$/.exec(token);
  if (!m) throw badParam('page', MESSAGES.invalidPage);
  const buf = Buffer.from(m[1], 'base64');
  const next = buf.readUInt32BE(0);
  if (buf.readUInt32BE(4) !== first || next < first || (next - first) % width !== 0) throw badParam('page', MESSAGES.invalidPage);
  return next;
}

/** A bucket envelope: `{object:"bucket", start_time, end_time, results}`. */
export function bucket(start: number, width: number, results: unknown[]) {
  return { object: 'bucket', start_time: start, end_time: start + width, results };
}

/** The page envelope shared by usage and costs: `{object:"page", data, has_more, next_page}`. */
export function bucketEnvelope(data: unknown[], nextPage: string | null) {
  return { object: 'page', data, has_more: nextPage !== null, next_page: nextPage };
}

/**
 * The share of a daily quantity that falls in slot `i` of `n` equal slots: spread evenly in
 * integers, so the slots of a day always add up to the day exactly.
 */
export function slotShare(total: number, i: number, n: number): number {
  return Math.floor((total * (i + 1)) / n) - Math.floor((total * i) / n);
}

/** Rows grouped by the values of `keys`, in a stable order (by those values). */
export function groupRows<T>(rows: T[], keys: readonly string[], valueOf: (row: T, key: string) => unknown): { values: Record<string, unknown>; rows: T[] }[] {
  const groups = new Map<string, { values: Record<string, unknown>; rows: T[] }>();
  for (const row of rows) {
    const values = Object.fromEntries(keys.map((k) => [k, valueOf(row, k) ?? null]));
    const id = JSON.stringify(keys.map((k) => values[k]));
    const g = groups.get(id);
    if (g) g.rows.push(row);
    else groups.set(id, { values, rows: [row] });
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => g);
}
