import { callFunction } from './hof.ts';
import { compileGroup, compileArray } from './constructors.ts';
import { comparison, concat, equality, includes, negate, numeric, range } from './operators.ts';
import { compilePath } from './path.ts';
import { regexMatcher } from './regex.ts';
import { childEnv, NotCovered, tick, type Env } from './runtime.ts';
import {
  Callable,
  boolize,
  createSequence,
  isArrayOfNumbers,
  isFunction,
  isNumeric,
  isSequence,
  JsonataError,
  lookupName,
  toBoolean,
  type Seq,
} from './values.ts';

/**
 * A jsonata AST (jsonata(source).ast()) → a tree of plain closures `(input, env) => value`, each
 * doing what jsonata's evaluate() does for its node, synchronously. Built from the AST objects
 * only: no source text is ever turned into code. A node the compiler does not know throws
 * NotCovered, and the whole expression stays with the interpreter.
 */
export type { Ast, Node } from './ast.ts';
import type { Ast, Node } from './ast.ts';

/** Flags that put a node in jsonata's tuple-stream machinery (`@`, `#`, `%`, order-by): left to the interpreter. */
const TUPLE_FLAGS = ['tuple', 'focus', 'index', 'ancestor', 'seekingParent'];

export function compileNode(expr: Ast): Node {
  for (const flag of TUPLE_FLAGS) if (expr[flag] !== undefined) throw new NotCovered(`'${flag}' in a ${expr.type}`);
  let node = compileBare(expr);
  if (expr.predicate) {
    for (const p of expr.predicate as Ast[]) {
      if (p.type !== 'filter') throw new NotCovered(`a ${p.type} predicate`);
      const inner = node;
      const f = compileFilter(p.expr);
      node = (input, env) => f(inner(input, env), env);
    }
  }
  if (expr.type !== 'path' && expr.group) {
    const inner = node;
    const g = compileGroup(expr.group, compileNode);
    node = (input, env) => g(inner(input, env), env);
  }
  const forwards = NEVER_SEQUENCE.has(expr.type) || expr.type === 'unary' || (expr.type === 'binary' && expr.value !== '..');
  return forwards && !expr.predicate && !expr.group && !expr.keepArray ? node : normalized(node, expr.keepArray === true);
}

/**
 * Nodes whose value is never a sequence, or is a child's value already normalised (conditions,
 * blocks, bindings): normalising them again would change nothing, so they skip the wrapper.
 * Constructors, unary minus and binary operators other than `..` make fresh non-sequences.
 */
const NEVER_SEQUENCE = new Set(['string', 'number', 'value', 'condition', 'block', 'bind', 'lambda', 'regex']);

/** What jsonata's evaluate() does with every result: an empty sequence is nothing, a singleton its item (unless kept). */
function normalized(node: Node, keepArray: boolean): Node {
  return (input, env) => {
    const result = node(input, env) as Seq;
    if (Array.isArray(result) && (result as Seq).sequence === true) {
      if (keepArray) result.keepSingleton = true;
      if (result.length === 0) return undefined;
      if (result.length === 1) return result.keepSingleton ? result : result[0];
    }
    return result;
  };
}

