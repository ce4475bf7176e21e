import type jsonata from 'jsonata';
import { LRUCache } from 'lru-cache';
import { errors, TesseraError } from '../../errors/catalogue.ts';
import { ExpressionBudget } from './budget.ts';
import { compileAst, compilerEnabled, NotCovered, bindingScope, builtinsReady, type CompiledExpression } from './compiler/index.ts';
import type { Env } from './compiler/runtime.ts';
import { ExpressionError, parseExpression, prepareExpression, runExpression } from './core.ts';
import { isUntrusted } from './provenance.ts';
import { DEFAULT_SANDBOX_LIMITS, SandboxBusy, SandboxPool, type SandboxLimits, type SandboxOutcome } from './sandbox.ts';
import type { RecordEntry } from './sandbox-protocol.ts';

export { ExpressionError } from './core.ts';
export { ExpressionBudget, requestBudget } from './budget.ts';

/**
 * JSONata evaluation for mappings and definitions, routed by where the expression came from
 * (provenance.ts):
 *
 * - shipped definitions and mappings (reviewed code) run in process, compiled once into a bounded
 *   cache, with a time box checked between evaluation steps: the fast path;
 * - override expressions run in the sandbox (sandbox.ts): child processes with a heap limit, a
 *   time box that holds inside one native call, a result-size limit, and a budget for the whole
 *   request (budget.ts). Exceeding a limit is the override author's to fix: a 422
 *   (TESSERA_EXPRESSION_LIMIT_EXCEEDED) naming the expression, while the server serves on.
 */
const TIMEOUT_MS = 1000;
/** Compiled shipped expressions. Bounded although shipped sources are few: nothing here grows with what clients send. */
const COMPILED_CACHE_SIZE = 2000;
/** The largest JSON an override expression may hand back (characters): a page of mapped records, not a memory bomb. */
const MAX_RESULT_CHARS = 8 * 1024 * 1024;

/**
 * A shipped expression, prepared once: the interpreter's expression, and the closures the
 * compiler made of it (compiler/, docs/decisions.md "Compiled JSONata"), or null where the
 * compiler does not cover it. The interpreter stays: it runs what the compiler refuses, and
 * reruns an expression whose compiled run failed, so errors read exactly as they always have.
 */
export interface ShippedExpression {
  interpreter: jsonata.Expression;
  compiled: CompiledExpression | null;
}

const compiled = new LRUCache<string, ShippedExpression>({ max: COMPILED_CACHE_SIZE });
let builtinsLoaded = false;
void builtinsReady.then(() => (builtinsLoaded = true));
let sandboxLimits: SandboxLimits = DEFAULT_SANDBOX_LIMITS;
let pool: SandboxPool | undefined;

export interface EvaluateOptions {
  /** Names the expression in errors, e.g. "<integration> usage-metering/users get response_mapping". */
  label: string;
  /**
   * The time box, default 1 s. An expression over a whole page (array mappings) gets a box that
   * grows with the page: the box stops runaway expressions, not honest work on large inputs.
   * Override expressions never get more than what is left of their request's budget.
   */
  timeoutMs?: number;
  /** The request's budget for override expressions (`requestBudget(exec)`); without one, the call gets a budget of its own. */
  budget?: ExpressionBudget;
}

/** A shipped expression, compiled once. Override sources are never compiled here (they run in the sandbox). */
export function compileExpression(source: string): ShippedExpression {
  let expr = compiled.get(source);
  if (!expr) {
    const interpreter = prepareExpression(source);
    expr = { interpreter, compiled: tryCompile(interpreter) };
    // Compiled before jsonata's built-ins were read (the first call of all): not cached, so the next call compiles it.
    if (builtinsLoaded) compiled.set(source, expr);
  }
  return expr;
}

function tryCompile(expr: jsonata.Expression): CompiledExpression | null {
  if (!builtinsLoaded) return null;
  try {
    return compileAst(expr.ast() as unknown as Record<string, unknown>);
  } catch (e) {
    if (e instanceof NotCovered) return null;
    throw e;
  }
}

/** Whether the compiler covers `source` (false for what it refuses). For coverage reports. */
export function isCompiled(source: string): boolean {
  return compileExpression(source).compiled !== null;
}

/** Waits for what the compiler needs at its first use (jsonata's built-ins, read asynchronously). */
export async function expressionsReady(): Promise<void> {
  await builtinsReady;
  builtinsLoaded = true;
}

/** Throws ExpressionError if `source` is not valid JSONata. Parses only: refused requests leave no trace in any cache. */
export function checkExpression(source: string): void {
  parseExpression(source);
}

/** How many compiled expressions the in-process cache holds (bounded by COMPILED_CACHE_SIZE). */
export function compiledExpressionCount(): number {
  return compiled.size;
}

/** The sandbox's limits; the pool starts again with them on its next use. For tests and the composition root. */
export async function configureSandbox(limits: Partial<SandboxLimits>): Promise<void> {
  sandboxLimits = { ...DEFAULT_SANDBOX_LIMITS, ...limits };
  await closeSandbox();
}

