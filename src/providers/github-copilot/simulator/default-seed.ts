import { createPrng } from '../../../simulator-kit/prng.ts';
import { rfc3339Seconds } from '../../../simulator-kit/time.ts';
import { DEFAULT_BILLING_TODAY } from './billing-schema.ts';
import { DEFAULT_PREMIUM_REQUEST_PRICE_CENTS, INCLUDED_PREMIUM_REQUESTS } from './billing.ts';
import { generatePremiumUsage, orgBilling } from './generate-billing.ts';
import { SEED_CLOCK_MS, SEED_CYCLE_START, SEED_NEXT_CYCLE_START, generateSeatHolders } from './generate-seed.ts';
import type { GithubCopilotSeed, GithubSeat, GithubUser } from './seed-schema.ts';

/**
 * The seed the simulator starts with unless told otherwise: one Copilot Business org with 250
 * seats (three pages at per_page=100, seven at 40), hand-placed fixtures for every seat shape the
 * users mapping has to handle, and a second org the default token cannot see.
 *
 * Billing (docs/providers/sources.md §7.4) comes from its own PRNG, so the seats above are
 * exactly what they were before billing existed: premium-request usage per user, day and model
 * for the 90 days ending 2026-11-27 (the four fixture seats that used Copilot, and about a
 * quarter of the rest), user budgets on some seats past the first ten, and an org budget. The
 * seats' activity timestamps stay on their own, older seed clock (pinned by tests).
 */

export const DEFAULT_GITHUB_COPILOT_ORG = 'tessera-sandbox';
export const DEFAULT_GITHUB_COPILOT_ORG_ID = 150_000_001;
/** Seats in the default org, fixtures included. */
export const DEFAULT_GITHUB_COPILOT_SEAT_COUNT = 250;
/** A real org the default token's user is not a member of: its Copilot endpoints are 404. */
export const DEFAULT_GITHUB_COPILOT_OTHER_ORG = 'other-corp';

/** Classic personal access token of the default org's owner, with `read:org` and `manage_billing:copilot`. */
export const DEFAULT_GITHUB_COPILOT_TOKEN = 'ghp_TesseraSandboxOwner00000000000000001';

/** More tokens in the default seed, for permission and revocation tests. */
export const DEFAULT_GITHUB_COPILOT_EXTRA_TOKENS = {
  /** A plain member (not an owner) of the default org: Copilot billing endpoints are 403. */
  member: 'ghp_TesseraSandboxMember0000000000000002',
  /** The owner, but a classic token with only `repo`: 403 naming the accepted scopes. */
  noScopes: 'ghp_TesseraSandboxNoScopes00000000000003',
  /** The owner's revoked token: always 401 Bad credentials. */
  revoked: 'ghp_TesseraSandboxRevoked000000000000004',
  /** The owner's fine-grained token: no scope headers, no scope check. */
  fineGrained: 'github_pat_11TESSERA0SANDBOX000000_FineGrainedOwnerTokenForTheTesseraSimulator000000000000005',
} as const;

/** The hand-placed seat holders of the default org (logins and account ids). */
export const DEFAULT_GITHUB_COPILOT_FIXTURES = {
  /** The owner: public name and email, seat assigned directly, active recently. */
  owner: { login: 'octo-admin', id: 5_000_001 },
  /** Seat granted through the `copilot-pilots` team; three-word name, email explicitly null. */
  teamSeat: { login: 'mona-team', id: 5_000_002 },
  /** Never used Copilot: `last_activity_at`, editor and `last_authenticated_at` all null; no name or email keys. */
  neverUsed: { login: 'never-used', id: 5_000_003 },
  /** Cancelled this cycle: `pending_cancellation_date` is the next cycle's first day; still listed. */
  pendingCancellation: { login: 'leaving-soon', id: 5_000_004 },
  /** A single-word public name. */
  singleName: { login: 'cher', id: 5_000_005 },
  /** An org member without a seat (holds the `member` token). */
  memberWithoutSeat: { login: 'plain-member', id: 5_000_099 },
} as const;

export const DEFAULT_GITHUB_COPILOT_TEAM = { slug: 'copilot-pilots', id: 6_000_001 } as const;

const F = DEFAULT_GITHUB_COPILOT_FIXTURES;
const ORG = DEFAULT_GITHUB_COPILOT_ORG;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (ms: number) => rfc3339Seconds(ms);

