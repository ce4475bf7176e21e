import jsonata from 'jsonata';
import { EXPRESSION_FUNCTIONS } from '../functions.ts';
import { HOF_IMPLEMENTATIONS } from './hof.ts';
import { currentRun, Env, NotCovered } from './runtime.ts';
import { Callable, createSequence, isFunction, isSequence, toBoolean, toJsonataString, type Seq } from './values.ts';

/**
 * The function environment of compiled expressions: jsonata's own built-ins (its implementations
 * and its signature validation, taken from jsonata itself so the results cannot drift), the
 * higher-order and string-pattern functions re-implemented synchronously (hof.ts: jsonata's are
 * async), and Tessera's function set from functions.ts. A handful of hot functions get a direct
 * path for their common call shape; any other shape goes through jsonata's validation.
 */
interface Definition {
  _jsonata_function: true;
  implementation: (...args: unknown[]) => unknown;
  signature?: { validate(args: unknown[], context: unknown): unknown[] };
}

/** jsonata's synchronous built-ins, reused as they are. */
const SYNC_BUILTINS = [
  'sum',
  'count',
  'max',
  'min',
  'average',
  'string',
  'substring',
  'substringBefore',
  'substringAfter',
  'lowercase',
  'uppercase',
  'length',
  'trim',
  'pad',
  'join',
  'formatNumber',
  'formatBase',
  'formatInteger',
  'parseInteger',
  'number',
  'floor',
  'ceil',
  'round',
  'abs',
  'sqrt',
  'power',
  'random',
  'boolean',
  'not',
  'zip',
  'keys',
  'lookup',
  'append',
  'exists',
  'spread',
  'merge',
  'reverse',
  'error',
  'assert',
  'type',
  'shuffle',
  'distinct',
  'base64encode',
  'base64decode',
  'encodeUrlComponent',
  'encodeUrl',
  'decodeUrlComponent',
  'decodeUrl',
  'toMillis',
  'fromMillis',
  'clone',
] as const;
/** Built-ins whose jsonata implementation is async: only their signature is taken from jsonata. */
const ASYNC_BUILTINS = Object.keys(HOF_IMPLEMENTATIONS);

const definitions = new Map<string, Definition>();
let root: Env | undefined;

/** Resolves once jsonata's built-in definitions are read (jsonata hands them out only through an async evaluation). */
export const builtinsReady: Promise<void> = (async () => {
  for (const name of [...SYNC_BUILTINS, ...ASYNC_BUILTINS, 'now', 'millis']) {
    definitions.set(name, (await jsonata(`$${name}`).evaluate({})) as Definition);
  }
  root = buildRoot();
})();

export function builtinsLoaded(): boolean {
  return root !== undefined;
}

/** The scope above every compiled evaluation: built-ins, then Tessera's functions (jsonata's order, so bindings shadow both). */
export function rootEnv(): Env {
  if (!root) throw new NotCovered('built-ins not loaded yet');
  return root;
}

const focus = { createSequence: (...items: unknown[]) => createSequence(...items), input: undefined as unknown, environment: undefined, options: undefined };

const TYPEOF: Record<string, string> = { s: 'string', n: 'number', b: 'boolean' };

/**
 * The argument types of a signature made only of strings, numbers and booleans (`<s-nn?:s>`), or
 * undefined. When every argument is given and has its declared type, jsonata's validation hands
 * the arguments through unchanged (no context inserted, nothing wrapped), so the call can skip it.
 */
function simpleSignature(definition: string | undefined): { types: string[]; required: number } | undefined {
  if (!definition) return undefined;
  const end = definition.indexOf(':');
  const body = definition.slice(1, end === -1 ? definition.length - 1 : end);
  const types: string[] = [];
  let required = 0;
  for (const ch of body) {
    if (TYPEOF[ch]) {
      types.push(TYPEOF[ch]);
      required++;
    } else if (ch === '?' && types.length) required--;
    else if (ch !== '-') return undefined;
  }
  return { types, required };
}

const isStr = (v: unknown) => typeof v === 'string';
const isNum = (v: unknown) => typeof v === 'number';
const isPattern = (v: unknown) => typeof v === 'string' || typeof v === 'function';
const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v) && !isFunction(v);
const arrayOf = (test: (v: unknown) => boolean) => (v: unknown) => Array.isArray(v) && v.every(test);

/**
 * Argument shapes that jsonata's validation of these signatures passes through unchanged (each
 * argument present and of the declared type, arrays already arrays of the declared items): such
 * calls skip the validation. Position by position; a shorter list is fine down to `required`.
 */
