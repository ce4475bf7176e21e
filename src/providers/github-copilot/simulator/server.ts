import { parseNonNegativeInt } from '../../../simulator-kit/cli-args.ts';
import { defineSimulator, startSimulator, type RunningSimulator } from '../../../simulator-kit/define-simulator.ts';
import { mountApiRoutes } from './api-routes.ts';
import { DEFAULT_GITHUB_COPILOT_FIXTURES, DEFAULT_GITHUB_COPILOT_ORG, DEFAULT_GITHUB_COPILOT_TOKEN, defaultGithubCopilotSeed } from './default-seed.ts';
import { DOCS, faultMessage, githubErrorBody } from './errors.ts';
import { generateGithubCopilotSeed } from './generate-seed.ts';
import { GITHUB_RATE_LIMITS, GithubRateLimits, type GithubRateLimitConfig } from './rate-limits.ts';
import type { GithubBehaviour, GithubRouteDeps } from './route-kit.ts';
import { parseGithubCopilotSeed, type GithubCopilotSeed, type GithubCopilotSeedInput } from './seed-schema.ts';
import { GithubCopilotState } from './state.ts';

/** GitHub's switches for behaviour that varies or that tests want to pin down. */
export interface GithubCopilotSwitches {
  /** Default GitHub's primary limit (5,000 per hour per user); `false` keeps the headers but never refuses. */
  rateLimit?: false | GithubRateLimitConfig;
  /** Default `organization-id`, as GitHub does: Link URLs use `/organizations/{id}/…`. */
  linkPathStyle?: GithubBehaviour['linkPathStyle'];
  /** Default `clamp` (GitHub serves per_page > 100 as 100); `reject` answers 422. */
  perPageAboveMax?: GithubBehaviour['perPageAboveMax'];
  /** Status of a primary rate-limit refusal; default 403, GitHub's usual answer. */
  rateLimitStatus?: GithubBehaviour['rateLimitStatus'];
}

export interface GithubCopilotSimulatorOptions extends GithubCopilotSwitches {
  /** Default 0: a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default defaultGithubCopilotSeed(). Validated; an invalid seed rejects the start. */
  seed?: GithubCopilotSeed | GithubCopilotSeedInput;
  /** One line per request on stderr. */
  logRequests?: boolean;
}

/** `baseUrl` is the origin itself: GitHub's API has no path prefix. */
export type GithubCopilotSimulator = RunningSimulator<GithubCopilotState, GithubCopilotSeed | GithubCopilotSeedInput>;

/** Every live token with its user, org roles and scopes, so the banner works for any seed. */
function banner(seed: GithubCopilotSeed): string[] {
  const orgs = seed.orgs.map((o) => {
    const mine = <T extends { org: string }>(list: T[]) => list.filter((x) => x.org.toLowerCase() === o.login.toLowerCase());
    const usage = mine(seed.premium_request_usage);
    const days = usage.map((u) => u.day).sort();
    const billing = usage.length ? `, premium requests ${days[0]}..${days[days.length - 1]} (${usage.length} lines), ${mine(seed.budgets).length} budgets` : '';
    return `  org ${o.login} (id ${o.id}): ${mine(seed.seats).length} seats${billing}`;
  });
  const tokens = seed.tokens
    .filter((t) => !t.revoked)
    .map((t) => {
      const roles = seed.memberships
        .filter((m) => m.user.toLowerCase() === t.user.toLowerCase())
        .map((m) => `${m.role === 'admin' ? 'owner' : 'member'} of ${m.org}`);
      const scopes = t.scopes === null ? 'fine-grained' : `scopes: ${t.scopes.join(', ') || '(none)'}`;
      return `  ${t.token}  (${t.user}; ${roles.join(', ') || 'no org'}; ${scopes})`;
    });
  return [...orgs, 'tokens:', ...tokens];
}

/** The GitHub Copilot REST simulator. See README.md in this folder. */
export const simulator = defineSimulator<GithubCopilotSeed, GithubCopilotState, GithubCopilotSwitches>({
  name: 'github-copilot',
  title: 'GitHub Copilot API simulator',
  requestIdHeader: 'x-github-request-id',
  errorBody: (_c, status, message) => githubErrorBody(status, message, DOCS.root),
  faultMessage,
  seed: { parse: parseGithubCopilotSeed, default: defaultGithubCopilotSeed },
  create(seed, options, kit) {
    const state = new GithubCopilotState(seed);
    const rateLimits = new GithubRateLimits(!kit.rateLimits ? false : options.rateLimit === undefined ? GITHUB_RATE_LIMITS : options.rateLimit);
    const deps: GithubRouteDeps = {
      state,
      rateLimits,
      behaviour: {
        linkPathStyle: options.linkPathStyle ?? 'organization-id',
        perPageAboveMax: options.perPageAboveMax ?? 'clamp',
        rateLimitStatus: options.rateLimitStatus ?? 403,
      },
    };
    return {
      state,
      mount: (app) => mountApiRoutes(app, deps),
      load(next) {
        state.load(next);
        rateLimits.reset();
      },
      snapshot: () => state.snapshot(),
    };
  },
  sandbox: {
    context: { token: DEFAULT_GITHUB_COPILOT_TOKEN, org: DEFAULT_GITHUB_COPILOT_ORG },
    exampleUserId: String(DEFAULT_GITHUB_COPILOT_FIXTURES.owner.id),
    // The last seeded week of premium-request usage (the seed's usage ends on 2026-11-27).
    exampleUsageQuery: { start_date: '2026-11-21', end_date: '2026-11-28' },
  },
  cli: {
    defaultPort: 4020,
    options: {
      seats: { type: 'string' },
      'random-seed': { type: 'string' },
      'link-path': { type: 'string' },
      'reject-per-page': { type: 'boolean', default: false },
      'rate-limit-429': { type: 'boolean', default: false },
    },
    usage: [
      '--seats n [--random-seed n]             a generated one-org seed with n seats',
      '--link-path organization-id|as-requested  the path style of Link URLs (default organization-id, as GitHub)',
      '--reject-per-page                       answer per_page > 100 with 422 instead of serving 100',
      '--rate-limit-429                        refuse over-limit requests with 429 instead of 403',
    ],
    toOptions(values) {
      const linkPath = (values['link-path'] as string | undefined) ?? 'organization-id';
      if (linkPath !== 'organization-id' && linkPath !== 'as-requested')
        throw new Error(`--link-path must be organization-id or as-requested, got "${linkPath}"`);
      const seats = parseNonNegativeInt('seats', values.seats as string | undefined);
      return {
        seed:
          seats === undefined
            ? undefined
            : generateGithubCopilotSeed({ seats, seed: parseNonNegativeInt('random-seed', values['random-seed'] as string | undefined) ?? 1 }),
        options: {
          linkPathStyle: linkPath,
          perPageAboveMax: values['reject-per-page'] ? 'reject' : 'clamp',
          rateLimitStatus: values['rate-limit-429'] ? 429 : 403,
        },
      };
    },
    banner,
  },
});

/** Starts the GitHub Copilot REST simulator on loopback (tests and the bench; the sandbox goes through the kit). */
export function startGithubCopilotSimulator(opts: GithubCopilotSimulatorOptions = {}): Promise<GithubCopilotSimulator> {
  const { port, host, seed, logRequests, ...options } = opts;
  return startSimulator(simulator, { port, host, seed, logRequests, options }) as Promise<GithubCopilotSimulator>;
}
