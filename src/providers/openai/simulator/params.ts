import { MESSAGES, OpenAIApiError } from './errors.ts';

/**
 * Query parameters as OpenAI's clients send them. The official SDKs encode arrays with brackets
 * (`group_by[]=a&group_by[]=b`, URL-encoded); curl users and OpenAPI generators send the plain
 * repeated form (`group_by=a&group_by=b`); both, and indexed keys (`group_by[0]=a`), are accepted
 * (docs/providers/sources.md §4.6). A bad value is a 400 naming the parameter.
 */
export class Params {
  constructor(readonly search: URLSearchParams) {}

  string(name: string): string | undefined {
    const v = this.search.get(name);
    return v === null ? undefined : v;
  }

  /** Every value of an array parameter, in any of the accepted encodings. */
  array(name: string): string[] {
    const indexed = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\[\\d*\\]$`);
    const out: string[] = [];
    for (const [key, value] of this.search) if ((key === name || indexed.test(key)) && value !== '') out.push(value);
    return out;
  }

  /** An array whose values must come from `allowed`. */
  enumArray<T extends string>(name: string, allowed: readonly T[]): T[] {
    const values = this.array(name);
    for (const v of values) if (!allowed.includes(v as T)) throw badParam(name, MESSAGES.invalidEnum(name, allowed, v));
    return [...new Set(values)] as T[];
  }

  integer(name: string, opts: { required?: boolean; min?: number; max?: number; context?: string } = {}): number | undefined {
    const raw = this.string(name);
    if (raw === undefined || raw === '') {
      if (opts.required) throw badParam(name, MESSAGES.missingParam(name));
      return undefined;
    }
    if (!/^-?\d+$/.test(raw.trim())) throw badParam(name, MESSAGES.invalidInteger(name, raw));
    const n = Number(raw);
    if ((opts.min !== undefined && n < opts.min) || (opts.max !== undefined && n > opts.max)) {
      throw badParam(name, MESSAGES.outOfRange(name, opts.min ?? Number.MIN_SAFE_INTEGER, opts.max ?? Number.MAX_SAFE_INTEGER, n, opts.context));
    }
    return n;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.string(name);
    if (raw === undefined || raw === '') return fallback;
    if (!allowed.includes(raw as T)) throw badParam(name, MESSAGES.invalidEnum(name, allowed, raw));
    return raw as T;
  }

  boolean(name: string): boolean | undefined {
    const raw = this.string(name);
    if (raw === undefined || raw === '') return undefined;
    if (raw === 'true' || raw === 'True' || raw === '1') return true;
    if (raw === 'false' || raw === 'False' || raw === '0') return false;
    throw badParam(name, `Invalid '${name}': expected a boolean, but got '${raw}' instead.`);
  }
}

export function badParam(param: string, message: string): OpenAIApiError {
  return new OpenAIApiError(400, message, 'invalid_request_error', param, null);
}
