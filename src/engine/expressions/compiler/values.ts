/**
 * JSONata's value model, reproduced for the closure compiler: sequences are arrays flagged
 * `sequence` (as jsonata flags them, so the two engines hand each other the same shapes), and the
 * helpers below follow jsonata 2.x's own definitions line for line where its semantics hang on them.
 */

export type Seq = unknown[] & { sequence?: boolean; keepSingleton?: boolean; cons?: boolean; outerWrapper?: boolean };

/** An error with a JSONata code, shaped as jsonata throws them ({ code, position, token, value }). */
export class JsonataError extends Error {
  position?: number;
  token?: string;
  constructor(
    readonly code: string,
    readonly value?: unknown,
    extra: { position?: number; token?: string; value2?: unknown; index?: number } = {},
  ) {
    super(`${code}: ${messageOf(code, value, extra)}`);
    this.position = extra.position;
    this.token = extra.token;
  }
}

const TEMPLATES: Record<string, string> = {
  D1001: 'Number out of range',
  D1002: 'Cannot negate a non-numeric value',
  T1003: 'Key in object structure must evaluate to a string',
  T1006: 'Attempted to invoke a non-function',
  D1009: 'Multiple key definitions evaluate to same key',
  T2001: 'The left side of the arithmetic expression must evaluate to a number',
  T2002: 'The right side of the arithmetic expression must evaluate to a number',
  T2003: 'The left side of the range operator (..) must evaluate to an integer',
  T2004: 'The right side of the range operator (..) must evaluate to an integer',
  T2009: 'The values either side of the comparison operator must be of the same data type',
  T2010: 'The expressions either side of the comparison operator must evaluate to numbers or strings',
  D2014: 'The size of the sequence allocated by the range operator (..) must not exceed 1e7',
  D3010: 'Second argument of replace function cannot be an empty string',
  D3011: 'Fourth argument of replace function must evaluate to a positive number',
  D3020: 'Third argument of split function must evaluate to a positive number',
  D3050: 'The second argument of reduce function must be a function with at least two arguments',
  D3070: 'The single argument form of the sort function can only be applied to an array of strings or an array of numbers',
  D3138: 'The $single() function expected exactly 1 matching result.  Instead it matched more.',
  D3139: 'The $single() function expected exactly 1 matching result.  Instead it matched 0.',
};

