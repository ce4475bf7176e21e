import jsonata from 'jsonata';
import { builtinsLoaded, rootEnv } from './builtins.ts';
import { compileNode, type Ast, type Node } from './compile.ts';
import { Env, NotCovered, runWith } from './runtime.ts';
import type { Seq } from './values.ts';

export { NotCovered } from './runtime.ts';
export { builtinsReady } from './builtins.ts';

/**
 * The JSONata → closure compiler's entry (docs/decisions.md, "Compiled JSONata"): shipped
 * expressions are compiled once from their AST into plain closures that run synchronously, with
 * jsonata's semantics; what the compiler does not cover throws NotCovered, and the caller keeps
 * the interpreter for that whole expression.
 */
export interface CompiledExpression {
  /**
   * Evaluates over `input`, every top-level field also bound as a `$variable` (as runExpression
   * does), checking `deadline` (epoch ms) in every loop; `onOverrun` makes the error thrown then.
   * Throws NotCovered when a value at run time needs what the compiler leaves out (a regex
   * matcher, say): rerun the expression with the interpreter.
   */
  run(input: Record<string, unknown>, deadline: number, onOverrun: () => Error): unknown;
  /** The same over a scope built once (`scope`), for many records: see evaluateRecords. */
  runIn(scope: Env, input: Record<string, unknown>, deadline: number, onOverrun: () => Error): unknown;
}

/** The switch: TESSERA_JSONATA_COMPILER=off keeps every expression on the interpreter. */
let enabled = process.env.TESSERA_JSONATA_COMPILER !== 'off';

export function setCompilerEnabled(on: boolean): void {
  enabled = on;
}

export function compilerEnabled(): boolean {
  return enabled;
}

/** Compiles a parsed AST; throws NotCovered. Call after `builtinsReady` resolves (else NotCovered). */
export function compileAst(ast: Ast): CompiledExpression {
  if (!builtinsLoaded()) throw new NotCovered('built-ins not loaded yet');
  if (ast.errors) throw new NotCovered('an expression with syntax errors');
  const root = compileNode(ast);
  return {
    run: (input, deadline, onOverrun) => runNode(root, bindingScope(input), input, deadline, onOverrun),
    runIn: (scope, input, deadline, onOverrun) => runNode(root, scope, input, deadline, onOverrun),
  };
}

export function compileSource(source: string): CompiledExpression {
  return compileAst(jsonata(source).ast() as Ast);
}

/** The bindings jsonata gets from runExpression: every input field as a `$variable` (read in place), and `$$` the input. */
export function bindingScope(input: Record<string, unknown>, parent: Env = rootEnv()): Env {
  return new Env(parent, input, { value: input });
}

function runNode(root: Node, env: Env, input: unknown, deadline: number, onOverrun: () => Error): unknown {
  const result = runWith(root, input, env, deadline, onOverrun);
  return Array.isArray(result) && (result as Seq).sequence ? Array.from(result) : result;
}