export async function closeSandbox(): Promise<void> {
  const current = pool;
  pool = undefined;
  await current?.close();
}

export function sandboxPool(): SandboxPool {
  return (pool ??= new SandboxPool(sandboxLimits));
}

/** Sees every shipped evaluation's source, scope and label: bench/mapping-compiler.ts records real inputs with it. */
export type EvaluationRecorder = (source: string, input: Record<string, unknown>, label: string) => void;
let recorder: EvaluationRecorder | undefined;

export function recordEvaluations(next: EvaluationRecorder | undefined): void {
  recorder = next;
}

export async function evaluate(source: string, input: Record<string, unknown>, options: EvaluateOptions): Promise<any> {
  if (typeof source === 'string' && isUntrusted(source)) return evaluateUntrusted(source, input, options);
  const budget = Math.max(TIMEOUT_MS, options.timeoutMs ?? 0);
  if (!builtinsLoaded) await expressionsReady();
  recorder?.(source, input, options.label);
  try {
    const expr = compileExpression(source);
    const deadline = Date.now() + budget;
    const overrun = `took longer than its time box (${budget} ms)`;
    if (expr.compiled && compilerEnabled()) {
      const outcome = runCompiled(expr.compiled, input, deadline, overrun);
      if (outcome !== RERUN) return outcome;
    }
    return await runExpression(expr.interpreter, input, deadline, overrun);
  } catch (e) {
    if (e instanceof TesseraError) throw e;
    throw errors.mappingFailed(`Mapping ${options.label} failed: ${describe(e as { message?: string; position?: number })}`);
  }
}

/** A compiled run that must be repeated by the interpreter. */
const RERUN: unique symbol = Symbol('rerun');

/**
 * One compiled evaluation. Overrunning its time box ends it; any other failure (an error in the
 * expression's logic, a value the compiler leaves to the interpreter) reruns the whole expression
 * in the interpreter within the same deadline, which then fails with jsonata's own message, or
 * answers where the compiler could not.
 */
function runCompiled(expr: CompiledExpression, input: Record<string, unknown>, deadline: number, overrun: string, scope?: Env): unknown {
  try {
    return scope ? expr.runIn(scope, input, deadline, () => overrunError(overrun)) : expr.run(input, deadline, () => overrunError(overrun));
  } catch (e) {
    if (e instanceof ExpressionError && e.limit) throw e;
    reruns++;
    return RERUN;
  }
}

let reruns = 0;

/** How many compiled evaluations the interpreter had to run again (errors, values left to it): tests check the compiled lane really ran. */
export function compiledReruns(): number {
  return reruns;
}

function overrunError(message: string): ExpressionError {
  return new ExpressionError(message, undefined, undefined, true);
}

/** A record the filter dropped, in evaluateRecords' results. */
export const FILTERED_OUT: unique symbol = Symbol('filtered out');

export interface RecordsEvaluation {
  /** Per record: a falsy result drops the record. */
  filter?: string;
  mapping: string;
  /** The scope every record shares; each record is bound under each of `recordKeys`. */
  base: Record<string, unknown>;
  records: unknown[];
  recordKeys: string[];
  filterLabel: string;
  mappingLabel: string;
  budget?: ExpressionBudget;
}

/**
 * `filter` then `mapping` over each record, in order: in process for shipped expressions, and
 * as one sandbox job per page when either comes from an override, so a page costs one round trip
 * and the request's budget bounds the whole page, not just each record.
 */
export async function evaluateRecords(p: RecordsEvaluation): Promise<unknown[]> {
  const scopeOf = (record: unknown) => {
    const scope: Record<string, unknown> = { ...p.base };
    for (const key of p.recordKeys) scope[key] = record;
    return scope;
  };
  if (!isUntrusted(p.mapping) && !(p.filter && isUntrusted(p.filter))) {
    const fast = await compiledRecords(p);
    if (fast) return fast;
    const out: unknown[] = [];
    for (const record of p.records) {
      const scope = scopeOf(record);
      if (p.filter && !(await evaluate(p.filter, scope, { label: p.filterLabel }))) out.push(FILTERED_OUT);
      else out.push(await evaluate(p.mapping, scope, { label: p.mappingLabel }));
    }
    return out;
  }
  if (!p.records.length) return [];
  const { filter, mapping, base, records, recordKeys } = p;
  const outcome = await runInSandbox(
    { kind: 'records', filter, mapping, base, records, recordKeys },
    TIMEOUT_MS,
    records.length * (filter ? 2 : 1),
    p.budget,
    (stage) => (stage === 'filter' ? p.filterLabel : p.mappingLabel),
  );
  const entries = (outcome === undefined ? [] : outcome) as RecordEntry[];
  return entries.map((e) => (e[0] === 0 ? FILTERED_OUT : e[0] === 1 ? undefined : e[1]));
}

/**
 * evaluateRecords for compiled shipped expressions: one synchronous loop, no promise per record,
 * each record's bindings read in place from its scope (bindingScope copies nothing). A record
 * whose compiled run fails is evaluated again through evaluate(), which ends in the interpreter
 * and its errors. Undefined when either expression is not compiled (or the compiler is off).
 */
