import { parseNonNegativeInt } from '../../../simulator-kit/cli-args.ts';
import { defineSimulator, startSimulator, type RunningSimulator } from '../../../simulator-kit/define-simulator.ts';
import { mountBillingRoutes } from './billing-routes.ts';
import {
  DEFAULT_CONFLUENT_API_KEY,
  DEFAULT_CONFLUENT_API_SECRET,
  SEED_CLOCK,
  SEED_LAST_DAY,
  defaultConfluentSeed,
  generateConfluentSeed,
} from './default-seed.ts';
import { centsOf } from './money.ts';
import { confluentErrorBody, faultMessage } from './errors.ts';
import { mountOrgRoutes } from './org-routes.ts';
import { CONFLUENT_RATE_LIMIT, ConfluentRateLimits, type ConfluentRateLimitConfig } from './rate-limits.ts';
import type { ConfluentRouteDeps } from './route-kit.ts';
import { parseConfluentSeed, type ConfluentSeed, type ConfluentSeedInput } from './seed-schema.ts';
import { ConfluentState } from './state.ts';

/** Switches for behaviour tests want to pin down. */
export interface ConfluentSwitches {
  /** Default 120 requests per minute per API key. */
  rateLimit?: ConfluentRateLimitConfig;
  /** "Now" in epoch ms for the one-year look-back (default: the real clock, never before the seed's clock). */
  now?: () => number;
}

export interface ConfluentSimulatorOptions extends ConfluentSwitches {
  port?: number;
  host?: string;
  /** Default defaultConfluentSeed(). Validated; an invalid seed rejects the start. */
  seed?: ConfluentSeed | ConfluentSeedInput;
  logRequests?: boolean;
  /** Default true; false keeps the X-RateLimit-* headers but never refuses. */
  rateLimits?: boolean;
}

/** `baseUrl` is the origin: Confluent's paths start with `/billing/v1` and `/org/v2`, as on api.confluent.cloud. */
export type ConfluentSimulator = RunningSimulator<ConfluentState, ConfluentSeed | ConfluentSeedInput>;

const usd = (micro: number) => {
  const cents = centsOf(micro);
  return `${cents < 0 ? '-' : ''}$${(Math.abs(cents) / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}`;
};

function banner(seed: ConfluentSeed): string[] {
  const state = new ConfluentState(seed);
  const t = state.totals();
  const days = new Set(seed.costs.map((c) => c.date));
  const keys = seed.api_keys.filter((k) => !k.revoked).map((k) => `  ${k.key}:${k.secret}  (${k.role})`);
  return [
    `  organization ${seed.organization.display_name} (${seed.organization.id})`,
    `  ${seed.environments.length} environments, ${seed.resources.length} resources, ${t.rows} cost lines on ${days.size} days before ${seed.clock.slice(0, 10)}`,
    `  original ${usd(t.original_micro)}, credits ${usd(t.credit_micro)}, discounts ${usd(t.discount_micro)}, billed ${usd(t.amount_micro)}`,
    'Cloud API keys (HTTP Basic key:secret):',
    ...keys,
  ];
}

/** The Confluent Cloud (billing/v1, org/v2) simulator. See README.md in this folder. */
export const simulator = defineSimulator<ConfluentSeed, ConfluentState, ConfluentSwitches>({
  name: 'confluent',
  title: 'Confluent Cloud API simulator',
  requestIdHeader: 'x-request-id',
  errorBody: (_c, status, message) => confluentErrorBody(status, message),
  faultMessage,
  seed: { parse: parseConfluentSeed, default: defaultConfluentSeed as () => ConfluentSeed },
  create(seed, options, kit) {
    const state = new ConfluentState(seed);
    const rateLimits = new ConfluentRateLimits(options.rateLimit ?? CONFLUENT_RATE_LIMIT, kit.rateLimits);
    const clock = options.now ?? Date.now;
    const deps: ConfluentRouteDeps = { state, rateLimits, behaviour: { now: () => Math.max(clock(), state.clockMs) } };
    return {
      state,
      mount(app) {
        mountBillingRoutes(app, deps);
        mountOrgRoutes(app, deps);
      },
      load(next) {
        state.load(next);
        rateLimits.reset();
      },
      snapshot: () => state.snapshot(),
    };
  },
  sandbox: {
    context: { api_key: DEFAULT_CONFLUENT_API_KEY, api_secret: DEFAULT_CONFLUENT_API_SECRET },
    // November up to the seed's clock (end_date is exclusive).
    exampleUsageQuery: { start_date: '2026-11-01', end_date: SEED_CLOCK.slice(0, 10) },
  },
  cli: {
    defaultPort: 4050,
    options: { days: { type: 'string' }, 'prng-seed': { type: 'string' } },
    usage: [
      `--days <n>        days of cost lines before the clock (default 90, at most 365; the last is ${SEED_LAST_DAY})`,
      '--prng-seed <n>   another deterministic organization traffic (default 2026)',
    ],
    toOptions(values) {
      const days = parseNonNegativeInt('days', values.days as string | undefined);
      const prngSeed = parseNonNegativeInt('prng-seed', values['prng-seed'] as string | undefined);
      if (days === undefined && prngSeed === undefined) return {};
      return { seed: generateConfluentSeed({ days, prngSeed }) as ConfluentSeed };
    },
    banner,
  },
});

/** Starts the simulator on loopback (tests; the sandbox goes through the kit). */
export function startConfluentSimulator(opts: ConfluentSimulatorOptions = {}): Promise<ConfluentSimulator> {
  const { port, host, seed, logRequests, rateLimits, ...options } = opts;
  return startSimulator(simulator, { port, host, seed, logRequests, rateLimits, options }) as Promise<ConfluentSimulator>;
}
