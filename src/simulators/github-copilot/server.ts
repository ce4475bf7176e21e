import { listen } from '../shared/listen.ts';
import type { ActiveFault, FaultSpec } from '../shared/fault-injector.ts';
import type { RecordedRequest } from '../shared/request-log.ts';
import { createSimulatorApp } from '../shared/simulator-app.ts';
import { mountApiRoutes } from './api-routes.ts';
import { defaultGithubCopilotSeed } from './default-seed.ts';
import { DOCS, faultMessage, githubErrorBody } from './errors.ts';
import { GITHUB_RATE_LIMITS, GithubRateLimits, type GithubRateLimitConfig } from './rate-limits.ts';
import type { GithubBehaviour, GithubRouteDeps } from './route-kit.ts';
import { parseGithubCopilotSeed, type GithubCopilotSeed, type GithubCopilotSeedInput } from './seed-schema.ts';
import { GithubCopilotState } from './state.ts';

export interface GithubCopilotSimulatorOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default defaultGithubCopilotSeed(). Validated; an invalid seed rejects the start. */
  seed?: GithubCopilotSeed | GithubCopilotSeedInput;
  /** Default GitHub's primary limit (5,000 per hour per user); `false` keeps the headers but never refuses. */
  rateLimit?: false | GithubRateLimitConfig;
  /** Default `organization-id`, as GitHub does: Link URLs use `/organizations/{id}/…`. */
  linkPathStyle?: GithubBehaviour['linkPathStyle'];
  /** Default `clamp` (GitHub serves per_page > 100 as 100); `reject` answers 422. */
  perPageAboveMax?: GithubBehaviour['perPageAboveMax'];
  /** Status of a primary rate-limit refusal; default 403, GitHub's usual answer. */
  rateLimitStatus?: GithubBehaviour['rateLimitStatus'];
  /** One line per request on stderr. */
  logRequests?: boolean;
}

export interface GithubCopilotSimulator {
  /** e.g. `http://127.0.0.1:43123` */
  origin: string;
  /** The API root, as an integration's base_url: the origin itself (GitHub has no path prefix). */
  baseUrl: string;
  /** Live in-memory state; the same object across reset and re-seed. */
  state: GithubCopilotState;
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
  loadSeed(seed: GithubCopilotSeed | GithubCopilotSeedInput): void;
}

/** Starts the GitHub Copilot REST simulator on loopback. See README.md in this folder. */
export async function startGithubCopilotSimulator(opts: GithubCopilotSimulatorOptions = {}): Promise<GithubCopilotSimulator> {
  // Validate once up front so a bad seed fails here, not on the first request.
  const initialSeed = parseGithubCopilotSeed(structuredClone(opts.seed ?? defaultGithubCopilotSeed()));
  const state = new GithubCopilotState(initialSeed);
  const rateLimits = new GithubRateLimits(opts.rateLimit === undefined ? GITHUB_RATE_LIMITS : opts.rateLimit);
  const deps: GithubRouteDeps = {
    state,
    rateLimits,
    behaviour: {
      linkPathStyle: opts.linkPathStyle ?? 'organization-id',
      perPageAboveMax: opts.perPageAboveMax ?? 'clamp',
      rateLimitStatus: opts.rateLimitStatus ?? 403,
    },
  };

  const reset = () => {
    state.load(initialSeed);
    rateLimits.reset();
  };
  const loadSeed = (input: unknown) => {
    state.load(parseGithubCopilotSeed(input));
    rateLimits.reset();
  };

  const sim = createSimulatorApp({
    requestIdHeader: 'x-github-request-id',
    errorBody: (_c, status, message) => githubErrorBody(status, message, DOCS.root),
    faultMessage,
    hooks: { reset, loadSeed, currentSeed: () => state.snapshot() },
    mount: (app) => mountApiRoutes(app, deps),
    logRequests: opts.logRequests,
    logLabel: 'github-copilot-sim',
  });

  const server = await listen(sim.fetch, { host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 });
  return {
    origin: server.origin,
    baseUrl: server.origin,
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