async function compiledRecords(p: RecordsEvaluation): Promise<unknown[] | undefined> {
  if (!builtinsLoaded) await expressionsReady();
  let filter: ShippedExpression | undefined;
  let mapping: ShippedExpression;
  try {
    filter = p.filter ? compileExpression(p.filter) : undefined;
    mapping = compileExpression(p.mapping);
  } catch {
    return undefined; // an invalid source: the general path reports it per record, as it always has
  }
  if (!compilerEnabled() || !mapping.compiled || (filter && !filter.compiled)) return undefined;
  const overrun = `took longer than its time box (${TIMEOUT_MS} ms)`;
  const template: Record<string, unknown> = Object.assign({}, p.base);
  for (const key of p.recordKeys) template[key] = undefined;
  const out: unknown[] = [];
  for (const record of p.records) {
    let stage = p.filterLabel;
    // A copy of a template that already has every key: a plain spread of the base plus new keys
    // takes V8's slow path (several µs a record); the same keys in the same order as scopeOf.
    const input: Record<string, unknown> = { ...template };
    for (const key of p.recordKeys) input[key] = record;
    const scope = bindingScope(input);
    if (recorder) {
      if (filter) recorder(p.filter!, input, p.filterLabel);
      recorder(p.mapping, input, p.mappingLabel);
    }
    try {
      if (filter) {
        let kept = runCompiled(filter.compiled!, input, Date.now() + TIMEOUT_MS, overrun, scope);
        if (kept === RERUN) kept = await evaluate(p.filter!, input, { label: p.filterLabel });
        if (!kept) {
          out.push(FILTERED_OUT);
          continue;
        }
      }
      stage = p.mappingLabel;
      const mapped = runCompiled(mapping.compiled, input, Date.now() + TIMEOUT_MS, overrun, scope);
      out.push(mapped === RERUN ? await evaluate(p.mapping, input, { label: p.mappingLabel }) : mapped);
    } catch (e) {
      if (e instanceof TesseraError) throw e;
      throw errors.mappingFailed(`Mapping ${stage} failed: ${describe(e as { message?: string })}`);
    }
  }
  return out;
}

async function evaluateUntrusted(source: string, input: Record<string, unknown>, options: EvaluateOptions): Promise<unknown> {
  const box = Math.max(TIMEOUT_MS, options.timeoutMs ?? 0);
  return runInSandbox({ kind: 'one', source, input }, box, 1, options.budget, () => options.label);
}

type JobBody =
  { kind: 'one'; source: string; input: Record<string, unknown> } | (Omit<RecordsEvaluation, 'filterLabel' | 'mappingLabel' | 'budget'> & { kind: 'records' });

/** Runs one job in the sandbox within the request's budget, and turns what went wrong into the envelope's error. */
async function runInSandbox(
  body: JobBody,
  boxMs: number,
  evaluations: number,
  budget: ExpressionBudget = new ExpressionBudget(),
  labelOf: (stage?: 'filter' | 'mapping') => string,
): Promise<unknown> {
  const remaining = budget.remainingMs;
  if (remaining <= 0) throw limitExceeded(labelOf(), `used up the request's budget for override expressions (${budget.totalMs} ms)`);
  const box = Math.min(boxMs, remaining);
  let outcome: SandboxOutcome;
  try {
    outcome = await sandboxPool().run(
      { ...body, boxMs: box, budgetMs: remaining, totalBudgetMs: budget.totalMs, maxResultChars: MAX_RESULT_CHARS },
      Math.min(box * evaluations, remaining) + sandboxLimits.graceMs,
      remaining,
    );
  } catch (e) {
    if (e instanceof SandboxBusy) throw errors.rateLimited(1, `Expression ${labelOf()} (from an override) could not run: ${e.message}`);
    // The process was killed (time), ran out of memory, or could not run the job at all.
    const err = e as ExpressionError;
    if (err.limit) {
      budget.spend(remaining);
      throw limitExceeded(labelOf(), err.message);
    }
    throw errors.internal(`The expression sandbox failed on ${labelOf()}: ${err.message}`, e);
  }
  // A job that hit a limit ends the request: nothing of the budget is left for it. Otherwise the
  // request pays for the wait in the queue as well as the run (the pool is shared by every tenant).
  budget.spend(!outcome.ok && outcome.limit ? remaining : outcome.elapsedMs + outcome.queuedMs);
  if (!outcome.ok) {
    if (outcome.limit) throw limitExceeded(labelOf(outcome.stage), outcome.message);
    throw errors.overrideFailed(`Override expression ${labelOf(outcome.stage)} failed: ${describe(outcome)}`);
  }
  return outcome.json === undefined ? undefined : JSON.parse(outcome.json);
}

function limitExceeded(label: string, reason: string): TesseraError {
  return errors.expressionLimitExceeded(`Expression ${label} (from an override) exceeded its limits: it ${reason}`);
}

function describe(err: { message?: string; position?: number }): string {
  const message = err.message ?? String(err);
  return err.position !== undefined && !message.includes('at position') ? `${message} (at position ${err.position})` : message;
}
