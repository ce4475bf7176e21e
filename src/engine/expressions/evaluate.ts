import jsonata from 'jsonata';
import { errors, TesseraError } from '../../errors/catalogue.ts';
import { EXPRESSION_FUNCTIONS } from './functions.ts';

/**
 * JSONata evaluation for mappings and definitions: compiled once per expression text, run with
 * Tessera's function set, every top-level input field also bound as a `$variable`, and a time
 * box so a runaway mapping fails with a message instead of hanging a request.
 */
const TIMEOUT_MS = 1000;
const DEADLINE = '__tessera_deadline';
const BUDGET = '__tessera_budget_ms';
const compiled = new Map<string, jsonata.Expression>();

export class ExpressionError extends Error {
  constructor(
    message: string,
    readonly position?: number,
    readonly token?: string,
  ) {
    super(message);
    this.name = 'ExpressionError';
  }
}

export function compileExpression(source: string): jsonata.Expression {
  let expr = compiled.get(source);
  if (expr) return expr;
  try {
    expr = jsonata(source);
  } catch (e) {
    const err = e as { message?: string; position?: number; token?: string };
    throw new ExpressionError(`${err.message ?? String(e)}${err.position !== undefined ? ` (at position ${err.position})` : ''}`, err.position, err.token);
  }
  for (const [name, [fn, signature]] of Object.entries(EXPRESSION_FUNCTIONS)) expr.registerFunction(name, fn, signature);
  // jsonata calls this hook on every evaluation step (its own test-suite time-boxes this way); the
  // deadline lives in the per-evaluation frame, so concurrent evaluations do not interfere.
  let steps = 0;
  (expr as any).assign(Symbol.for('jsonata.__evaluate_entry'), (_e: unknown, _i: unknown, env: { lookup(n: string): unknown }) => {
    if (++steps % 500 !== 0) return;
    const deadline = env.lookup(DEADLINE) as number | undefined;
    if (deadline !== undefined && Date.now() > deadline) throw new ExpressionError(`took longer than its time box (${env.lookup(BUDGET)} ms)`);
  });
  compiled.set(source, expr);
  return expr;
}

/** Throws ExpressionError if `source` is not valid JSONata. */
export function checkExpression(source: string): void {
  compileExpression(source);
}

export interface EvaluateOptions {
  /** Names the expression in errors, e.g. "<integration> usage-metering/users get response_mapping". */
  label: string;
  /**
   * The time box, default 1 s. An expression over a whole page (array mappings) gets a box that
   * grows with the page: the box stops runaway expressions, not honest work on large inputs.
   */
  timeoutMs?: number;
}

export async function evaluate(source: string, input: Record<string, unknown>, options: EvaluateOptions): Promise<any> {
  const expr = compileExpression(source);
  const budget = Math.max(TIMEOUT_MS, options.timeoutMs ?? 0);
  const bindings: Record<string, unknown> = { ...input, [DEADLINE]: Date.now() + budget, [BUDGET]: budget };
  try {
    return unwrapSequences(await expr.evaluate(input, bindings));
  } catch (e) {
    if (e instanceof TesseraError) throw e;
    const err = e as { message?: string; position?: number };
    throw errors.mappingFailed(
      `Mapping ${options.label} failed: ${err.message ?? String(e)}${err.position !== undefined ? ` (at position ${err.position})` : ''}`,
    );
  }
}

/** JSONata marks result arrays with a `sequence` flag; plain arrays serialise and compare cleanly. */
function unwrapSequences(value: unknown): unknown {
  if (Array.isArray(value) && (value as any).sequence) return Array.from(value);
  return value;
}
