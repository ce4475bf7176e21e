import { JsonataError } from './values.ts';

/**
 * Per-evaluation state of a compiled expression. Compiled expressions run synchronously, start to
 * end, so one module-level slot is enough (saved and restored around nested runs); it carries the
 * time box and the timestamp `$now()`/`$millis()` must agree on within one evaluation.
 */
export interface RunState {
  deadline: number;
  onOverrun: () => Error;
  ticks: number;
  timestamp: number;
}

let state: RunState = { deadline: Infinity, onOverrun: () => new Error('time box'), ticks: 0, timestamp: Date.now() };

export function currentRun(): RunState {
  return state;
}

export function withRun<T>(run: RunState, body: () => T): T {
  const saved = state;
  state = run;
  try {
    return body();
  } finally {
    state = saved;
  }
}

/** One evaluation of `node`: the state slot set for its duration (no closure or extra frame per run). */
export function runWith(node: (input: unknown, env: Env) => unknown, input: unknown, env: Env, deadline: number, onOverrun: () => Error): unknown {
  const saved = state;
  state = { deadline, onOverrun, ticks: 0, timestamp: Date.now() };
  try {
    return node(input, env);
  } finally {
    state = saved;
  }
}

/** Every 256 iterations of any loop (path steps, filters, HOFs, calls): reading the clock each time would cost more than the step. */
export function tick(): void {
  if ((++state.ticks & 255) === 0 && Date.now() > state.deadline) throw state.onOverrun();
}

/** The compiler does not cover this construct (at compile time) or this value (at run time): the caller uses the interpreter for the whole expression. */
export class NotCovered extends Error {
  constructor(what: string) {
    super(`not covered by the JSONata compiler: ${what}`);
    this.name = 'NotCovered';
  }
}

/**
 * A variable frame, as jsonata's: its own bindings (`:=`, lambda parameters), else the enclosing
 * frame's. A frame may also read its bindings straight from an object's own fields (the input's
 * top-level fields, the function set), so binding an input costs nothing per record. Explicit
 * frames rather than prototype chains: objects made prototypes per evaluation are slow in V8.
 */
export class Env {
  private vars: Map<string, unknown> | undefined;
  constructor(
    readonly parent: Env | undefined,
    private readonly fields?: Record<string, unknown>,
    /** `$$`: the input, when this frame binds one. */
    private readonly root?: { value: unknown },
  ) {}

  lookup(name: string): unknown {
    return lookupFrom(this, name);
  }

  /** This frame's own binding of `name`, or MISSING. */
  own(name: string): unknown {
    if (this.vars !== undefined && this.vars.has(name)) return this.vars.get(name);
    if (this.root !== undefined && name === '$') return this.root.value;
    if (this.fields !== undefined && Object.prototype.propertyIsEnumerable.call(this.fields, name)) return this.fields[name];
    return MISSING;
  }

  bind(name: string, value: unknown): unknown {
    (this.vars ??= new Map()).set(name, value);
    return value;
  }
}

const MISSING: unique symbol = Symbol('missing');

function lookupFrom(start: Env, name: string): unknown {
  for (let e: Env | undefined = start; e !== undefined; e = e.parent) {
    const value = e.own(name);
    if (value !== MISSING) return value;
  }
  return undefined;
}

export function childEnv(env: Env): Env {
  return new Env(env);
}

/** Errors jsonata's own code throws are plain objects with a `code`; ours are JsonataError. */
export function isJsonataError(e: unknown): e is { code: string; position?: number; token?: string; message?: string } {
  return e instanceof JsonataError || (e !== null && typeof e === 'object' && typeof (e as { code?: unknown }).code === 'string' && !(e instanceof NotCovered));
}
