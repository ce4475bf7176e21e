import { defineSimulator, startSimulator, type RunningSimulator } from '../../../simulator-kit/define-simulator.ts';
import { parseNonNegativeInt } from '../../../simulator-kit/cli-args.ts';
import { DEFAULT_NEON_KEYS, DEFAULT_NEON_ORG_ID, defaultNeonSeed } from './default-seed.ts';
import { faultMessage, neonErrorBody } from './errors.ts';
import { generateNeonSeed } from './generate-seed.ts';
import { mountOrganizationRoutes } from './organization-routes.ts';
import { NEON_RATE_LIMITS, NeonRateLimits, type NeonRateLimitConfig } from './rate-limits.ts';
import { API_PREFIX, type NeonRouteDeps } from './route-kit.ts';
import { parseNeonSeed, type NeonSeed, type NeonSeedInput } from './seed-schema.ts';
import { NeonState } from './state.ts';
import { mountUserRoutes } from './user-routes.ts';
import { mountConsumptionRoutes } from './consumption-routes.ts';

/** Neon's switches for documented-but-varying behaviour. */
export interface NeonSwitches {
  /** `/users/me` returns the recorded 2024 body shape, spec violations included (docs/providers/neon.md §3.1). */
  realisticUserMe?: boolean;
  /** `/users/me/organizations` with an org key: the 2.7.3 owning org (default) or the older 403 (§2.3). */
  orgKeyUsersMeOrganizations?: '2.7.3' | 'legacy-403';
  /** Default Neon's limits (700/min per account, 40/s per route, 30/min to consumption routes); `false` disables limiting. */
  rateLimit?: false | NeonRateLimitConfig;
}

export interface NeonSimulatorOptions extends NeonSwitches {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default defaultNeonSeed(). Validated; an invalid seed rejects startNeonSimulator. */
  seed?: NeonSeed | NeonSeedInput;
  /** One line per request on stderr. */
  logRequests?: boolean;
}

export type NeonSimulator = RunningSimulator<NeonState, NeonSeed | NeonSeedInput>;

/** The first live key of each kind, so the banner works for any seed, not just the default. */
function keysToPrint(seed: NeonSeed): string[] {
  const lines: string[] = ['keys:'];
  for (const kind of ['user', 'org', 'project'] as const) {
    const key = seed.keys.find((k) => k.kind === kind && !k.revoked);
    if (!key) continue;
    const label = { user: 'personal', org: 'org     ', project: 'project ' }[kind];
    const scope = kind === 'user' ? `user ${key.user_id}` : kind === 'org' ? `org ${key.org_id}` : `project ${key.project_id} in ${key.org_id}`;
    lines.push(`  ${label}  ${key.token}  (${scope})`);
  }
  const days = seed.consumption.map((c) => c.date).sort();
  if (days.length) lines.push(`consumption: ${seed.projects.length} projects, ${days[0]} to ${days.at(-1)} (GET /consumption_history/v2/projects)`);
  return lines;
}

/** The Neon API v2 simulator. See README.md in this folder. */
export const simulator = defineSimulator<NeonSeed, NeonState, NeonSwitches>({
  name: 'neon',
  title: 'Neon API simulator',
  apiPrefix: API_PREFIX,
  requestIdHeader: 'x-neon-ret-request-id',
  errorBody: (c, _status, message) => neonErrorBody(c, message),
  faultMessage,
  seed: { parse: parseNeonSeed, default: defaultNeonSeed },
  create(seed, options, kit) {
    const state = new NeonState(seed, { validated: true });
    const rateLimits = new NeonRateLimits(!kit.rateLimits ? false : options.rateLimit === undefined ? NEON_RATE_LIMITS : options.rateLimit);
    const deps: NeonRouteDeps = {
      state,
      rateLimits,
      behaviour: {
        realisticUserMe: options.realisticUserMe ?? false,
        orgKeyUsersMeOrganizations: options.orgKeyUsersMeOrganizations ?? '2.7.3',
      },
    };
    return {
      state,
      mount(app) {
        mountUserRoutes(app, deps);
        mountOrganizationRoutes(app, deps);
        mountConsumptionRoutes(app, deps);
      },
      load(next) {
        state.loadValidated(next);
        rateLimits.reset();
      },
      snapshot: () => state.snapshot(),
    };
  },
  // The org admin's personal key, so writes (invite, remove) are allowed; it sees two orgs, so the org is named.
  // The usage example names the last 30 seeded days: the seed's clock is fixed, the caller's is not.
  sandbox: {
    context: { api_key: DEFAULT_NEON_KEYS.personal, org_id: DEFAULT_NEON_ORG_ID },
    exampleUserId: 'd57833f2-d308-4ede-9d2e-468d9d013d1b',
    exampleUsageQuery: { start_date: '2026-10-29', end_date: '2026-11-28' },
  },
  cli: {
    defaultPort: 4010,
    options: {
      members: { type: 'string' },
      'random-seed': { type: 'string' },
      realistic: { type: 'boolean', default: false },
      'legacy-org-key': { type: 'boolean', default: false },
    },
    usage: [
      '--members n [--random-seed n]   a generated one-org seed with n members',
      '--realistic                     /users/me returns the recorded 2024 body shape',
      '--legacy-org-key                /users/me/organizations with an org key returns the older 403',
    ],
    toOptions(values) {
      const members = parseNonNegativeInt('members', values.members as string | undefined);
      return {
        seed:
          members === undefined
            ? undefined
            : generateNeonSeed({ members, seed: parseNonNegativeInt('random-seed', values['random-seed'] as string | undefined) ?? 1 }),
        options: { realisticUserMe: values.realistic === true, orgKeyUsersMeOrganizations: values['legacy-org-key'] ? 'legacy-403' : '2.7.3' },
      };
    },
    banner: keysToPrint,
  },
});

/** Starts the Neon simulator on loopback (tests and the bench call this; the sandbox goes through the kit). */
export function startNeonSimulator(opts: NeonSimulatorOptions = {}): Promise<NeonSimulator> {
  const { port, host, seed, logRequests, ...options } = opts;
  return startSimulator(simulator, { port, host, seed, logRequests, options }) as Promise<NeonSimulator>;
}
