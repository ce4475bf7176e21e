import { z } from 'zod';
import { parseSeedWith } from '../../../simulator-kit/seed.ts';
import { DEFAULT_BILLING_TODAY, billingDate, budgetSchema, checkBillingSeed, premiumRequestUsageSchema } from './billing-schema.ts';

/**
 * The GitHub Copilot simulator's seed format. Entities are stored in a compact form (users,
 * orgs, memberships, teams, seats, tokens) and rendered into GitHub's wire shapes (simple-user,
 * team, organization-full, copilot-seat-details) by wire.ts, so a seed stays small enough to
 * write by hand. Loading validates every field and every cross-reference up front and names the
 * offending path, because a bad seed otherwise surfaces as a baffling 404 three calls later.
 */

/** GitHub logins: alphanumerics and single inner hyphens, at most 39 characters. */
export const LOGIN_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** Team slugs are lower-case logins that may also contain `_` and `.`. */
export const TEAM_SLUG_PATTERN = /^[a-z0-9][a-z0-9._-]{0,99}$/;
const DATE_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const githubId = z.number().int().positive();
const login = z.string().regex(LOGIN_PATTERN, 'must be a GitHub login');
const dateTime = z.string().regex(DATE_TIME_PATTERN, 'must be an RFC 3339 date-time');
const date = z.string().regex(DATE_PATTERN, 'must be a YYYY-MM-DD date');

/** The Copilot plan of a seat (copilot-seat-details.plan_type). */
export const PLAN_TYPES = ['business', 'enterprise', 'unknown'] as const;
export const SEAT_MANAGEMENT_SETTINGS = ['assign_all', 'assign_selected', 'disabled', 'unconfigured'] as const;

export const githubUserSchema = z.object({
  id: githubId,
  login,
  node_id: z.string().min(1).optional(),
  /**
   * The public profile name and email. Absent: the key is left out of simple-user, which is what
   * list endpoints usually send; null: sent as null (the schema allows both).
   */
  name: z.string().min(1).nullable().optional(),
  email: z.string().regex(EMAIL_PATTERN, 'must be an email address').nullable().optional(),
  type: z.enum(['User', 'Bot']).default('User'),
  site_admin: z.boolean().default(false),
});

export const githubOrgSchema = z.object({
  id: githubId,
  login,
  node_id: z.string().min(1).optional(),
  name: z.string().nullable().default(null),
  description: z.string().nullable().default(null),
  email: z.string().nullable().default(null),
  blog: z.string().default(''),
  location: z.string().nullable().default(null),
  created_at: dateTime,
  updated_at: dateTime,
  /** The org's Copilot subscription: what `GET /orgs/{org}/copilot/billing` reports. */
  copilot_plan_type: z.enum(['business', 'enterprise']).default('business'),
  seat_management_setting: z.enum(SEAT_MANAGEMENT_SETTINGS).default('assign_selected'),
  /** First day of the current billing cycle, for the seat breakdown's `*_this_cycle` counts. */
  billing_cycle_start: date,
  /**
   * Price of one premium request in whole cents (GitHub: $0.04). Optional, not defaulted here, so
   * org literals written before billing existed still type-check; the state applies the default.
   */
  premium_request_price_cents: z.number().int().positive().optional(),
  /** Premium requests included per user per month; default by plan (business 300, enterprise 1,000). */
  premium_requests_included: z.number().int().nonnegative().optional(),
});

export const githubMembershipSchema = z.object({
  org: login,
  user: login,
  /** `admin` is an organization owner: the only role that may read Copilot billing. */
  role: z.enum(['admin', 'member']),
});

export const githubTeamSchema = z.object({
  id: githubId,
  org: login,
  slug: z.string().regex(TEAM_SLUG_PATTERN, 'must be a team slug'),
  name: z.string().min(1),
  description: z.string().nullable().default(null),
  privacy: z.enum(['closed', 'secret']).default('closed'),
  /** Logins; each must be a member of the team's org. */
  members: z.array(login).default([]),
});

export const githubSeatSchema = z.object({
  org: login,
  /** The assignee's login. */
  user: login,
  /** Slug of the team that granted the seat; null when the user was assigned directly. */
  assigning_team: z.string().nullable().default(null),
  /** When access was last granted (required by GitHub's schema). */
  created_at: dateTime,
  /** Deprecated upstream; left out of the response when absent here. */
  updated_at: dateTime.optional(),
  pending_cancellation_date: date.nullable().default(null),
  last_activity_at: dateTime.nullable().default(null),
  last_activity_editor: z.string().nullable().default(null),
  last_authenticated_at: dateTime.nullable().default(null),
  plan_type: z.enum(PLAN_TYPES).default('business'),
});

export const githubTokenSchema = z.object({
  token: z.string().min(1),
  /** Login of the user the token acts as. */
  user: login,
  /**
   * Classic personal-access-token scopes, echoed in `X-OAuth-Scopes` and checked against each
   * route's accepted scopes. null: a fine-grained token or app token (no scope header, no check).
   */
  scopes: z.array(z.string()).nullable().default(['read:org', 'manage_billing:copilot']),
  revoked: z.boolean().default(false),
});

