import { listen } from '../shared/listen.ts';
import type { ActiveFault, FaultSpec } from '../shared/fault-injector.ts';
import type { RecordedRequest } from '../shared/request-log.ts';
import { createSimulatorApp } from '../shared/simulator-app.ts';
import { defaultNeonSeed } from './default-seed.ts';
import { faultMessage, neonErrorBody } from './errors.ts';
import { mountOrganizationRoutes } from './organization-routes.ts';
import { NEON_RATE_LIMITS, NeonRateLimits, type NeonRateLimitConfig } from './rate-limits.ts';
import type { NeonRouteDeps } from './route-kit.ts';
import { API_PREFIX } from './route-kit.ts';
import { parseNeonSeed, type NeonSeed, type NeonSeedInput } from './seed-schema.ts';
import { NeonState } from './state.ts';
import { mountUserRoutes } from './user-routes.ts';

export interface NeonSimulatorOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default defaultNeonSeed(). Validated; an invalid seed rejects startNeonSimulator. */
  seed?: NeonSeed | NeonSeedInput;
  /** `/users/me` returns the recorded 2024 body shape, spec violations included (neon-api.md §3.1). */
  realisticUserMe?: boolean;
  /** `/users/me/organizations` with an org key: the 2.7.3 owning org (default) or the older 403 (§2.3). */
  orgKeyUsersMeOrganizations?: '2.7.3' | 'legacy-403';
  /** Default Neon's limits (700/min per account, 40/s per route); `false` disables limiting. */
  rateLimit?: false | NeonRateLimitConfig;
  /** One line per request on stderr. */
  logRequests?: boolean;
}

export interface NeonSimulator {
  /** e.g. `http://127.0.0.1:43123` */
  origin: string;
  /** origin + `/api/v2` */
  baseUrl: string;
  /** Live in-memory state; the same object across reset and re-seed. */
  state: NeonState;
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
  loadSeed(seed: NeonSeed | NeonSeedInput): void;
}

export async function startNeonSimulator(opts: NeonSimulatorOptions = {}): Promise<NeonSimulator> {
  // Validate once up front so a bad seed fails here, not on the first request.
  const initialSeed = parseNeonSeed(opts.seed ?? defaultNeonSeed());
  const state = new NeonState(initialSeed, { validated: true });
  const rateLimits = new NeonRateLimits(opts.rateLimit === undefined ? NEON_RATE_LIMITS : opts.rateLimit);
  const deps: NeonRouteDeps = {
    state,
    rateLimits,
    behaviour: {
      realisticUserMe: opts.realisticUserMe ?? false,
      orgKeyUsersMeOrganizations: opts.orgKeyUsersMeOrganizations ?? '2.7.3',
    },
  };

  const reset = () => {
    state.loadValidated(initialSeed);
    rateLimits.reset();
  };
  const loadSeed = (input: unknown) => {
    state.load(input as NeonSeedInput);
    rateLimits.reset();
  };

  const sim = createSimulatorApp({
    requestIdHeader: 'x-neon-ret-request-id',
    errorBody: (c, _status, message) => neonErrorBody(c, message),
    faultMessage,
    hooks: { reset, loadSeed, currentSeed: () => state.snapshot() },
    mount: (app) => {
      mountUserRoutes(app, deps);
      mountOrganizationRoutes(app, deps);
    },
    logRequests: opts.logRequests,
    logLabel: 'neon-sim',
  });

  const server = await listen(sim.fetch, { host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  return {
    origin: server.origin,
    baseUrl: `${server.origin}${API_PREFIX}`,
    state,
    close: () => server.close(),
    injectFault: (fault) => sim.faults.add(fault),
    clearFaults: () => sim.faults.clear(),
    requests: () => sim.log.list(),
    clearRequests: () => sim.log.clear(),
    reset: () => {
      reset();
      sim.faults.clear();
      sim.log.clear();
    },
    loadSeed,
  };
}
