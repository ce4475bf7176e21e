import { createHash, createHmac, randomUUID } from 'node:crypto';
import qs from 'qs';

/**
 * The subset of @truto/truto-jsonata's `core` and `datetime` presets that mappings may call
 * (docs/contract.md §12.4), implemented without its heavy dependencies. Each entry is
 * `[implementation, jsonata signature]`.
 */
type Fn = (...args: any[]) => unknown;

const isEmpty = (v: unknown) =>
  v === undefined ||
  v === null ||
  v === '' ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0);

const asArray = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

const CURRENCY_EXPONENT: Record<string, number> = { JPY: 0, KRW: 0, VND: 0, CLP: 0, ISK: 0, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3 };
const exponent = (code: unknown) => CURRENCY_EXPONENT[String(code ?? '').toUpperCase()] ?? 2;

/**
 * An amount in major units (a number or a decimal string, e.g. dollars) as an integer of minor
 * units, exactly: the decimal point of its decimal text is shifted by `shift` places, and the
 * rest rounded half away from zero. `0.07` dollars is 7 cents, never 7.000000000000001.
 */
export function shiftDecimalToInteger(amount: unknown, shift: number): number | undefined {
  if (amount === undefined || amount === null || amount === '') return undefined;
  const text = typeof amount === 'number' ? (Number.isFinite(amount) ? amount.toString() : '') : String(amount).trim();
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:e([+-]?\d+))?$/i.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const sign = m[1] === '-' ? -1 : 1;
  const digits = (m[2] || '0') + (m[3] ?? '');
  const point = (m[2] || '0').length + shift + Number(m[4] ?? 0);
  const padded = point > digits.length ? digits + '0'.repeat(point - digits.length) : digits;
  const whole = point <= 0 ? '0' : padded.slice(0, point);
  const firstDropped = point < 0 ? 0 : Number(padded[point] ?? '0');
  const value = Number(whole) + (point >= 0 && firstDropped >= 5 ? 1 : 0);
  return value === 0 ? 0 : sign * value;
}

function getPath(obj: unknown, path: string): unknown {
  let cur: any = obj;
  for (const part of path.split('.')) {
    // Own properties only: a path from an expression or a definition must not reach a prototype.
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, part)) return undefined;
    cur = cur[part];
  }
  return cur;
}

function dateTimeOf(date: Date) {
  if (Number.isNaN(date.getTime())) return undefined;
  return {
    year: date.getUTCFullYear(),
    month: date.getUTCMonth() + 1,
    day: date.getUTCDate(),
    hour: date.getUTCHours(),
    minute: date.getUTCMinutes(),
    second: date.getUTCSeconds(),
    millisecond: date.getUTCMilliseconds(),
    epochMillis: date.getTime(),
    epochSeconds: Math.floor(date.getTime() / 1000),
    iso: date.toISOString(),
    toISO: () => date.toISOString(),
    toMillis: () => date.getTime(),
    toSeconds: () => date.getTime() / 1000,
  };
}

