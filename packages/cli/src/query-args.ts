import qs from 'qs';
import { UsageError } from './errors.ts';

/**
 * `-q` values (docs/contract.md §15): each is one or more `k=v` pairs separated by commas, and
 * `-q` repeats. A comma followed by text without `=` continues the previous value, so
 * `-q truto_exclude_fields=id,name,limit=5` is `truto_exclude_fields=id,name` and `limit=5`;
 * `\,` is a literal comma. Keys may carry brackets (`remote_query[foo]=bar`,
 * `truto_exclude_fields[]=roles`). A repeated key collects its values into an array.
 *
 * The pairs are parsed with the same qs options as the server, and the SDK serialises the
 * object with qs again, so the server reads back exactly what was typed.
 */
export const SERVER_QS_OPTIONS = { arrayLimit: 1000, depth: 10, parameterLimit: 10000, allowDots: false, comma: false, duplicates: 'combine' } as const;

const BALANCED_KEY = /^[^[\]=]+(\[[^[\]]*\])*$/;

export function splitPairs(value: string): [string, string][] {
  const segments: string[] = [];
  let current = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i];
    if (ch === '\\' && value[i + 1] === ',') {
      current += ',';
      i++;
    } else if (ch === ',') {
      segments.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  segments.push(current);

  const pairs: [string, string][] = [];
  for (const segment of segments) {
    const eq = segment.indexOf('=');
    const key = eq === -1 ? '' : segment.slice(0, eq).trim();
    if (eq > 0 && BALANCED_KEY.test(key)) {
      pairs.push([key, segment.slice(eq + 1)]);
    } else if (pairs.length) {
      pairs[pairs.length - 1][1] += `,${segment}`;
    } else if (segment.trim() !== '') {
      throw new UsageError(`-q "${value}": expected key=value (e.g. -q limit=10 or -q remote_query[foo]=bar)`);
    }
  }
  return pairs;
}

/** All `-q` values as one query object, parsed the way the server parses. */
export function parseQueryArgs(values: string[] | undefined): Record<string, unknown> {
  const pairs = (values ?? []).flatMap(splitPairs);
  if (!pairs.length) return {};
  const raw = pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
  return qs.parse(raw, SERVER_QS_OPTIONS) as Record<string, unknown>;
}

export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
