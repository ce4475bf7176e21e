import { containsMatch, match, replaceMatch, splitMatch } from './regex.ts';
import { tick, NotCovered } from './runtime.ts';
import { arityOf, Callable, createSequence, isArrayOfNumbers, isArrayOfStrings, JsonataError, toBoolean } from './values.ts';

/**
 * The built-ins whose jsonata implementations are async (they may call back into the
 * interpreter), re-implemented synchronously with jsonata's semantics. Arguments arrive already
 * validated by jsonata's own signature for the function (builtins.ts). Regex matchers are not
 * covered: a function where a string pattern is expected is handed back to the interpreter.
 */

/** Invokes a function value the way jsonata's apply does for what the compiled world can hold. */
export function callFunction(f: unknown, args: unknown[], input: unknown): unknown {
  if (f instanceof Callable) return f.invoke(args, input);
  if (typeof f === 'function') return (f as (...a: unknown[]) => unknown).apply(input, args);
  if (f !== null && typeof f === 'object' && (f as { _jsonata_function?: boolean })._jsonata_function)
    throw new NotCovered('a jsonata function definition as a value');
  throw new JsonataError('T1006');
}

function hofArgs(func: unknown, value: unknown, index: unknown, whole: unknown): unknown[] {
  const arity = arityOf(func);
  return arity >= 3 ? [value, index, whole] : arity >= 2 ? [value, index] : [value];
}

function map([arr, func]: unknown[]): unknown {
  if (arr === undefined) return undefined;
  const a = arr as unknown[];
  const result = createSequence();
  for (let i = 0; i < a.length; i++) {
    tick();
    const res = callFunction(func, hofArgs(func, a[i], i, a), null);
    if (res !== undefined) result.push(res);
  }
  return result;
}

function filter([arr, func]: unknown[]): unknown {
  if (arr === undefined) return undefined;
  const a = arr as unknown[];
  const result = createSequence();
  for (let i = 0; i < a.length; i++) {
    tick();
    if (toBoolean(callFunction(func, hofArgs(func, a[i], i, a), null))) result.push(a[i]);
  }
  return result;
}

function single([arr, func]: unknown[]): unknown {
  if (arr === undefined) return undefined;
  const a = arr as unknown[];
  let found = false;
  let result: unknown;
  for (let i = 0; i < a.length; i++) {
    tick();
    const positive = func === undefined ? true : toBoolean(callFunction(func, hofArgs(func, a[i], i, a), null));
    if (positive) {
      if (found) throw new JsonataError('D3138', undefined, { index: i });
      result = a[i];
      found = true;
    }
  }
  if (!found) throw new JsonataError('D3139');
  return result;
}

function reduce([sequence, func, init]: unknown[]): unknown {
  if (sequence === undefined) return undefined;
  const s = sequence as unknown[];
  const arity = arityOf(func);
  if (arity < 2) throw new JsonataError('D3050', undefined, { index: 1 });
  let result: unknown;
  let index: number;
  if (init === undefined && s.length > 0) {
    result = s[0];
    index = 1;
  } else {
    result = init;
    index = 0;
  }
  for (; index < s.length; index++) {
    tick();
    const args = [result, s[index]];
    if (arity >= 3) args.push(index);
    if (arity >= 4) args.push(s);
    result = callFunction(func, args, null);
  }
  return result;
}

function each([obj, func]: unknown[]): unknown {
  const result = createSequence();
  const o = obj as Record<string, unknown>;
  for (const key of keysOf(o)) {
    tick();
    const val = callFunction(func, hofArgs(func, o[key], key, o), null);
    if (val !== undefined) result.push(val);
  }
  return result;
}

function sift([obj, func]: unknown[]): unknown {
  const result: Record<string, unknown> = Object.create(null);
  const o = obj as Record<string, unknown>;
  for (const key of keysOf(o)) {
    tick();
    if (toBoolean(callFunction(func, hofArgs(func, o[key], key, o), null))) result[key] = o[key];
  }
  return Object.keys(result).length === 0 ? undefined : result;
}

const keysOf = (v: unknown): string[] => (typeof v === 'object' && v !== null ? Object.keys(v) : []);

/** jsonata's stable merge sort; the comparator answers "should b come before a". */
function sort([arr, comparator]: unknown[]): unknown {
  if (arr === undefined) return undefined;
  const a = arr as unknown[];
  if (a.length <= 1) return a;
  let comp: (x: unknown, y: unknown) => boolean;
  if (comparator === undefined) {
    if (!isArrayOfNumbers(a) && !isArrayOfStrings(a)) throw new JsonataError('D3070', undefined, { index: 1 });
    comp = (x, y) => (x as number) > (y as number);
  } else {
    comp = (x, y) => callFunction(comparator, [x, y], null) as boolean;
  }
  const msort = (array: unknown[]): unknown[] => {
    if (array.length <= 1) return array;
    const middle = Math.floor(array.length / 2);
    const left = msort(array.slice(0, middle));
    const right = msort(array.slice(middle));
    const merged: unknown[] = [];
    let l = 0;
    let r = 0;
    while (l < left.length && r < right.length) {
      tick();
      if (comp(left[l], right[r])) merged.push(right[r++]);
      else merged.push(left[l++]);
    }
    while (l < left.length) merged.push(left[l++]);
    while (r < right.length) merged.push(right[r++]);
    return merged;
  };
  return msort(a);
}

function contains([str, token]: unknown[]): unknown {
  if (str === undefined || token === undefined) return undefined;
  return typeof token === 'string' ? (str as string).indexOf(token) !== -1 : containsMatch(str as string, token);
}

function split([str, separator, limit]: unknown[]): unknown {
  if (str === undefined) return undefined;
  if ((limit as number) < 0) throw new JsonataError('D3020', limit, { index: 3 });
  if (limit !== undefined && !((limit as number) > 0)) return [];
  if (typeof separator === 'string') return (str as string).split(separator, limit as number | undefined);
  return splitMatch(str as string, separator, limit as number | undefined);
}

function replace([str, pattern, replacement, limit]: unknown[]): unknown {
  if (str === undefined) return undefined;
  if (pattern === '') throw new JsonataError('D3010', pattern, { index: 2 });
  if ((limit as number) < 0) throw new JsonataError('D3011', limit, { index: 4 });
  if (typeof replacement !== 'string') throw new NotCovered('$replace with a function replacement');
  const s = str as string;
  if (!(limit === undefined || (limit as number) > 0)) return s;
  if (typeof pattern !== 'string') return replaceMatch(s, pattern, replacement, limit as number | undefined);
  const p = pattern;
  let result = '';
  let position = 0;
  let count = 0;
  let index = s.indexOf(p, position);
  while (index !== -1 && (limit === undefined || count < (limit as number))) {
    result += s.substring(position, index) + replacement;
    position = index + p.length;
    count++;
    index = s.indexOf(p, position);
  }
  return result + s.substring(position);
}

export const HOF_IMPLEMENTATIONS: Record<string, (args: unknown[]) => unknown> = {
  map,
  filter,
  single,
  reduce,
  each,
  sift,
  sort,
  contains,
  split,
  replace,
  match,
};
