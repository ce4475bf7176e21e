import { parseNonNegativeInt } from '../../../simulator-kit/cli-args.ts';
import { defineSimulator, startSimulator, type RunningSimulator } from '../../../simulator-kit/define-simulator.ts';
import { buildCursorSeed, DEFAULT_CURSOR_API_KEY, DEFAULT_CURSOR_FIXTURES, DEFAULT_CURSOR_TEAM, defaultCursorSeed } from './default-seed.ts';
import { cursorErrorBody, faultMessage } from './errors.ts';
import { CURSOR_ADMIN_RATE_LIMIT, CursorRateLimits, type CursorRateLimitConfig } from './rate-limits.ts';
import { mountRoutes } from './routes.ts';
import { parseCursorSeed, type CursorSeed, type CursorSeedInput } from './seed-schema.ts';
import { CursorState } from './state.ts';

/** Switches for behaviour tests want to pin down. */
export interface CursorSwitches {
  /** Default 20 requests per minute per team (§6.1); `false` never refuses. */
  rateLimit?: false | CursorRateLimitConfig;
  /** "Now" in epoch ms (default: the real clock), never earlier than the end of the seed's clock day. */
  now?: () => number;
}

export interface CursorSimulatorOptions extends CursorSwitches {
  port?: number;
  host?: string;
  /** Default defaultCursorSeed(). Validated; an invalid seed rejects the start. */
  seed?: CursorSeed | CursorSeedInput;
  logRequests?: boolean;
  /** Default true; false is the kit's switch (nothing is refused for rate). */
  rateLimits?: boolean;
}

/** `baseUrl` is the origin: Cursor's paths start with `/teams`, as on api.cursor.com. */
export type CursorSimulator = RunningSimulator<CursorState, CursorSeed | CursorSeedInput>;

function banner(seed: CursorSeed): string[] {
  const keys = seed.api_keys.filter((k) => !k.revoked).map((k) => `  ${k.key}  (${k.name})`);
  const removed = seed.members.filter((m) => m.removed !== null).length;
  return [
    `  team ${seed.team.name} (${seed.team.id}), billing cycle since ${seed.team.cycle_start}`,
    `  ${seed.members.length} members (${removed} removed), ${seed.events.length} usage events, ${seed.activity.length} active member-days up to ${seed.clock}`,
    'Admin API keys (HTTP Basic: the key as username, empty password):',
    ...keys,
  ];
}

/** The Cursor Admin API simulator. See README.md in this folder. */
export const simulator = defineSimulator<CursorSeed, CursorState, CursorSwitches>({
  name: 'cursor',
  title: 'Cursor Admin API simulator',
  // Cursor documents no request-id header; the simulator tags responses so logs can be matched.
  requestIdHeader: 'x-request-id',
  errorBody: (_c, status, message) => cursorErrorBody(status, message),
  faultMessage,
  seed: { parse: parseCursorSeed, default: defaultCursorSeed },
  create(seed, options, kit) {
    const state = new CursorState(seed);
    const rateLimits = new CursorRateLimits(!kit.rateLimits ? false : (options.rateLimit ?? CURSOR_ADMIN_RATE_LIMIT));
    const clock = options.now ?? Date.now;
    return {
      state,
      mount: (app) => mountRoutes(app, { state, rateLimits, now: () => Math.max(clock(), state.clockEndMs) }),
      load(next) {
        state.load(next);
        rateLimits.reset();
      },
      snapshot: () => state.snapshot(),
    };
  },
  sandbox: {
    context: { api_key: DEFAULT_CURSOR_API_KEY, team_name: DEFAULT_CURSOR_TEAM.name, team_id: String(DEFAULT_CURSOR_TEAM.id) },
    exampleUserId: String(DEFAULT_CURSOR_FIXTURES.owner),
    // The seed's last week; end_date is exclusive.
    exampleUsageQuery: { start_date: '2026-11-21', end_date: '2026-11-28' },
  },
  cli: {
    defaultPort: 4050,
    options: {
      'random-seed': { type: 'string' },
      'rate-limit': { type: 'string' },
    },
    usage: [
      '--random-seed n   the sandbox team with activity drawn from another PRNG seed',
      '--rate-limit n    requests per minute per team (default 20, as Cursor documents)',
    ],
    toOptions(values) {
      const randomSeed = parseNonNegativeInt('random-seed', values['random-seed'] as string | undefined);
      const perMinute = parseNonNegativeInt('rate-limit', values['rate-limit'] as string | undefined);
      return {
        seed: randomSeed === undefined ? undefined : buildCursorSeed(randomSeed),
        options: perMinute === undefined ? {} : { rateLimit: { limit: perMinute, windowMs: 60_000 } },
      };
    },
    banner,
  },
});

/** Starts the simulator on loopback (tests; the sandbox goes through the kit). */
export function startCursorSimulator(opts: CursorSimulatorOptions = {}): Promise<CursorSimulator> {
  const { port, host, seed, logRequests, rateLimits, ...options } = opts;
  return startSimulator(simulator, { port, host, seed, logRequests, rateLimits, options }) as Promise<CursorSimulator>;
}
