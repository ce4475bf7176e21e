import qs from 'qs';
import { errors } from '../errors/catalogue.ts';
import { describe, isInheritedName, normaliseUuid } from './safe-input.ts';

/**
 * Query strings as real clients send them (docs/contract.md §4): qs with raised limits, arrays
 * accepted in every encoding, strict booleans, and brackets that must balance.
 */
export const QS_OPTIONS = { arrayLimit: 1000, depth: 10, parameterLimit: 10000, allowDots: false, comma: false, duplicates: 'combine' } as const;

const BALANCED_KEY = /^[^[\]]+(\[[^[\]]*\])*$/;

export function parseQueryString(raw: string): Record<string, unknown> {
  const text = raw.startsWith('?') ? raw.slice(1) : raw;
  // Postgres cannot store or compare U+0000, and no parameter has a use for it: refused up front.
  if (text.includes('%00')) throw errors.invalidQuery('Query parameters must not contain U+0000 (%00)');
  for (const pair of text.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    let key: string;
    try {
      key = decodeURIComponent((eq === -1 ? pair : pair.slice(0, eq)).replace(/\+/g, ' '));
    } catch {
      throw errors.invalidQuery(`Malformed query string: cannot decode "${pair.slice(0, 80)}"`);
    }
    if (!BALANCED_KEY.test(key))
      throw errors.invalidQuery(
        `Malformed query parameter name "${key.slice(0, 80)}": brackets must be balanced, as in remote_query[foo]=bar or truto_exclude_fields[]=roles`,
      );
    // qs drops these names (they are Object's own members) and leaves an empty object behind, so a
    // filter such as tenant_id[toString]=a would vanish instead of filtering: refused instead.
    const inherited = key.split(/[[\]]+/).find((segment) => segment !== '' && isInheritedName(segment));
    if (inherited !== undefined) throw errors.invalidQuery(`Query parameter name "${key.slice(0, 80)}" uses "${inherited}", which is not accepted as a name`);
  }
  return flatParse(text) ?? (qs.parse(text, QS_OPTIONS) as Record<string, unknown>);
}

/**
 * What qs.parse gives for the common query (`integrated_account_id=…&limit=10`), without its
 * general machinery (key splitting, merging, compaction), which showed in the request profile:
 * only when no name or value holds a bracket (qs reads `%5B`/`%5D` as brackets too) and no name
 * repeats. Values are decoded as qs decodes them. Anything else: undefined, and qs parses it.
 */
function flatParse(text: string): Record<string, unknown> | undefined {
  if (!text) return undefined;
  const clean = text.replace(/%5B/gi, '[').replace(/%5D/gi, ']');
  if (clean.includes('[') || clean.includes(']')) return undefined;
  const parts = clean.split('&');
  if (parts.length > 100) return undefined;
  const out: Record<string, unknown> = {};
  for (const part of parts) {
    const eq = part.indexOf('=');
    const key = qsDecode(eq === -1 ? part : part.slice(0, eq));
    // qs drops an empty name; an inherited one never gets here (parseQueryString refuses it).
    if (!key) continue;
    if (Object.hasOwn(out, key)) return undefined;
    out[key] = eq === -1 ? '' : qsDecode(part.slice(eq + 1));
  }
  return out;
}

/** qs's utf-8 decoder: `+` is a space, an undecodable escape leaves the text as it is. */
function qsDecode(text: string): string {
  const spaced = text.includes('+') ? text.replace(/\+/g, ' ') : text;
  if (!spaced.includes('%')) return spaced;
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced;
  }
}

/** `x[]=a&x[]=b`, `x[0]=a`, `x=a,b`, `x=a&x=b` and `x=a` all become `['a', 'b']`; empty elements dropped. */
export function toStringArray(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  const items = Array.isArray(value) ? value : typeof value === 'object' && value !== null ? Object.values(value) : [value];
  const out: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') throw errors.invalidQuery(`${name} must be a list of strings`);
    for (const part of item.split(',')) if (part.trim()) out.push(part.trim());
  }
  return out;
}

export function toBoolean(value: unknown, name: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') {
    const v = value.toLowerCase();
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
  }
  throw errors.invalidQuery(`${name} must be true or false (or 1 or 0), got ${JSON.stringify(value)}`);
}

