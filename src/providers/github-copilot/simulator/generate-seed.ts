import { createPrng, type Prng } from '../../../simulator-kit/prng.ts';
import { rfc3339Seconds } from '../../../simulator-kit/time.ts';
import { DEFAULT_BILLING_TODAY } from './billing-schema.ts';
import { DEFAULT_PREMIUM_REQUEST_PRICE_CENTS, INCLUDED_PREMIUM_REQUESTS } from './billing.ts';
import { orgBilling } from './generate-billing.ts';
import type { GithubCopilotSeed, GithubMembership, GithubSeat, GithubUser } from './seed-schema.ts';

/**
 * Deterministic seat holders for seeds: the same PRNG seed always gives the same users and seats,
 * byte for byte, so generated seeds are as reproducible as hand-written ones. Timestamps are
 * relative to a fixed seed clock (SEED_CLOCK), never to the real time.
 */

/** "Now" for every generated timestamp: 2026-06-15T12:00:00Z. */
export const SEED_CLOCK_MS = Date.UTC(2026, 5, 15, 12, 0, 0);
/** First day of the billing cycle SEED_CLOCK falls in. */
export const SEED_CYCLE_START = '2026-06-01';
/** First day of the next cycle: where a cancelled seat's access ends. */
export const SEED_NEXT_CYCLE_START = '2026-07-01';

const FIRST = [
  'ada',
  'grace',
  'linus',
  'margaret',
  'ken',
  'barbara',
  'dennis',
  'frances',
  'alan',
  'radia',
  'guido',
  'hedy',
  'tim',
  'katherine',
  'john',
  'sophie',
  'yukihiro',
  'anita',
  'bjarne',
  'joan',
];
const LAST = [
  'lovelace',
  'hopper',
  'torvalds',
  'hamilton',
  'thompson',
  'liskov',
  'ritchie',
  'allen',
  'turing',
  'perlman',
  'rossum',
  'lamarr',
  'berners',
  'johnson',
  'backus',
  'wilson',
  'matsumoto',
  'borg',
  'stroustrup',
  'clarke',
];
/** `last_activity_editor` values in GitHub's `<editor>/<version>/<plugin>/<version>` form. */
const EDITORS = [
  'vscode/1.101.2/copilot-chat/0.28.1',
  'vscode/1.100.3/copilot/1.330.0',
  'JetBrains-IU/251.26094.121/copilot-intellij/1.5.48',
  'neovim/0.11.2/copilot.vim/1.52.0',
  'copilot-cli/1.0.3',
  'github.com',
];
const CREATED_FROM_MS = Date.UTC(2024, 1, 1);
const CREATED_TO_MS = Date.UTC(2026, 5, 1);
const DAY_MS = 86_400_000;

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export interface SeatHolderOptions {
  org: string;
  count: number;
  firstUserId: number;
  /** Team slugs that may grant seats; holders assigned through one are added to its member list. */
  teams?: string[];
  emailDomain: string;
  takenLogins?: Set<string>;
}

export interface SeatHolders {
  users: GithubUser[];
  memberships: GithubMembership[];
  seats: GithubSeat[];
  /** slug → logins assigned a seat through that team. */
  teamMembers: Record<string, string[]>;
}

/**
 * `count` org members with a seat each, in a realistic mix: about 60% with a public name (some
 * single-word), about a third of those with a public email, 15% seated through a team, 20% who
 * never used Copilot (`last_activity_at: null`), 4% pending cancellation, half without the
 * deprecated `updated_at`.
 */
export function generateSeatHolders(rng: Prng, opts: SeatHolderOptions): SeatHolders {
  const taken = opts.takenLogins ?? new Set<string>();
  const out: SeatHolders = { users: [], memberships: [], seats: [], teamMembers: {} };
  for (let i = 0; i < opts.count; i++) {
    const first = rng.pick(FIRST);
    const last = rng.pick(LAST);
    let login = `${first}-${last}`;
    for (let n = 2; taken.has(login); n++) login = `${first}-${last}-${n}`;
    taken.add(login);

    const user: GithubUser = { id: opts.firstUserId + i, login, type: 'User', site_admin: false };
    const nameRoll = rng.next();
    if (nameRoll < 0.5) user.name = `${capitalise(first)} ${capitalise(last)}`;
    else if (nameRoll < 0.6) user.name = capitalise(first);
    else if (nameRoll < 0.7) user.name = null;
    if (user.name && rng.chance(0.35)) user.email = `${login}@${opts.emailDomain}`;
    out.users.push(user);
    out.memberships.push({ org: opts.org, user: login, role: 'member' });

    const createdMs = rng.int(CREATED_FROM_MS / 1000, CREATED_TO_MS / 1000) * 1000;
    const used = !rng.chance(0.2);
    const activityMs = used ? rng.int(createdMs / 1000, SEED_CLOCK_MS / 1000) * 1000 : undefined;
    let team: string | null = null;
    if (opts.teams?.length && rng.chance(0.15)) {
      team = rng.pick(opts.teams);
      (out.teamMembers[team] ??= []).push(login);
    }
    const seat: GithubSeat = {
      org: opts.org,
      user: login,
      assigning_team: team,
      created_at: rfc3339Seconds(createdMs),
      pending_cancellation_date: rng.chance(0.04) ? SEED_NEXT_CYCLE_START : null,
      last_activity_at: activityMs === undefined ? null : rfc3339Seconds(activityMs),
      last_activity_editor: activityMs === undefined ? null : rng.pick(EDITORS),
      last_authenticated_at:
        activityMs === undefined ? (rng.chance(0.5) ? rfc3339Seconds(createdMs + DAY_MS) : null) : rfc3339Seconds(activityMs - rng.int(0, 3_600) * 1000),
      plan_type: 'business',
    };
    if (rng.chance(0.5)) seat.updated_at = rfc3339Seconds(Math.min(createdMs + rng.int(0, 90) * DAY_MS, SEED_CLOCK_MS));
    out.seats.push(seat);
  }
  return out;
}

