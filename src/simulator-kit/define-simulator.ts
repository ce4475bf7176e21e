import type { Hono } from 'hono';
import type { ParseArgsConfig } from 'node:util';
import type { ActiveFault, FaultSpec } from './fault-injector.ts';
import { listen } from './listen.ts';
import type { RecordedRequest } from './request-log.ts';
import { createSimulatorApp, type SimContext, type SimEnv } from './simulator-app.ts';

/**
 * A provider simulator, declared once: what is particular to the provider (its seed, state,
 * routes, error bodies, command-line switches, the sandbox credentials its seed accepts). The
 * kit owns the rest: the HTTP app, listening, fault injection, the request log, the `/__sim`
 * hooks, and the `npm run simulator -- <name>` command. A provider's folder exports one of these
 * from `simulator/index.ts` as `simulator`; the sandbox and the test stack find it there.
 */
export interface SimulatorDefinition<Seed, State, Options extends object = Record<string, never>> {
  /** The provider's folder name, as `sandbox.simulator` in its integration.yaml names it. */
  name: string;
  /** Shown in the command's banner, e.g. "Neon API simulator". */
  title: string;
  /** Path of the API root below the origin (`/api/v2` for Neon); empty when the API sits at the root. */
  apiPrefix?: string;
  /** Response header carrying a fresh uuid on every response, e.g. `x-neon-ret-request-id`. */
  requestIdHeader: string;
  /** The provider's error body for errors the kit makes itself (faults, unknown routes, crashes). */
  errorBody(c: SimContext, status: number, message: string): unknown;
  /** Message of an injected fault that brings no body of its own. */
  faultMessage(status: number): string;
  seed: {
    /** Validates a seed; throws InvalidSeedError naming the offending path. */
    parse(input: unknown): Seed;
    /** The deterministic seed the sandbox and most tests use. */
    default(): Seed;
  };
  /**
   * Builds the live state and the provider's routes for one running instance. `kit.rateLimits`
   * false turns the provider's simulated rate limits off (test suites and the bench outrun them).
   */
  create(seed: Seed, options: Partial<Options>, kit: { rateLimits: boolean }): SimulatorInstance<State, Seed>;
  /** What `npm run sandbox` connects an ordinary integrated account with. */
  sandbox: SandboxSpec;
  /** Switches of `npm run simulator -- <name>` beyond the kit's own (`--port`, `--host`, `--seed`, `--quiet`). */
  cli?: SimulatorCli<Seed, Options>;
}

export interface SimulatorInstance<State, Seed> {
  /** Live in-memory state; the same object across reset and re-seed. */
  state: State;
  mount(app: Hono<SimEnv>): void;
  /** Replaces the state with a validated seed and clears per-run counters (rate limits). */
  load(seed: Seed): void;
  /** The current state, in seed format. */
  snapshot(): unknown;
}

export interface SandboxSpec {
  /** The integrated-account context the default seed accepts. */
  context: Record<string, unknown>;
  /** An id in the default seed, for the printed example request. */
  exampleUserId?: string;
  /** Query parameters that make the printed usage example meaningful (e.g. a date window). */
  exampleUsageQuery?: Record<string, string>;
}

export interface SimulatorCli<Seed, Options> {
  /** Default listen port of the command (each provider has its own, so several can run at once). */
  defaultPort: number;
  /** Extra parseArgs options. */
  options?: ParseArgsConfig['options'];
  /** Extra usage text, one line per switch. */
  usage?: string[];
  /** Turns the parsed switches into start options; may return a seed (e.g. a generated one). */
  toOptions?(values: Record<string, string | boolean | undefined>): { seed?: Seed; options?: Partial<Options> };
  /** Banner lines after the URL: credentials and what the seed holds. */
  banner?(seed: Seed): string[];
}

export interface StartOptions<Seed, Options> {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default the definition's default seed. Validated; an invalid seed rejects the start. */
  seed?: Seed | unknown;
  /** One line per request on stderr. */
  logRequests?: boolean;
  /** Default true; false keeps the provider's rate-limit headers but never refuses. */
  rateLimits?: boolean;
  /** Provider switches. */
  options?: Partial<Options>;
}

export interface RunningSimulator<State = unknown, Seed = unknown> {
  name: string;
  /** e.g. `http://127.0.0.1:43123` */
  origin: string;
  /** The API root, as an integration's base_url. */
  baseUrl: string;
  state: State;
  close(): Promise<void>;
  /** Programmatic `POST /__sim/faults`. */
  injectFault(fault: FaultSpec): ActiveFault;
  /** Programmatic `DELETE /__sim/faults`. */
  clearFaults(): void;
  /** Programmatic `GET /__sim/requests`. */
  requests(): RecordedRequest[];
  /** Programmatic `DELETE /__sim/requests`. */
  clearRequests(): void;
  /** Programmatic `POST /__sim/reset`: the starting seed again, no faults, empty log, fresh rate limits. */
  reset(): void;
  /** Programmatic `POST /__sim/seed`: throws InvalidSeedError on a bad seed. */
  loadSeed(seed: Seed | unknown): void;
}

export type AnySimulatorDefinition = SimulatorDefinition<any, any, any>;

/** Identity with types: a provider's `simulator/index.ts` exports `simulator = defineSimulator({...})`. */
export function defineSimulator<Seed, State, Options extends object = Record<string, never>>(
  definition: SimulatorDefinition<Seed, State, Options>,
): SimulatorDefinition<Seed, State, Options> {
  return definition;
}

/** Starts a simulator on loopback and resolves once it accepts connections. */
export async function startSimulator<Seed, State, Options extends object>(
  definition: SimulatorDefinition<Seed, State, Options>,
  opts: StartOptions<Seed, Options> = {},
): Promise<RunningSimulator<State, Seed>> {
  // Validate once up front so a bad seed fails here, not on the first request.
  const initialSeed = definition.seed.parse(structuredClone(opts.seed ?? definition.seed.default()));
  const instance = definition.create(initialSeed, opts.options ?? {}, { rateLimits: opts.rateLimits ?? true });
  const reset = () => instance.load(initialSeed);
  const loadSeed = (input: unknown) => instance.load(definition.seed.parse(input));

  const app = createSimulatorApp({
    requestIdHeader: definition.requestIdHeader,
    errorBody: definition.errorBody,
    faultMessage: definition.faultMessage,
    hooks: { reset, loadSeed, currentSeed: () => instance.snapshot() },
    mount: (hono) => instance.mount(hono),
    logRequests: opts.logRequests,
    logLabel: `${definition.name}-sim`,
  });

  const server = await listen(app.fetch, { host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  return {
    name: definition.name,
    origin: server.origin,
    baseUrl: `${server.origin}${definition.apiPrefix ?? ''}`,
    state: instance.state,
    close: () => server.close(),
    injectFault: (fault) => app.faults.add(fault),
    clearFaults: () => app.faults.clear(),
    requests: () => app.log.list(),
    clearRequests: () => app.log.clear(),
    reset: () => {
      reset();
      app.faults.clear();
      app.log.clear();
    },
    loadSeed,
  };
}