function compileBare(expr: Ast): Node {
  switch (expr.type) {
    case 'path':
      return compilePath(expr, compileNode, compileFilter);
    case 'string':
    case 'number':
    case 'value': {
      const v = expr.value;
      return () => v;
    }
    case 'name': {
      const name = expr.value as string;
      return (input) => lookupName(input, name);
    }
    case 'variable':
      return compileVariable(expr.value);
    case 'binary':
      return compileBinary(expr);
    case 'unary':
      if (expr.value === '-') {
        const e = compileNode(expr.expression);
        return (input, env) => {
          try {
            return negate(e(input, env));
          } catch (err) {
            throw at(err, expr);
          }
        };
      }
      if (expr.value === '[') return compileArray(expr, compileNode);
      if (expr.value === '{') return compileGroup(expr, compileNode);
      throw new NotCovered(`unary ${expr.value}`);
    case 'condition': {
      const c = compileNode(expr.condition);
      const t = compileNode(expr.then);
      const e = expr.else === undefined ? undefined : compileNode(expr.else);
      return (input, env) => (toBoolean(c(input, env)) ? t(input, env) : e ? e(input, env) : undefined);
    }
    case 'block': {
      const parts = (expr.expressions as Ast[]).map(compileNode);
      return (input, env) => {
        const frame = childEnv(env);
        let result: unknown;
        for (const p of parts) result = p(input, frame);
        return result;
      };
    }
    case 'bind': {
      const name = expr.lhs.value as string;
      const rhs = compileNode(expr.rhs);
      return (input, env) => env.bind(name, rhs(input, env));
    }
    case 'function':
      return compileCall(expr);
    case 'apply':
      return compileApply(expr);
    case 'lambda':
      return compileLambda(expr);
    case 'wildcard':
      return wildcard;
    case 'descendant':
      return descendants;
    case 'regex': {
      const re = expr.value as RegExp;
      return () => regexMatcher(re, expr.position);
    }
    default:
      throw new NotCovered(`a ${expr.type} expression`);
  }
}

/** jsonata built-ins the compiler has no synchronous version of ($eval parses text at run time). */
const UNCOVERED_FUNCTIONS = new Set(['eval']);

function compileVariable(name: string): Node {
  if (UNCOVERED_FUNCTIONS.has(name)) throw new NotCovered(`$${name}`);
  if (name === '') return (input) => (input && (input as Seq).outerWrapper ? (input as Seq)[0] : input);
  return (_input, env) => env.lookup(name);
}

/** Errors from operators carry the operator's position and token, as jsonata's evaluateBinary sets them. */
function at(err: unknown, expr: Ast): unknown {
  if (err instanceof JsonataError) {
    err.position = expr.position;
    err.token = expr.value;
  }
  return err;
}

function compileBinary(expr: Ast): Node {
  const op = expr.value as string;
  const l = compileNode(expr.lhs);
  const r = compileNode(expr.rhs);
  const guard =
    (f: (a: unknown, b: unknown) => unknown): Node =>
    (input, env) => {
      const a = l(input, env);
      const b = r(input, env);
      try {
        return f(a, b);
      } catch (err) {
        throw at(err, expr);
      }
    };
  switch (op) {
    case 'and':
      return (input, env) => boolize(l(input, env)) && boolize(r(input, env));
    case 'or':
      return (input, env) => boolize(l(input, env)) || boolize(r(input, env));
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      return guard((a, b) => numeric(a, b, op));
    case '=':
    case '!=':
      return guard((a, b) => equality(a, b, op));
    case '<':
    case '<=':
    case '>':
    case '>=':
      return guard((a, b) => comparison(a, b, op));
    case '&':
      return guard(concat);
    case '..':
      return guard(range);
    case 'in':
      return guard(includes);
    default:
      throw new NotCovered(`the ${op} operator`);
  }
}

/** `[expr]` on a value: jsonata's evaluateFilter (an index, indexes, or a predicate per item). */
export function compileFilter(predicate: Ast): (input: unknown, env: Env) => unknown {
  if (predicate.type === 'number') {
    const raw = Math.floor(predicate.value as number);
    return (input) => {
      const list = Array.isArray(input) ? input : createSequence(input);
      const item = list[raw < 0 ? list.length + raw : raw];
      if (item === undefined) return createSequence();
      return Array.isArray(item) ? item : createSequence(item);
    };
  }
  const p = compileNode(predicate);
  return (input, env) => {
    const results = createSequence();
    const list = Array.isArray(input) ? input : createSequence(input);
    for (let index = 0; index < list.length; index++) {
      tick();
      const item = list[index];
      let res = p(item, env);
      if (isNumeric(res)) res = [res];
      if (isArrayOfNumbers(res)) {
        for (const ires of res as number[]) {
          let ii = Math.floor(ires);
          if (ii < 0) ii = list.length + ii;
          if (ii === index) results.push(item);
        }
      } else if (toBoolean(res)) results.push(item);
    }
    return results;
  };
}

