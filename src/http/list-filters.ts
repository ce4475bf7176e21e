import { errors } from '../errors/catalogue.ts';
import { describe, isUuid, textProblem, type TextRule } from '../query/safe-input.ts';
import { toBoolean } from '../query/unified-query.ts';
import type { DateRange, TextMatch } from '../store/types.ts';

/**
 * Admin list filters (GET /integrated-account, /environment-unified-model-resource-method…) in
 * every form the SDKs and tools send, from the object qs parsed (query/unified-query.ts):
 *
 *   x=a            x[eq]=a          one value
 *   x[]=a&x[]=b    x[0]=a&x[1]=b    x=a&x=b    x[in]=a,b    x[in][]=a&x[in][]=b     any of them
 *   x[ne]=a        x[nin]=a,b       x[nin][]=a                                      none of them
 *   created_at[gt|gte|lt|lte|eq]=<ISO 8601>
 *   integration.name=a   integration[name]=a   integration[name][in]=a,b               nested names
 *
 * Several operators on one field all apply (AND). A filter a route does not declare, or an operator
 * a field does not take, is a 400 that lists what is accepted: silently dropping one would widen the
 * answer (`tenant_id[]=x` once returned every tenant's accounts).
 */

export type FilterSpec =
  /** Compared with a stored string column. */
  | { kind: 'text'; rule: TextRule }
  /** An id: lower-cased, and each value must be a UUID. */
  | { kind: 'uuid' }
  | { kind: 'boolean' }
  | { kind: 'date' };

export type FilterValue = TextMatch | boolean | DateRange;

const TEXT_OPERATORS = ['eq', 'ne', 'in', 'nin'] as const;
const DATE_OPERATORS = ['gt', 'gte', 'lt', 'lte', 'eq'] as const;
/** Paging and response parameters every admin list takes; never filters. */
const RESERVED = new Set(['limit', 'next_cursor']);

/**
 * The declared filters present in `query`, parsed; throws 400 for anything else. `route` is for
 * messages (`/integrated-account`).
 */
export function parseListFilters(query: Record<string, unknown>, specs: Record<string, FilterSpec>, route: string): Record<string, FilterValue> {
  const out: Record<string, FilterValue> = {};
  for (const [name, value] of flatten(query, specs)) {
    if (RESERVED.has(name)) continue;
    // `integration.name=a&integration[name]=b`: two spellings of one filter; keeping either would drop the other.
    if (Object.hasOwn(out, name)) throw errors.invalidQuery(`${name} is given twice (as ${name} and in brackets); give it once`);
    const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
    if (!spec) throw errors.invalidQuery(`${route} has no filter ${name}; its filters are ${Object.keys(specs).join(', ')}`);
    out[name] = parseOne(name, value, spec);
  }
  return out;
}

/** Both filters at once, for two names of one column (`unified_model` and `unified_model_id`). */
export function bothText(a: FilterValue | undefined, b: FilterValue | undefined): TextMatch | undefined {
  const [x, y] = [a as TextMatch | undefined, b as TextMatch | undefined];
  if (!x || !y) return x ?? y;
  const inList = x.in && y.in ? x.in.filter((v) => y.in!.includes(v)) : (x.in ?? y.in);
  const ninList = x.nin || y.nin ? [...(x.nin ?? []), ...(y.nin ?? [])] : undefined;
  return { ...(inList ? { in: inList } : {}), ...(ninList ? { nin: ninList } : {}) };
}

/** Whether `value` passes a parsed text filter: for a column the route checks itself. */
export function matchesText(value: string, match: TextMatch | undefined): boolean {
  if (!match) return true;
  if (match.in && !match.in.includes(value)) return false;
  return !match.nin?.includes(value);
}

/** Top-level names, and `parent.child` for a nested object whose `parent` is not itself a filter. */
function flatten(query: Record<string, unknown>, specs: Record<string, FilterSpec>): [string, unknown][] {
  const out: [string, unknown][] = [];
  for (const [key, value] of Object.entries(query)) {
    const nested = isPlainObject(value) && !Object.hasOwn(specs, key) && Object.keys(specs).some((s) => s.startsWith(`${key}.`));
    if (!nested) out.push([key, value]);
    else for (const [child, inner] of Object.entries(value)) out.push([`${key}.${child}`, inner]);
  }
  return out;
}

function parseOne(name: string, value: unknown, spec: FilterSpec): FilterValue {
  if (spec.kind === 'boolean') return parseBoolean(name, value);
  if (spec.kind === 'date') return parseDate(name, value);
  const match = parseText(name, value);
  const check = (v: string) => {
    if (spec.kind === 'uuid') {
      if (!isUuid(v)) throw errors.invalidQuery(`${name} values must be UUIDs; got ${JSON.stringify(String(v).slice(0, 80))}`);
      return v.toLowerCase();
    }
    const problem = textProblem(v, spec.rule);
    if (problem) throw errors.invalidQuery(`${name} ${problem}`);
    return v;
  };
  return { ...(match.in ? { in: match.in.map(check) } : {}), ...(match.nin ? { nin: match.nin.map(check) } : {}) };
}

