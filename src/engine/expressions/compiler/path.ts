import type { Ast, Node } from './ast.ts';
import { compileGroup } from './constructors.ts';
import { NotCovered, tick, type Env } from './runtime.ts';
import { Callable, createSequence, isSequence, type Seq } from './values.ts';

/**
 * Path expressions (`a.b[0].c`, `$x.y`, `[a, b].c`, `a.b[]`), as jsonata's evaluatePath and
 * evaluateStep: each step maps over the sequence of the previous one and flattens one level;
 * the last step keeps a lone array it produced as that array. A fast lane walks plain names over
 * single objects (the common `record.member.id`) and hands over to the general loop at the first
 * array, predicate or other kind of step, from that very step: both lanes give the same value.
 */
type Filter = (input: unknown, env: Env) => unknown;

interface Step {
  node: Node;
  stages: Filter[];
  consarray: boolean;
  /** A plain name with no stages: what the fast lane can walk. */
  name?: string;
}

export function compilePath(expr: Ast, compileNode: (e: Ast) => Node, compileFilter: (e: Ast) => Filter): Node {
  const steps: Step[] = (expr.steps as Ast[]).map((s) => {
    if (s.type === 'sort' || s.type === 'parent') throw new NotCovered(`a ${s.type} step`);
    const stages = ((s.stages ?? []) as Ast[]).map((st) => {
      if (st.type !== 'filter') throw new NotCovered(`an ${st.type} stage`);
      return compileFilter(st.expr);
    });
    const plain = s.type === 'name' && !stages.length && !s.keepArray && !s.predicate && !s.group;
    return { node: compileNode(s), stages, consarray: s.consarray === true, name: plain ? (s.value as string) : undefined };
  });
  const firstIsVariable = expr.steps[0].type === 'variable';
  const keepSingletonArray = expr.keepSingletonArray === true;
  const group = expr.group ? compileGroup(expr.group, compileNode) : undefined;
  const last = steps.length - 1;

  /** The general loop from step `from` on (jsonata's evaluatePath body), over what the previous step produced. */
  const general = (inputSequence: unknown[], from: number, env: Env): unknown => {
    let result: unknown[] | undefined = inputSequence;
    for (let i = from; i < steps.length; i++) {
      const step = steps[i];
      result = i === 0 && step.consarray ? (step.node(inputSequence, env) as unknown[]) : evaluateStep(step, inputSequence, env, i === last);
      if (result === undefined || result.length === 0) break;
      inputSequence = result;
    }
    let r = result as Seq;
    if (keepSingletonArray) {
      if (Array.isArray(r) && r.cons && !r.sequence) r = createSequence(r);
      r.keepSingleton = true;
    }
    return group ? group(r, env) : r;
  };

  if (group || keepSingletonArray || steps[0].consarray) {
    return (input, env) => general(Array.isArray(input) && !firstIsVariable ? input : createSequence(input), 0, env);
  }

  /** A step produced an array: what evaluateStep makes of it, then the general loop from the next step. */
  const fromArray = (value: unknown[], i: number, env: Env): unknown => {
    const result = i === last && !isSequence(value) ? value : flattenOne(value);
    return result.length === 0 || i === last ? result : general(result, i + 1, env);
  };

  if (steps.every((st) => st.name !== undefined)) {
    // Only plain names (`record.member.id`): the fast lane with nothing else to decide.
    const names = steps.map((st) => st.name!);
    return (input, env) => {
      if (Array.isArray(input)) return general(input, 0, env);
      let current = input;
      for (let i = 0; i < names.length; i++) {
        if (current === null || typeof current !== 'object' || current instanceof Callable) return undefined;
        const name = names[i];
        let value = (current as Record<string, unknown>)[name];
        if (value === undefined) return undefined;
        if ((typeof value === 'function' || name === '__proto__' || name === 'constructor') && !Object.prototype.hasOwnProperty.call(current, name))
          return undefined;
        if (Array.isArray(value)) {
          value = steps[i].node(current, env);
          if (value === undefined) return undefined;
          if (Array.isArray(value)) return fromArray(value, i, env);
        }
        current = value;
      }
      return current;
    };
  }

  return (input, env) => {
    if (Array.isArray(input) && !firstIsVariable) return general(input, 0, env);
    // Fast lane: one current value, not an array, through plain names.
    let current = input;
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      let value: unknown;
      if (step.name !== undefined) {
        if (current === null || typeof current !== 'object' || current instanceof Callable) return undefined;
        value = (current as Record<string, unknown>)[step.name];
        if (value === undefined) return undefined;
        // Own properties only, as jsonata's lookup: what a plain object inherits is a function
        // (or `__proto__`), so only those pay for the ownership check.
        if (
          (typeof value === 'function' || step.name === '__proto__' || step.name === 'constructor') &&
          !Object.prototype.hasOwnProperty.call(current, step.name)
        )
          return undefined;
        // A sequence stored in an object is normalised by the name step, as jsonata's evaluate() does.
        if (Array.isArray(value)) value = step.node(current, env);
      } else if (i === 0 && !step.stages.length) {
        value = step.node(current, env);
      } else {
        return general(createSequence(current), i, env);
      }
      if (value === undefined) return undefined;
      if (Array.isArray(value)) return fromArray(value, i, env);
      current = value;
    }
    return current;
  };
}

function flattenOne(res: unknown[]): unknown[] {
  const out = createSequence();
  if ((res as Seq).cons) out.push(res);
  else for (const v of res) out.push(v);
  return out;
}

function evaluateStep(step: Step, input: unknown[], env: Env, lastStep: boolean): unknown[] {
  const result: unknown[] = [];
  for (let i = 0; i < input.length; i++) {
    tick();
    let res = step.node(input[i], env);
    for (const stage of step.stages) res = stage(res, env);
    if (res !== undefined) result.push(res);
  }
  if (lastStep && result.length === 1 && Array.isArray(result[0]) && !isSequence(result[0])) return result[0] as unknown[];
  const out = createSequence();
  for (const res of result) {
    if (!Array.isArray(res) || (res as Seq).cons) out.push(res);
    else for (const v of res) out.push(v);
  }
  return out;
}
