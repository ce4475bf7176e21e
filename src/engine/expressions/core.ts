import jsonata from 'jsonata';
import { EXPRESSION_FUNCTIONS } from './functions.ts';

/**
 * JSONata as Tessera runs it, shared by the in-process evaluator (evaluate.ts) and the sandbox
 * process (sandbox-process.ts) so both give an expression the same functions, the same
 * `$variables` and the same soft time box.
 */

/**
 * Binding names with a space: no JSONata `$name` can spell them, so an expression can neither
 * read nor rebind its own deadline (`$deadline := 1e20` would otherwise lift the box).
 */
const DEADLINE = 'tessera deadline';
const OVERRUN = 'tessera overrun';

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly position?: number,
    readonly token?: string,
    /** The expression hit a limit (time, budget, memory, result size), not a mistake in its logic. */
    readonly limit = false,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

/** Parses `source` without keeping anything: validation must not fill any cache. */
export function parseExpression(source: string): jsonata.Expression {
  if (typeof source !== 'string') throw new ExpressionError(`must be a JSONata string, not ${source === null ? 'null' : typeof source}`);
  try {
    return jsonata(source);
  } catch (e) {
    const err = e as { message?: string; position?: number; token?: string };
    throw new ExpressionError(`${err.message ?? String(e)}${err.position !== undefined ? ` (at position ${err.position})` : ''}`, err.position, err.token);
  }
}

/** A parsed expression with Tessera's function set and the deadline hook, ready to evaluate (and to cache). */
export function prepareExpression(source: string): jsonata.Expression {
  const expr = parseExpression(source);
  for (const [name, [fn, signature]] of Object.entries(EXPRESSION_FUNCTIONS)) expr.registerFunction(name, fn, signature);
  // jsonata calls this hook on every evaluation step (its own test-suite time-boxes this way); the
  // deadline lives in the per-evaluation frame, so concurrent evaluations do not interfere. It
  // cannot interrupt one native call (a backtracking regex): that is what the sandbox is for.
  let steps = 0;
  (expr as any).assign(Symbol.for('jsonata.__evaluate_entry'), (_e: unknown, _i: unknown, env: { lookup(n: string): unknown }) => {
    if (++steps % 500 !== 0) return;
    const deadline = env.lookup(DEADLINE) as number | undefined;
    if (deadline !== undefined && Date.now() > deadline) throw new ExpressionError(String(env.lookup(OVERRUN)), undefined, undefined, true);
  });
  return expr;
}

/**
 * Evaluates with every top-level input field also bound as a `$variable`, stopping at `deadline`
 * (epoch ms) with `overrun` as the message. JSONata's sequence arrays come back as plain arrays.
 */
export async function runExpression(expr: jsonata.Expression, input: Record<string, unknown>, deadline: number, overrun: string): Promise<unknown> {
  const bindings: Record<string, unknown> = { ...input, [DEADLINE]: deadline, [OVERRUN]: overrun };
  return unwrapSequences(await expr.evaluate(input, bindings));
}

/** JSONata marks result arrays with a `sequence` flag; plain arrays serialise and compare cleanly. */
function unwrapSequences(value: unknown): unknown {
  if (Array.isArray(value) && (value as any).sequence) return Array.from(value);
  return value;
}