export const EXPRESSION_FUNCTIONS: Record<string, [Fn, string?]> = {
  firstNonEmpty: [(...values: unknown[]) => values.find((v) => !isEmpty(v))],
  mapValues: [
    (value: unknown, mapping: Record<string, unknown>, lowerCase = false, fallback: unknown = null) => {
      if (value === undefined || value === null) return fallback;
      const key = lowerCase ? String(value).toLowerCase() : String(value);
      return Object.prototype.hasOwnProperty.call(mapping ?? {}, key) ? mapping[key] : fallback;
    },
  ],
  removeEmpty: [
    (obj: unknown) => (obj && typeof obj === 'object' && !Array.isArray(obj) ? Object.fromEntries(Object.entries(obj).filter(([, v]) => !isEmpty(v))) : obj),
  ],
  removeEmptyItems: [(arr: unknown) => asArray(arr).filter((v) => !isEmpty(v))],
  base64encode: [(s: string, urlSafe = false) => (s == null ? s : Buffer.from(String(s)).toString(urlSafe ? 'base64url' : 'base64'))],
  base64decode: [(s: string, urlSafe = false) => (s == null ? s : Buffer.from(String(s), urlSafe ? 'base64url' : 'base64').toString('utf8'))],
  digest: [
    (text: string, alg = 'SHA-256', enc = 'hex') =>
      createHash(alg.replace('-', '').toLowerCase())
        .update(String(text))
        .digest(enc as 'hex'),
  ],
  sign: [
    (text: string, alg = 'SHA-256', secret = '', enc = 'hex') =>
      createHmac(alg.replace('-', '').toLowerCase(), secret)
        .update(String(text))
        .digest(enc as 'hex'),
  ],
  uuid: [() => randomUUID()],
  jsonParse: [(s: string) => (typeof s === 'string' ? JSON.parse(s) : s)],
  toNumber: [(v: unknown) => (v === undefined || v === null || v === '' ? undefined : Number(v))],
  parseQuery: [(s: string) => (s == null ? s : qs.parse(String(s).replace(/^\?/, '')))],
  stringifyQuery: [(o: object) => qs.stringify(o)],
  parseUrl: [
    (s: string) => {
      if (s == null) return s;
      const u = new URL(String(s));
      return {
        href: u.href,
        origin: u.origin,
        protocol: u.protocol,
        host: u.host,
        hostname: u.hostname,
        port: u.port,
        pathname: u.pathname,
        search: u.search,
        hash: u.hash,
        query: Object.fromEntries(u.searchParams),
      };
    },
  ],
  convertCurrencyToSubunit: [(amount: unknown, code: unknown) => (amount == null ? amount : Math.round(Number(amount) * 10 ** exponent(code) * 1e6) / 1e6)],
  // Tessera's: money in integer minor units of `code` (docs/decisions.md, Usage and money).
  toMinorUnits: [(amount: unknown, code: unknown) => shiftDecimalToInteger(amount, exponent(code))],
  // Tessera's: a decimal amount already in minor units (fractional cents as decimal strings), rounded to an integer.
  roundMinorUnits: [(amount: unknown) => shiftDecimalToInteger(amount, 0)],
  convertCurrencyFromSubunit: [(amount: unknown, code: unknown) => (amount == null ? amount : Number(amount) / 10 ** exponent(code))],
  groupBy: [
    (arr: unknown, key: string) => {
      const out: Record<string, unknown[]> = {};
      for (const item of asArray(arr)) (out[String(getPath(item, key))] ??= []).push(item);
      return out;
    },
  ],
  keyBy: [(arr: unknown, key: string) => Object.fromEntries(asArray(arr).map((item) => [String(getPath(item, key)), item]))],
  pick: [
    (obj: Record<string, unknown>, keys: unknown) =>
      Object.fromEntries(
        asArray(keys)
          .map(String)
          .filter((k) => obj !== null && typeof obj === 'object' && Object.hasOwn(obj, k))
          .map((k) => [k, obj[k]]),
      ),
  ],
  omit: [
    (obj: Record<string, unknown>, keys: unknown) => {
      const drop = new Set(asArray(keys).map(String));
      return Object.fromEntries(Object.entries(obj ?? {}).filter(([k]) => !drop.has(k)));
    },
  ],
  compact: [(arr: unknown) => asArray(arr).filter(Boolean)],
  flatten: [(arr: unknown) => asArray(arr).flat(1)],
  flattenDeep: [(arr: unknown) => asArray(arr).flat(Infinity)],
  difference: [
    (a: unknown, b: unknown) => {
      const drop = new Set(asArray(b));
      return asArray(a).filter((v) => !drop.has(v));
    },
  ],
  chunk: [
    (arr: unknown, size: number) => {
      const a = asArray(arr);
      const out = [];
      for (let i = 0; i < a.length; i += size) out.push(a.slice(i, i + size));
      return out;
    },
  ],
  wrap: [(value: unknown, wrapper: string, end?: string) => (value == null ? value : `${wrapper}${value}${end ?? wrapper}`)],
  dtFromIso: [(iso: string) => (iso == null ? undefined : dateTimeOf(new Date(iso)))],
  dtFromMillis: [(ms: number) => (ms == null ? undefined : dateTimeOf(new Date(Number(ms))))],
  dtFromSeconds: [(s: number) => (s == null ? undefined : dateTimeOf(new Date(Number(s) * 1000)))],
};
