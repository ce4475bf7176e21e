import type { Ast, Node } from './ast.ts';
import { NotCovered, tick, type Env } from './runtime.ts';
import { append, createSequence, JsonataError, type Seq } from './values.ts';

/**
 * Object constructors and grouping (`{ "k": v }`, `a{ key: value }`), as jsonata's
 * evaluateGroupExpression; and array constructors. Keys that are distinct string literals over a
 * single input item take a direct lane: one group per pair, so each value is evaluated once over
 * that item, exactly what the general grouping does in that case.
 */
export function compileGroup(expr: Ast, compileNode: (e: Ast) => Node): Node {
  const pairs = (expr.lhs as Ast[][]).map(([k, v]) => ({
    key: compileNode(k),
    value: compileNode(v),
    literal: k.type === 'string' && !k.predicate ? (k.value as string) : undefined,
  }));
  const literalKeys = pairs.map((p) => p.literal);
  const direct =
    literalKeys.every((k) => k !== undefined && k !== '_jsonata_lambda' && k !== '_jsonata_function' && k !== '__proto__') &&
    new Set(literalKeys).size === literalKeys.length;
  const general = (input: unknown, env: Env): Record<string, unknown> => {
    const list: unknown[] = Array.isArray(input) ? input : createSequence(input);
    if (list.length === 0) list.push(undefined);
    const groups: Record<string, { data: unknown; index: number }> = Object.create(null);
    for (const item of list) {
      tick();
      for (let index = 0; index < pairs.length; index++) {
        const key = pairs[index].key(item, env);
        if (typeof key !== 'string' && key !== undefined) throw new JsonataError('T1003', key, { position: expr.position });
        if (key === undefined) continue;
        if (key === '_jsonata_lambda' || key === '_jsonata_function') throw new JsonataError('D1013', key, { position: expr.position });
        const existing = groups[key];
        if (existing) {
          if (existing.index !== index) throw new JsonataError('D1009', key, { position: expr.position });
          existing.data = append(existing.data, item);
        } else groups[key] = { data: item, index };
      }
    }
    const result: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(groups)) {
      const { data, index } = groups[key];
      const value = pairs[index].value(data, env);
      if (value !== undefined) result[key] = value;
    }
    return result;
  };
  if (!direct) return general;
  const n = pairs.length;
  return (input, env) => {
    if (Array.isArray(input)) return general(input, env);
    const result: Record<string, unknown> = {};
    for (let i = 0; i < n; i++) {
      const value = pairs[i].value(input, env);
      if (value !== undefined) result[literalKeys[i]!] = value;
    }
    return result;
  };
}

export function compileArray(expr: Ast, compile: (e: Ast) => Node): Node {
  const items = (expr.expressions as Ast[]).map((e) => ({ node: compile(e), nested: e.value === '[' }));
  const cons = expr.consarray === true;
  if (expr.expressions.some((e: Ast) => e.type === 'operator')) throw new NotCovered('an operator in an array');
  return (input, env) => {
    const result: unknown[] = [];
    for (const item of items) {
      const value = item.node(input, env);
      if (value === undefined) continue;
      // What jsonata's append does here, without its copies: `result` is this constructor's own array.
      if (item.nested || !Array.isArray(value)) result.push(value);
      else for (let i = 0; i < value.length; i++) result.push(value[i]);
    }
    if (cons) Object.defineProperty(result, 'cons', { enumerable: false, configurable: false, value: true });
    return result as Seq;
  };
}
