/** Column filters shared by every store interface (kept apart so the row interfaces need not import types.ts). */

/** A string column's filter: a plain string is equality; `in` any of, `nin` none of (both may apply). */
export type TextMatch = { in?: string[]; nin?: string[] };
/** Bounds on an ISO 8601 timestamp column. */
export type DateRange = Partial<Record<'gt' | 'gte' | 'lt' | 'lte', string>>;
