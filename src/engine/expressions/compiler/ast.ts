import type { Env } from './runtime.ts';

/** A jsonata AST node, as jsonata(source).ast() returns it. */
export type Ast = Record<string, any>;
/** What the compiler makes of one: a closure doing that node's work, synchronously. */
export type Node = (input: unknown, env: Env) => unknown;