function parseText(name: string, value: unknown): TextMatch {
  // An empty value is refused rather than read as "no filter": a caller whose tenant variable came
  // out empty must not get every tenant's rows.
  if (value === '') throw errors.invalidQuery(`${name} is empty; leave it out to list everything, or give a value`);
  if (typeof value === 'string') return { in: [value] };
  if (Array.isArray(value) || isIndexObject(value)) return { in: strings(name, Object.values(value as object), false) };
  if (!isPlainObject(value) || Object.keys(value).length === 0)
    throw errors.invalidQuery(`${name} must be a string or a list of strings, got ${describe(value)}`);
  let match: TextMatch = {};
  for (const [op, operand] of Object.entries(value)) {
    if (!(TEXT_OPERATORS as readonly string[]).includes(op))
      throw errors.invalidQuery(`${name}[${op}] is not supported; use ${name}=a, ${name}[]=a, ${name}[in]=a,b, ${name}[nin]=a,b, ${name}[eq] or ${name}[ne]`);
    const single = op === 'eq' || op === 'ne';
    if (single && typeof operand !== 'string') throw errors.invalidQuery(`${name}[${op}] takes one value, got ${describe(operand)}`);
    const values = single ? [operand as string] : strings(`${name}[${op}]`, typeof operand === 'string' ? [operand] : listOf(`${name}[${op}]`, operand), true);
    match =
      op === 'eq' || op === 'in'
        ? { ...match, in: match.in ? match.in.filter((v) => values.includes(v)) : values }
        : { ...match, nin: [...(match.nin ?? []), ...values] };
  }
  return match;
}

/** The items, each a string; `splitCommas` for the `in`/`nin` forms, where `a,b` is two values. */
function strings(name: string, items: unknown[], splitCommas: boolean): string[] {
  const out: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') throw errors.invalidQuery(`${name} must be a list of strings, got ${describe(item)} in it`);
    if (splitCommas) out.push(...item.split(',').filter((part) => part !== ''));
    else out.push(item);
  }
  if (out.length === 0) throw errors.invalidQuery(`${name} needs at least one value`);
  return out;
}

function listOf(name: string, value: unknown): unknown[] {
  if (Array.isArray(value) || isIndexObject(value)) return Object.values(value as object);
  throw errors.invalidQuery(`${name} must be a comma-separated string or a list, got ${describe(value)}`);
}

function parseBoolean(name: string, value: unknown): boolean {
  const operand = isPlainObject(value) && Object.keys(value).length === 1 && Object.hasOwn(value, 'eq') ? value.eq : value;
  if (typeof operand !== 'string') throw errors.invalidQuery(`${name} must be true or false, got ${describe(operand)}`);
  return toBoolean(operand, name)!;
}

function parseDate(name: string, value: unknown): DateRange {
  if (!isPlainObject(value)) throw errors.invalidQuery(`${name} takes operators, as in ${name}[gt]=2024-01-01T00:00:00Z (${DATE_OPERATORS.join(', ')})`);
  const out: DateRange = {};
  for (const [op, operand] of Object.entries(value)) {
    if (!(DATE_OPERATORS as readonly string[]).includes(op))
      throw errors.invalidQuery(`${name}[${op}] is not supported; use one of ${DATE_OPERATORS.join(', ')}`);
    const date = typeof operand === 'string' ? new Date(operand) : new Date(NaN);
    if (Number.isNaN(date.getTime())) throw errors.invalidQuery(`${name}[${op}] must be an ISO 8601 date-time`);
    const iso = date.toISOString();
    // eq is both bounds: timestamps are stored to the millisecond, as toISOString writes them.
    if (op === 'eq') Object.assign(out, { gte: iso, lte: iso });
    else out[op as keyof DateRange] = iso;
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** What qs makes of `x[0]=a&x[25]=b` past its array limit, or of sparse indexes: `{0: 'a', 25: 'b'}`. */
function isIndexObject(value: unknown): boolean {
  return isPlainObject(value) && Object.keys(value).length > 0 && Object.keys(value).every((k) => /^\d+$/.test(k));
}

/** The OpenAPI parameters of a route's filters, from the same specs the parser reads. */
export function filterParameters(specs: Record<string, FilterSpec>): Record<string, unknown>[] {
  return Object.entries(specs).map(([name, spec]) => {
    if (spec.kind === 'boolean') return { name, in: 'query', schema: { type: 'boolean' } };
    if (spec.kind === 'date')
      return {
        name,
        in: 'query',
        description: `${name}[${DATE_OPERATORS.join('|')}]=<ISO 8601>`,
        style: 'deepObject',
        explode: true,
        schema: { type: 'object', additionalProperties: { type: 'string', format: 'date-time' } },
      };
    return {
      name,
      in: 'query',
      description: `One value (${name}=a), any of (${name}[]=a&${name}[]=b, ${name}[in]=a,b) or none of (${name}[nin]=a,b, ${name}[ne]=a)`,
      schema: { type: 'string', ...(spec.kind === 'uuid' ? { format: 'uuid' } : {}) },
    };
  });
}