export interface GenerateGithubCopilotSeedOptions {
  /** Org login. Default `generated-org`. */
  org?: string;
  orgId?: number;
  /** Seats in the org, the token owner's included (at least 1). */
  seats: number;
  /** PRNG seed; the same options always give the same seed. Default 1. */
  seed?: number;
}

/**
 * One org with `seats` seats; its owner holds the first seat and a classic token with the
 * scopes the Copilot endpoints accept (the token is printed by `main.ts`). Premium-request usage
 * (a quarter of the holders, at most 100 users) and budgets come from a second PRNG, so the
 * seats are the same as without them.
 */
export function generateGithubCopilotSeed(opts: GenerateGithubCopilotSeedOptions): GithubCopilotSeed {
  if (!Number.isInteger(opts.seats) || opts.seats < 1) throw new Error('generateGithubCopilotSeed: seats must be an integer >= 1');
  const rng = createPrng(opts.seed ?? 1);
  const org = opts.org ?? 'generated-org';
  const owner: GithubUser = { id: 7_000_001, login: `${org}-owner`.slice(0, 39), name: 'Org Owner', type: 'User', site_admin: false };
  const holders = generateSeatHolders(rng, {
    org,
    count: opts.seats - 1,
    firstUserId: 7_000_002,
    teams: ['copilot-users'],
    emailDomain: `${org}.example.com`,
    takenLogins: new Set([owner.login]),
  });
  return {
    users: [owner, ...holders.users],
    orgs: [
      {
        id: opts.orgId ?? 170_000_001,
        login: org,
        name: capitalise(org.replace(/-/g, ' ')),
        description: null,
        email: null,
        blog: '',
        location: null,
        created_at: rfc3339Seconds(CREATED_FROM_MS - 30 * DAY_MS),
        updated_at: rfc3339Seconds(CREATED_TO_MS),
        copilot_plan_type: 'business',
        seat_management_setting: 'assign_selected',
        billing_cycle_start: SEED_CYCLE_START,
      },
    ],
    memberships: [{ org, user: owner.login, role: 'admin' }, ...holders.memberships],
    billing_today: DEFAULT_BILLING_TODAY,
    copilot_metrics: { random_seed: opts.seed ?? 1 },
    ...(() => {
      const billing = orgBilling(createPrng((opts.seed ?? 1) + 0x5eed), {
        org,
        owner: owner.login,
        holders: [owner.login, ...holders.seats.map((s) => s.user)],
        idle: new Set(holders.seats.filter((s) => s.last_activity_at === null).map((s) => s.user)),
        fixedHead: 1,
        noBudgetBefore: 1,
        usageShare: 0.25,
        maxUsers: 100,
        includedPerMonth: INCLUDED_PREMIUM_REQUESTS.business,
        priceCents: DEFAULT_PREMIUM_REQUEST_PRICE_CENTS,
      });
      return { premium_request_usage: billing.usage, budgets: billing.budgets };
    })(),
    teams: [
      {
        id: 8_000_001,
        org,
        slug: 'copilot-users',
        name: 'Copilot users',
        description: null,
        privacy: 'closed',
        members: holders.teamMembers['copilot-users'] ?? [],
      },
    ],
    seats: [
      {
        org,
        user: owner.login,
        assigning_team: null,
        created_at: rfc3339Seconds(CREATED_FROM_MS),
        pending_cancellation_date: null,
        last_activity_at: rfc3339Seconds(SEED_CLOCK_MS - 3_600_000),
        last_activity_editor: EDITORS[0],
        last_authenticated_at: rfc3339Seconds(SEED_CLOCK_MS - 3_600_000),
        plan_type: 'business',
      },
      ...holders.seats,
    ],
    tokens: [
      {
        token: `ghp_${rng.token(36, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789')}`,
        user: owner.login,
        scopes: ['read:org', 'manage_billing:copilot'],
        revoked: false,
      },
    ],
  };
}