const PASS_THROUGH: Record<string, { required: number; tests: ((v: unknown) => boolean)[] }> = {
  contains: { required: 2, tests: [isStr, isPattern] },
  split: { required: 2, tests: [isStr, isPattern, isNum] },
  replace: { required: 3, tests: [isStr, isPattern, isStr, isNum] },
  match: { required: 2, tests: [isStr, (v) => typeof v === 'function', isNum] },
  join: { required: 1, tests: [arrayOf(isStr), isStr] },
  lookup: { required: 2, tests: [(v) => isObj(v) || Array.isArray(v), isStr] },
  merge: { required: 1, tests: [arrayOf(isObj)] },
  sum: { required: 1, tests: [arrayOf(isNum)] },
  max: { required: 1, tests: [arrayOf(isNum)] },
  min: { required: 1, tests: [arrayOf(isNum)] },
  average: { required: 1, tests: [arrayOf(isNum)] },
  number: { required: 1, tests: [(v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'] },
  keys: { required: 1, tests: [isObj] },
};

export function passesThrough(name: string, args: unknown[]): boolean {
  const shape = PASS_THROUGH[name];
  if (!shape || args.length < shape.required || args.length > shape.tests.length) return false;
  for (let i = 0; i < args.length; i++) if (!shape.tests[i](args[i])) return false;
  return true;
}

function viaJsonata(name: string, def: Definition): Callable {
  const impl = def.implementation;
  const simple = simpleSignature((def.signature as { definition?: string } | undefined)?.definition);
  return new Callable(
    (args, input) => {
      let direct = simple !== undefined && args.length >= simple.required && args.length <= simple.types.length;
      for (let i = 0; direct && i < args.length; i++) direct = typeof args[i] === simple!.types[i];
      const validated = direct || !def.signature || passesThrough(name, args) ? args : def.signature.validate(args, input);
      focus.input = input;
      const result = impl.apply(focus, validated);
      if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function')
        throw new NotCovered(`$${name} returned a promise`);
      return result;
    },
    impl.length,
    name,
  );
}

/** Direct paths for the common call shapes of hot functions; anything else falls through to `slow`. */
function fast(name: string, slow: Callable): Callable {
  const s = slow.invoke;
  const direct: Record<string, (args: unknown[], input: unknown) => unknown> = {
    exists: (a, i) => (a.length === 1 ? a[0] !== undefined : s(a, i)),
    not: (a, i) => (a.length === 1 && a[0] !== undefined ? !toBoolean(a[0]) : s(a, i)),
    boolean: (a, i) => (a.length === 1 ? toBoolean(a[0]) : s(a, i)),
    string: (a, i) => {
      // `$string()` takes the context when it is a string or a number; one plain argument is stringified directly.
      if (a.length === 0 && (typeof i === 'string' || typeof i === 'number')) return toJsonataString(i);
      if (a.length === 1 && (typeof a[0] === 'string' || a[0] === undefined)) return a[0];
      if (a.length === 1 && !isSequence(a[0]) && typeof a[0] !== 'function') return toJsonataString(a[0]);
      return s(a, i);
    },
    lowercase: (a, i) => (a.length === 1 && typeof a[0] === 'string' ? a[0].toLowerCase() : s(a, i)),
    uppercase: (a, i) => (a.length === 1 && typeof a[0] === 'string' ? a[0].toUpperCase() : s(a, i)),
    count: (a, i) => (a.length === 1 && Array.isArray(a[0]) ? (a[0] as Seq).length : s(a, i)),
    type: (a, i) => {
      if (a.length !== 1) return s(a, i);
      const v = a[0];
      if (typeof v === 'string' || typeof v === 'boolean') return typeof v;
      if (v === null) return 'null';
      if (typeof v === 'number' && Number.isFinite(v)) return 'number';
      return s(a, i);
    },
  };
  const d = direct[name];
  return d ? new Callable(d, slow.arity, name) : slow;
}

function buildRoot(): Env {
  const builtins = Object.create(null) as Record<string, unknown>;
  for (const name of SYNC_BUILTINS) builtins[name] = fast(name, viaJsonata(name, definitions.get(name)!));
  for (const [name, impl] of Object.entries(HOF_IMPLEMENTATIONS)) {
    const def = definitions.get(name)!;
    builtins[name] = new Callable(
      (args, input) => impl(def.signature && !passesThrough(name, args) ? def.signature.validate(args, input) : args),
      def.implementation.length,
      name,
    );
  }
  // jsonata binds $now and $millis per expression, beside the registered functions: one timestamp per evaluation.
  const scope = Object.create(null) as Record<string, unknown>;
  const fromMillis = definitions.get('fromMillis')!.implementation;
  const now = definitions.get('now')!;
  scope.now = new Callable(
    (args, input) => {
      const [picture, timezone] = now.signature ? now.signature.validate(args, input) : args;
      return fromMillis.call(focus, currentRun().timestamp, picture, timezone);
    },
    2,
    'now',
  );
  scope.millis = new Callable(
    (args, input) => {
      if (args.length) definitions.get('millis')!.signature?.validate(args, input);
      return currentRun().timestamp;
    },
    0,
    'millis',
  );
  for (const [name, [fn]] of Object.entries(EXPRESSION_FUNCTIONS)) {
    scope[name] = new Callable(
      (args) => {
        const result = fn(...args);
        if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function')
          throw new NotCovered(`$${name} returned a promise`);
        return result;
      },
      fn.length,
      name,
    );
  }
  return new Env(new Env(undefined, builtins), scope);
}