export function defaultGithubCopilotSeed(): GithubCopilotSeed {
  const rng = createPrng(0x6c0711);
  const fixtureUsers: GithubUser[] = [
    { id: F.owner.id, login: F.owner.login, name: 'Octo Admin', email: 'octo-admin@tessera.example', type: 'User', site_admin: false },
    { id: F.teamSeat.id, login: F.teamSeat.login, name: 'Mona Lisa Octocat', email: null, type: 'User', site_admin: false },
    { id: F.neverUsed.id, login: F.neverUsed.login, type: 'User', site_admin: false },
    { id: F.pendingCancellation.id, login: F.pendingCancellation.login, name: 'Leaving Soon', type: 'User', site_admin: false },
    { id: F.singleName.id, login: F.singleName.login, name: 'Cher', email: null, type: 'User', site_admin: false },
    { id: F.memberWithoutSeat.id, login: F.memberWithoutSeat.login, name: 'Plain Member', type: 'User', site_admin: false },
  ];
  const fixtureSeats: GithubSeat[] = [
    {
      org: ORG,
      user: F.owner.login,
      assigning_team: null,
      created_at: '2024-02-01T09:00:00Z',
      updated_at: '2024-02-01T09:00:00Z',
      pending_cancellation_date: null,
      last_activity_at: at(SEED_CLOCK_MS - 2 * HOUR),
      last_activity_editor: 'vscode/1.101.2/copilot-chat/0.28.1',
      last_authenticated_at: at(SEED_CLOCK_MS - 3 * HOUR),
      plan_type: 'business',
    },
    {
      org: ORG,
      user: F.teamSeat.login,
      assigning_team: DEFAULT_GITHUB_COPILOT_TEAM.slug,
      created_at: '2024-05-13T14:20:11Z',
      pending_cancellation_date: null,
      last_activity_at: at(SEED_CLOCK_MS - 5 * DAY),
      last_activity_editor: 'JetBrains-IU/251.26094.121/copilot-intellij/1.5.48',
      last_authenticated_at: at(SEED_CLOCK_MS - 5 * DAY - HOUR),
      plan_type: 'business',
    },
    {
      org: ORG,
      user: F.neverUsed.login,
      assigning_team: null,
      created_at: '2026-05-28T08:00:00Z',
      pending_cancellation_date: null,
      last_activity_at: null,
      last_activity_editor: null,
      last_authenticated_at: null,
      plan_type: 'business',
    },
    {
      org: ORG,
      user: F.pendingCancellation.login,
      assigning_team: null,
      created_at: '2025-01-06T10:30:00Z',
      updated_at: '2026-06-10T16:45:00Z',
      pending_cancellation_date: SEED_NEXT_CYCLE_START,
      last_activity_at: at(SEED_CLOCK_MS - 40 * DAY),
      last_activity_editor: 'neovim/0.11.2/copilot.vim/1.52.0',
      last_authenticated_at: at(SEED_CLOCK_MS - 40 * DAY),
      plan_type: 'business',
    },
    {
      org: ORG,
      user: F.singleName.login,
      assigning_team: null,
      created_at: '2025-09-30T23:59:59Z',
      pending_cancellation_date: null,
      last_activity_at: at(SEED_CLOCK_MS - 20 * HOUR),
      last_activity_editor: 'copilot-cli/1.0.3',
      last_authenticated_at: at(SEED_CLOCK_MS - 20 * HOUR),
      plan_type: 'business',
    },
  ];
  const holders = generateSeatHolders(rng, {
    org: ORG,
    count: DEFAULT_GITHUB_COPILOT_SEAT_COUNT - fixtureSeats.length,
    firstUserId: 5_001_001,
    teams: [DEFAULT_GITHUB_COPILOT_TEAM.slug, 'platform'],
    emailDomain: 'tessera.example',
    takenLogins: new Set(fixtureUsers.map((u) => u.login)),
  });

  const billingRng = createPrng(0xb111ed);
  const billing = orgBilling(billingRng, {
    org: ORG,
    owner: F.owner.login,
    holders: [...fixtureSeats, ...holders.seats].map((s) => s.user),
    idle: new Set([F.neverUsed.login]),
    fixedHead: fixtureSeats.length,
    noBudgetBefore: 10,
    usageShare: 0.25,
    includedPerMonth: INCLUDED_PREMIUM_REQUESTS.business,
    priceCents: DEFAULT_PREMIUM_REQUEST_PRICE_CENTS,
  });

  const otherOwner: GithubUser = { id: 5_900_001, login: 'other-owner', name: 'Other Owner', type: 'User', site_admin: false };
  const otherDev: GithubUser = { id: 5_900_002, login: 'other-dev', type: 'User', site_admin: false };

  return {
    users: [...fixtureUsers, ...holders.users, otherOwner, otherDev],
    orgs: [
      {
        id: DEFAULT_GITHUB_COPILOT_ORG_ID,
        login: ORG,
        node_id: 'O_kgDOCPDq0Q',
        name: 'Tessera Sandbox',
        description: "The GitHub organization behind Tessera's sandbox",
        email: null,
        blog: 'https://tessera.example',
        location: null,
        created_at: '2023-11-02T12:00:00Z',
        updated_at: '2026-05-30T08:15:00Z',
        copilot_plan_type: 'business',
        seat_management_setting: 'assign_selected',
        billing_cycle_start: SEED_CYCLE_START,
      },
      {
        id: 150_000_002,
        login: DEFAULT_GITHUB_COPILOT_OTHER_ORG,
        name: 'Other Corp',
        description: null,
        email: null,
        blog: '',
        location: null,
        created_at: '2022-03-01T00:00:00Z',
        updated_at: '2025-12-01T00:00:00Z',
        copilot_plan_type: 'enterprise',
        seat_management_setting: 'assign_all',
        billing_cycle_start: SEED_CYCLE_START,
      },
    ],
    memberships: [
      { org: ORG, user: F.owner.login, role: 'admin' },
      { org: ORG, user: F.teamSeat.login, role: 'member' },
      { org: ORG, user: F.neverUsed.login, role: 'member' },
      { org: ORG, user: F.pendingCancellation.login, role: 'member' },
      { org: ORG, user: F.singleName.login, role: 'member' },
      { org: ORG, user: F.memberWithoutSeat.login, role: 'member' },
      ...holders.memberships,
      { org: DEFAULT_GITHUB_COPILOT_OTHER_ORG, user: otherOwner.login, role: 'admin' },
      { org: DEFAULT_GITHUB_COPILOT_OTHER_ORG, user: otherDev.login, role: 'member' },
    ],
    teams: [
      {
        id: DEFAULT_GITHUB_COPILOT_TEAM.id,
        org: ORG,
        slug: DEFAULT_GITHUB_COPILOT_TEAM.slug,
        name: 'Copilot Pilots',
        description: 'Everyone here gets a Copilot seat',
        privacy: 'closed',
        members: [F.teamSeat.login, ...(holders.teamMembers[DEFAULT_GITHUB_COPILOT_TEAM.slug] ?? [])],
      },
      { id: 6_000_002, org: ORG, slug: 'platform', name: 'Platform', description: null, privacy: 'secret', members: holders.teamMembers.platform ?? [] },
    ],
    seats: [
      ...fixtureSeats,
      ...holders.seats,
      {
        org: DEFAULT_GITHUB_COPILOT_OTHER_ORG,
        user: otherOwner.login,
        assigning_team: null,
        created_at: '2025-02-02T00:00:00Z',
        pending_cancellation_date: null,
        last_activity_at: null,
        last_activity_editor: null,
        last_authenticated_at: null,
        plan_type: 'enterprise',
      },
      {
        org: DEFAULT_GITHUB_COPILOT_OTHER_ORG,
        user: otherDev.login,
        assigning_team: null,
        created_at: '2025-02-03T00:00:00Z',
        pending_cancellation_date: null,
        last_activity_at: null,
        last_activity_editor: null,
        last_authenticated_at: null,
        plan_type: 'enterprise',
      },
    ],
    tokens: [
      { token: DEFAULT_GITHUB_COPILOT_TOKEN, user: F.owner.login, scopes: ['read:org', 'manage_billing:copilot'], revoked: false },
      { token: DEFAULT_GITHUB_COPILOT_EXTRA_TOKENS.member, user: F.memberWithoutSeat.login, scopes: ['read:org'], revoked: false },
      { token: DEFAULT_GITHUB_COPILOT_EXTRA_TOKENS.noScopes, user: F.owner.login, scopes: ['repo'], revoked: false },
      { token: DEFAULT_GITHUB_COPILOT_EXTRA_TOKENS.revoked, user: F.owner.login, scopes: ['read:org'], revoked: true },
      { token: DEFAULT_GITHUB_COPILOT_EXTRA_TOKENS.fineGrained, user: F.owner.login, scopes: null, revoked: false },
      { token: 'ghp_TesseraSandboxOtherOwner000000000005', user: otherOwner.login, scopes: ['read:org', 'manage_billing:copilot'], revoked: false },
    ],
    billing_today: DEFAULT_BILLING_TODAY,
    premium_request_usage: [
      ...billing.usage,
      // A little usage in the org the default token cannot see: it must never leak into tessera-sandbox's reports.
      ...generatePremiumUsage(billingRng, {
        org: DEFAULT_GITHUB_COPILOT_OTHER_ORG,
        users: [otherDev.login],
        includedPerMonth: INCLUDED_PREMIUM_REQUESTS.enterprise,
        priceCents: DEFAULT_PREMIUM_REQUEST_PRICE_CENTS,
        days: 14,
      }),
    ],
    budgets: billing.budgets,
    // Usage metrics reports for every seat holder who has used Copilot, on every day reports cover (metrics.ts).
    copilot_metrics: { random_seed: 1 },
  };
}