export const githubCopilotSeedSchema = z
  .object({
    users: z.array(githubUserSchema),
    orgs: z.array(githubOrgSchema),
    memberships: z.array(githubMembershipSchema).default([]),
    teams: z.array(githubTeamSchema).default([]),
    seats: z.array(githubSeatSchema).default([]),
    tokens: z.array(githubTokenSchema).default([]),
    /** "Today" for the billing endpoints (their default year and month, the 24-month horizon). */
    billing_today: billingDate.default(DEFAULT_BILLING_TODAY),
    premium_request_usage: z.array(premiumRequestUsageSchema).default([]),
    budgets: z.array(budgetSchema).default([]),
    /**
     * Copilot usage metrics reports (metrics.ts): computed per seat holder and day from this
     * random seed for every day the reports cover; null: no one used Copilot (empty reports).
     */
    copilot_metrics: z
      .object({ random_seed: z.number().int().nonnegative().default(1) })
      .nullable()
      .default({ random_seed: 1 }),
  })
  .superRefine((seed, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const key = (s: string) => s.toLowerCase();
    const users = new Set<string>();
    const ids = new Set<number>();
    seed.users.forEach((u, i) => {
      if (users.has(key(u.login))) issue(['users', i, 'login'], `duplicate login "${u.login}"`);
      if (ids.has(u.id)) issue(['users', i, 'id'], `duplicate account id ${u.id}`);
      users.add(key(u.login));
      ids.add(u.id);
    });
    const orgs = new Set<string>();
    seed.orgs.forEach((o, i) => {
      if (orgs.has(key(o.login)) || users.has(key(o.login))) issue(['orgs', i, 'login'], `duplicate login "${o.login}"`);
      if (ids.has(o.id)) issue(['orgs', i, 'id'], `duplicate account id ${o.id}`);
      orgs.add(key(o.login));
      ids.add(o.id);
    });
    const members = new Set<string>();
    seed.memberships.forEach((m, i) => {
      if (!orgs.has(key(m.org))) issue(['memberships', i, 'org'], `unknown org "${m.org}"`);
      if (!users.has(key(m.user))) issue(['memberships', i, 'user'], `unknown user "${m.user}"`);
      const k = `${key(m.org)}/${key(m.user)}`;
      if (members.has(k)) issue(['memberships', i], `"${m.user}" is already a member of "${m.org}"`);
      members.add(k);
    });
    const teams = new Map<string, Set<string>>();
    const teamIds = new Set<number>();
    seed.teams.forEach((t, i) => {
      if (!orgs.has(key(t.org))) issue(['teams', i, 'org'], `unknown org "${t.org}"`);
      const k = `${key(t.org)}/${t.slug}`;
      if (teams.has(k)) issue(['teams', i, 'slug'], `duplicate team "${t.slug}" in "${t.org}"`);
      if (teamIds.has(t.id)) issue(['teams', i, 'id'], `duplicate team id ${t.id}`);
      teamIds.add(t.id);
      teams.set(k, new Set(t.members.map(key)));
      t.members.forEach((m, j) => {
        if (!members.has(`${key(t.org)}/${key(m)}`)) issue(['teams', i, 'members', j], `"${m}" is not a member of "${t.org}"`);
      });
    });
    const seats = new Set<string>();
    seed.seats.forEach((s, i) => {
      if (!orgs.has(key(s.org))) issue(['seats', i, 'org'], `unknown org "${s.org}"`);
      if (!members.has(`${key(s.org)}/${key(s.user)}`)) issue(['seats', i, 'user'], `"${s.user}" is not a member of "${s.org}"`);
      const k = `${key(s.org)}/${key(s.user)}`;
      if (seats.has(k)) issue(['seats', i, 'user'], `"${s.user}" already has a seat in "${s.org}"`);
      seats.add(k);
      if (s.assigning_team !== null) {
        const team = teams.get(`${key(s.org)}/${s.assigning_team}`);
        if (!team) issue(['seats', i, 'assigning_team'], `unknown team "${s.assigning_team}" in "${s.org}"`);
        else if (!team.has(key(s.user))) issue(['seats', i, 'assigning_team'], `"${s.user}" is not in team "${s.assigning_team}"`);
      }
    });
    const tokens = new Set<string>();
    seed.tokens.forEach((t, i) => {
      if (!users.has(key(t.user))) issue(['tokens', i, 'user'], `unknown user "${t.user}"`);
      if (tokens.has(t.token)) issue(['tokens', i, 'token'], 'duplicate token');
      tokens.add(t.token);
    });
    checkBillingSeed(seed, issue);
  });

/** A validated seed, every default filled in. */
export type GithubCopilotSeed = z.output<typeof githubCopilotSeedSchema>;
/** What a seed file or `POST /__sim/seed` may contain: defaults may be left out. */
export type GithubCopilotSeedInput = z.input<typeof githubCopilotSeedSchema>;
export type GithubUser = z.output<typeof githubUserSchema>;
export type GithubOrg = z.output<typeof githubOrgSchema>;
export type GithubMembership = z.output<typeof githubMembershipSchema>;
export type GithubTeam = z.output<typeof githubTeamSchema>;
export type GithubSeat = z.output<typeof githubSeatSchema>;
export type GithubToken = z.output<typeof githubTokenSchema>;
export type { GithubBudget, PremiumRequestUsage } from './billing-schema.ts';

/** Validates a seed; throws InvalidSeedError listing every problem as `path: message`. */
export function parseGithubCopilotSeed(input: unknown): GithubCopilotSeed {
  return parseSeedWith(githubCopilotSeedSchema, input, 'GitHub Copilot');
}