function compileCall(expr: Ast, applied?: Node): Node {
  const proc = compileNode(expr.procedure);
  const args = (expr.arguments as Ast[]).map((a) => {
    if (a.type === 'operator' && a.value === '?') throw new NotCovered('partial application');
    return compileNode(a);
  });
  const procName = expr.procedure.type === 'path' ? expr.procedure.steps[0].value : expr.procedure.value;
  const n = args.length;
  return (input, env) => {
    const f = proc(input, env);
    if (f === undefined && expr.procedure.type === 'path' && env.lookup(expr.procedure.steps[0].value)) {
      throw new JsonataError('T1005', undefined, { position: expr.position, token: procName });
    }
    const values: unknown[] = applied ? [applied(input, env)] : [];
    for (let i = 0; i < n; i++) values.push(args[i](input, env));
    try {
      return callFunction(f, values, input);
    } catch (err) {
      if (err instanceof JsonataError) {
        err.position ??= expr.position;
        err.token ??= procName;
      }
      throw err;
    }
  };
}

function compileApply(expr: Ast): Node {
  const lhs = compileNode(expr.lhs);
  if (expr.rhs.type === 'function') return compileCall(expr.rhs, lhs);
  const rhs = compileNode(expr.rhs);
  return (input, env) => {
    const value = lhs(input, env);
    const f = rhs(input, env);
    if (!isFunction(f)) throw new JsonataError('T2006', f, { position: expr.position });
    if (isFunction(value)) throw new NotCovered('function chaining with ~>');
    return callFunction(f, [value], null);
  };
}

function compileLambda(expr: Ast): Node {
  // jsonata wraps a tail call in a thunk its trampoline resolves at once: evaluating the call in place is the same value.
  if (expr.thunk) return compileNode(expr.body);
  const params = (expr.arguments as Ast[]).map((a) => a.value as string);
  const body = compileNode(expr.body);
  const signature = expr.signature as { validate(args: unknown[], context: unknown): unknown[] } | undefined;
  return (input, env) =>
    new Callable((args) => {
      tick();
      const validated = signature ? signature.validate(args, input) : args;
      const frame = childEnv(env);
      for (let i = 0; i < params.length; i++) frame.bind(params[i], validated[i]);
      return body(input, frame);
    }, params.length);
}

function flattenDeep(arg: unknown, into: unknown[]): unknown[] {
  if (Array.isArray(arg)) for (const item of arg) flattenDeep(item, into);
  else into.push(arg);
  return into;
}

const wildcard: Node = (input) => {
  let results: unknown = createSequence();
  let subject = input as Seq;
  if (Array.isArray(subject) && subject.outerWrapper && subject.length > 0) subject = subject[0] as Seq;
  if (subject !== null && typeof subject === 'object' && !isFunction(subject)) {
    for (const key of Object.keys(subject)) {
      const value = (subject as unknown as Record<string, unknown>)[key];
      if (Array.isArray(value)) results = appendFlat(results, flattenDeep(value, []));
      else (results as unknown[]).push(value);
    }
  }
  return results;
};

/** jsonata's fn.append for the wildcard (a concat, which drops the sequence flag as jsonata's does). */
function appendFlat(a: unknown, b: unknown[]): unknown {
  return (a as unknown[]).concat(b);
}

const descendants: Node = (input) => {
  if (input === undefined) return undefined;
  const results = createSequence();
  const recurse = (v: unknown) => {
    if (!Array.isArray(v)) results.push(v);
    if (Array.isArray(v)) for (const m of v) recurse(m);
    else if (v !== null && typeof v === 'object' && !isFunction(v)) for (const k of Object.keys(v)) recurse((v as Record<string, unknown>)[k]);
  };
  recurse(input);
  return results.length === 1 ? results[0] : results;
};

export { isSequence };