function messageOf(code: string, value: unknown, _extra: object): string {
  const text = TEMPLATES[code] ?? 'JSONata error';
  return value === undefined ? text : `${text}: ${safeJson(value)}`;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

export function createSequence(...items: unknown[]): Seq {
  const s = items as Seq;
  s.sequence = true;
  return s;
}

export function isSequence(v: unknown): v is Seq {
  return Array.isArray(v) && (v as Seq).sequence === true;
}

/** A function value in the compiled world; `_jsonata_lambda` so jsonata's own helpers ($type, $string) see a function. */
export class Callable {
  readonly _jsonata_lambda = true;
  constructor(
    readonly invoke: (args: unknown[], input: unknown) => unknown,
    readonly arity: number,
    readonly name?: string,
  ) {}
}

export function isFunction(v: unknown): boolean {
  return (
    typeof v === 'function' ||
    (v !== null &&
      typeof v === 'object' &&
      ((v as { _jsonata_lambda?: boolean })._jsonata_lambda === true || (v as { _jsonata_function?: boolean })._jsonata_function === true))
  );
}

/** jsonata's isNumeric: a non-NaN number, and an infinite one is an error (D1001), not a number. */
export function isNumeric(n: unknown): n is number {
  if (typeof n !== 'number' || Number.isNaN(n)) return false;
  if (!Number.isFinite(n)) throw new JsonataError('D1001', n);
  return true;
}

export function isArrayOfNumbers(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  let ok = true;
  for (const item of v) if (!isNumeric(item)) ok = false; // every item is checked, as jsonata does (D1001 on any)
  return ok;
}

export function isArrayOfStrings(v: unknown): boolean {
  return Array.isArray(v) && v.every((item) => typeof item === 'string');
}

/** `$boolean`: jsonata's effective boolean value. */
export function toBoolean(arg: unknown): boolean | undefined {
  if (arg === undefined) return undefined;
  if (Array.isArray(arg)) {
    if (arg.length === 1) return toBoolean(arg[0]);
    if (arg.length > 1) return arg.filter((v) => toBoolean(v)).length > 0;
    return false;
  }
  if (typeof arg === 'string') return arg.length > 0;
  if (isNumeric(arg)) return arg !== 0;
  if (arg !== null && typeof arg === 'object' && !isFunction(arg)) return Object.keys(arg).length > 0;
  return arg === true;
}

/** `and`/`or` operands: undefined is false. */
export function boolize(v: unknown): boolean {
  return toBoolean(v) ?? false;
}

export function deepEqual(lhs: unknown, rhs: unknown): boolean {
  if (lhs === rhs) return true;
  if (typeof lhs === 'object' && typeof rhs === 'object' && lhs !== null && rhs !== null) {
    if (Array.isArray(lhs) && Array.isArray(rhs)) {
      if (lhs.length !== rhs.length) return false;
      for (let i = 0; i < lhs.length; i++) if (!deepEqual(lhs[i], rhs[i])) return false;
      return true;
    }
    const lkeys = Object.getOwnPropertyNames(lhs).sort();
    const rkeys = Object.getOwnPropertyNames(rhs).sort();
    if (lkeys.length !== rkeys.length) return false;
    for (let i = 0; i < lkeys.length; i++) if (lkeys[i] !== rkeys[i]) return false;
    for (const key of lkeys) if (!deepEqual((lhs as Record<string, unknown>)[key], (rhs as Record<string, unknown>)[key])) return false;
    return true;
  }
  return false;
}

/** `$string` (without prettify): JSON with numbers at 15 significant digits, functions as "". */
export function toJsonataString(arg: unknown): string | undefined {
  if (arg === undefined) return undefined;
  if (typeof arg === 'string') return arg;
  if (isFunction(arg)) return '';
  if (typeof arg === 'number' && !Number.isFinite(arg)) throw new JsonataError('D3001', arg);
  if (Array.isArray(arg) && (arg as Seq).outerWrapper) arg = arg[0];
  return JSON.stringify(arg, (_key, val) => {
    if (val !== undefined && val !== null && isNumeric(val)) return !Number.isInteger(val) ? Number(val.toPrecision(15)) : val;
    return val && isFunction(val) ? '' : val;
  });
}

/** jsonata's `$lookup` / name step: own properties only, arrays mapped and flattened one level. */
export function lookupName(input: unknown, key: string): unknown {
  if (Array.isArray(input)) {
    const result = createSequence();
    for (const item of input) {
      const res = lookupName(item, key);
      if (res !== undefined) {
        if (Array.isArray(res)) for (const v of res) result.push(v);
        else result.push(res);
      }
    }
    return result;
  }
  if (input !== null && typeof input === 'object' && Object.prototype.hasOwnProperty.call(input, key) && !isFunction(input))
    return (input as Record<string, unknown>)[key];
  return undefined;
}

/** `$append`, also how array constructors and grouping merge values. */
export function append(arg1: unknown, arg2: unknown): unknown {
  if (arg1 === undefined) return arg2;
  if (arg2 === undefined) return arg1;
  const a1 = Array.isArray(arg1) ? arg1 : createSequence(arg1);
  const a2 = Array.isArray(arg2) ? arg2 : [arg2];
  return a1.concat(a2);
}

/** The arity jsonata gives a function value (how many of value/index/array a HOF passes it). */
export function arityOf(f: unknown): number {
  if (f instanceof Callable) return f.arity;
  const g = f as { arity?: number; implementation?: (...a: unknown[]) => unknown; length?: number };
  if (typeof g.arity === 'number') return g.arity;
  if (typeof g.implementation === 'function') return g.implementation.length;
  return typeof g.length === 'number' ? g.length : 0;
}
