import { defineSimulator, startSimulator, type RunningSimulator } from '../../../simulator-kit/define-simulator.ts';
import { DEFAULT_ANTHROPIC_ADMIN_KEY, DEFAULT_ANTHROPIC_FIXTURES, SEED_CLOCK, defaultAnthropicSeed } from './default-seed.ts';
import { mountEnterpriseRoutes } from './enterprise-routes.ts';
import { anthropicErrorBody, faultMessage } from './errors.ts';
import { mountOrgRoutes } from './org-routes.ts';
import { ANTHROPIC_ADMIN_RATE_LIMIT, AnthropicRateLimits, type AnthropicRateLimitConfig } from './rate-limits.ts';
import { mountReportRoutes } from './report-routes.ts';
import type { AnthropicRouteDeps } from './route-kit.ts';
import { parseAnthropicSeed, type AnthropicSeed, type AnthropicSeedInput } from './seed-schema.ts';
import { AnthropicState } from './state.ts';

/** Switches for behaviour tests want to pin down. */
export interface AnthropicSwitches {
  /** Default 300 requests per minute per admin key; `false` never refuses. */
  rateLimit?: false | AnthropicRateLimitConfig;
  /**
   * "Now" in epoch ms for defaults and freshness checks (default: the real clock). Never earlier
   * than the seed's clock, so the seeded days are always available.
   */
  now?: () => number;
}

export interface AnthropicSimulatorOptions extends AnthropicSwitches {
  port?: number;
  host?: string;
  /** Default defaultAnthropicSeed(). Validated; an invalid seed rejects the start. */
  seed?: AnthropicSeed | AnthropicSeedInput;
  logRequests?: boolean;
  /** Default true; false is the kit's switch (headers stay, nothing is refused). */
  rateLimits?: boolean;
}

/** `baseUrl` is the origin: Anthropic's paths start with `/v1`, like api.anthropic.com's. */
export type AnthropicSimulator = RunningSimulator<AnthropicState, AnthropicSeed | AnthropicSeedInput>;

function banner(seed: AnthropicSeed): string[] {
  const keys = seed.admin_keys.filter((k) => !k.revoked).map((k) => `  ${k.key}  (${k.name})`);
  const days = new Set(seed.usage.map((r) => r.at.slice(0, 10)));
  return [
    `  organization ${seed.organization.name} (${seed.organization.type}, ${seed.organization.id})`,
    `  ${seed.users.length} members, ${seed.invites.filter((i) => i.status === 'pending').length} pending invites, ${seed.workspaces.length} workspaces`,
    `  ${seed.usage.length} usage records on ${days.size} days up to ${seed.clock}`,
    'admin keys (x-api-key or Authorization: Bearer; send anthropic-version):',
    ...keys,
  ];
}

/** The Anthropic Admin API simulator. See README.md in this folder. */
export const simulator = defineSimulator<AnthropicSeed, AnthropicState, AnthropicSwitches>({
  name: 'anthropic',
  title: 'Anthropic Admin API simulator',
  requestIdHeader: 'request-id',
  errorBody: (c, status, message) => anthropicErrorBody(c.get('requestId'), status, message),
  faultMessage,
  seed: { parse: parseAnthropicSeed, default: defaultAnthropicSeed },
  create(seed, options, kit) {
    const state = new AnthropicState(seed);
    const rateLimits = new AnthropicRateLimits(!kit.rateLimits ? false : (options.rateLimit ?? ANTHROPIC_ADMIN_RATE_LIMIT));
    const clock = options.now ?? Date.now;
    const deps: AnthropicRouteDeps = { state, rateLimits, behaviour: { now: () => Math.max(clock(), state.clockMs) } };
    return {
      state,
      mount(app) {
        mountOrgRoutes(app, deps);
        mountReportRoutes(app, deps);
        mountEnterpriseRoutes(app, deps);
      },
      load(next) {
        state.load(next);
        rateLimits.reset();
      },
      snapshot: () => state.snapshot(),
    };
  },
  sandbox: {
    context: { admin_key: DEFAULT_ANTHROPIC_ADMIN_KEY },
    exampleUserId: DEFAULT_ANTHROPIC_FIXTURES.monthlyLimit.id,
    // The seed's last week: end_date is exclusive, so it names the clock's day.
    exampleUsageQuery: { start_date: '2026-11-21', end_date: SEED_CLOCK.slice(0, 10) },
  },
  cli: {
    defaultPort: 4030,
    usage: ['(no switches of its own: --seed loads any seed; see src/providers/anthropic/simulator/README.md)'],
    banner,
  },
});

/** Starts the simulator on loopback (tests; the sandbox goes through the kit). */
export function startAnthropicSimulator(opts: AnthropicSimulatorOptions = {}): Promise<AnthropicSimulator> {
  const { port, host, seed, logRequests, rateLimits, ...options } = opts;
  return startSimulator(simulator, { port, host, seed, logRequests, rateLimits, options }) as Promise<AnthropicSimulator>;
}