/** The largest `limit` any list takes: past it a page is no longer a page (and 1e20 overflows SQL integers). */
export const MAX_LIMIT = 10_000;

export function toLimit(value: unknown, max = MAX_LIMIT): number | undefined {
  if (value === undefined || value === '') return undefined;
  // Digits only, and few enough that Number() is exact: no 1e3, 0x10, 1.5, -1, NaN or 20-digit values.
  if (typeof value === 'string' && /^\d{1,9}$/.test(value) && Number(value) >= 1 && Number(value) <= max) return Number(value);
  throw errors.invalidQuery(`limit must be an integer from 1 to ${max}, got ${describe(value)}`);
}

export const RESPONSE_FORMATS = ['unified', 'raw', 'normalized', 'stream', 'debug'] as const;
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];

export interface UnifiedQuery {
  integratedAccountId: string;
  format: ResponseFormat;
  excludeFields: string[];
  ignoreRemoteData: boolean;
  ignoreLimit: boolean;
  skipApiCall: boolean;
  keyBy?: string;
  limit?: number;
  nextCursor?: string;
  remoteQuery: Record<string, unknown>;
  /** Coerced, without integrated_account_id, next_cursor, truto_* and remote_query (limit stays). */
  query: Record<string, unknown>;
  rawQuery: Record<string, unknown>;
}

/** The account id of a data-plane call, lower-cased (normaliseUuid), or the 400 saying what is wrong. */
export function requireAccountId(value: unknown): string {
  if (value === undefined || value === '') throw errors.missingQuery(['integrated_account_id']);
  const id = normaliseUuid(value);
  if (!id) throw errors.invalidQuery(`integrated_account_id must be a UUID, got ${describe(value)}`);
  return id;
}

export function parseUnifiedQuery(rawQueryString: string): UnifiedQuery {
  const rawQuery = parseQueryString(rawQueryString);
  const integratedAccountId = requireAccountId(rawQuery.integrated_account_id);
  const format = (rawQuery.truto_response_format ?? 'unified') as ResponseFormat;
  if (typeof format !== 'string' || !RESPONSE_FORMATS.includes(format)) {
    throw errors.invalidQuery(`truto_response_format must be one of ${RESPONSE_FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  }
  if (rawQuery.truto_super_query !== undefined) throw errors.invalidQuery('truto_super_query is not supported by this server');
  const remoteQuery = rawQuery.remote_query ?? {};
  if (typeof remoteQuery !== 'object' || Array.isArray(remoteQuery)) {
    throw errors.invalidQuery('remote_query must be an object of upstream parameters, as in remote_query[foo]=bar');
  }
  const keyBy = rawQuery.truto_key_by;
  if (keyBy !== undefined && (typeof keyBy !== 'string' || !keyBy)) throw errors.invalidQuery('truto_key_by must be a field name or dotted path');
  const nextCursor = rawQuery.next_cursor;
  if (nextCursor !== undefined && typeof nextCursor !== 'string') throw errors.invalidCursor();
  const query: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rawQuery)) {
    if (k === 'integrated_account_id' || k === 'next_cursor' || k === 'remote_query' || k.startsWith('truto_')) continue;
    query[k] = v;
  }
  const limit = toLimit(rawQuery.limit);
  if (limit === undefined) delete query.limit;
  else query.limit = limit;
  return {
    integratedAccountId,
    format,
    excludeFields: toStringArray(rawQuery.truto_exclude_fields, 'truto_exclude_fields'),
    ignoreRemoteData: toBoolean(rawQuery.truto_ignore_remote_data, 'truto_ignore_remote_data') ?? false,
    ignoreLimit: toBoolean(rawQuery.truto_ignore_limit, 'truto_ignore_limit') ?? false,
    skipApiCall: toBoolean(rawQuery.truto_skip_api_call, 'truto_skip_api_call') ?? false,
    keyBy: keyBy as string | undefined,
    limit,
    nextCursor: nextCursor || undefined,
    remoteQuery: remoteQuery as Record<string, unknown>,
    query,
    rawQuery,
  };
}
