import qs from 'qs';

/**
 * Query strings the server parses back exactly (docs/contract.md §4): `qs.stringify` in its
 * default "indices" form, as Truto's TS SDK sends them. `{a: ['x', 'y'], o: {k: true}}` becomes
 * `a[0]=x&a[1]=y&o[k]=true`; the server's `qs.parse` (arrayLimit 1000, depth 10) returns
 * `{a: ['x', 'y'], o: {k: 'true'}}`. Booleans and numbers travel as their text, Dates as ISO
 * 8601, `null` as an empty value; `undefined` keys are left out. Empty arrays and objects vanish
 * (there is no way to spell them in a query string).
 */
export type QueryValue = string | number | boolean | bigint | Date | null | undefined | QueryValue[] | { [key: string]: QueryValue };
export type QueryObject = Record<string, unknown>;

export function stringifyQuery(query: QueryObject | undefined): string {
  if (!query) return '';
  return qs.stringify(query, { arrayFormat: 'indices', encodeValuesOnly: false, skipNulls: false, allowDots: false, format: 'RFC3986' });
}

/** Drops keys whose value is undefined (shallow), so `{limit: undefined}` adds nothing. */
export function compactQuery(query: QueryObject | undefined): QueryObject {
  const out: QueryObject = {};
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined) out[k] = v;
  return out;
}
