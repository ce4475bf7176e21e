import { allocatePremiumRequests, includedOf, type PremiumLine } from './billing.ts';
import { userDayLine, type CopilotUserDayLine } from './metrics.ts';
import {
  parseGithubCopilotSeed,
  type GithubBudget,
  type GithubCopilotSeed,
  type GithubCopilotSeedInput,
  type GithubMembership,
  type GithubOrg,
  type GithubSeat,
  type GithubTeam,
  type GithubToken,
  type GithubUser,
  type PremiumRequestUsage,
} from './seed-schema.ts';

/**
 * The simulator's live, in-memory GitHub data. One object for the simulator's lifetime: reset and
 * re-seed replace its contents in place, so a reference held by a test stays live. Logins and
 * team slugs are looked up case-insensitively, as GitHub does; responses keep the seed's casing.
 */
const k = (login: string) => login.toLowerCase();

export class GithubCopilotState {
  users = new Map<string, GithubUser>();
  orgs = new Map<string, GithubOrg>();
  tokens = new Map<string, GithubToken>();
  /** `org/user` → membership. */
  private memberships = new Map<string, GithubMembership>();
  /** `org/slug` → team. */
  private teams = new Map<string, GithubTeam>();
  /** org → user → seat, in seed (then assignment) order: the order the seats list returns. */
  private seatsByOrg = new Map<string, Map<string, GithubSeat>>();
  /** The billing platform's "today" (docs/providers/sources.md §7.4): default year and month, 24-month horizon. */
  billingToday = '';
  private premiumUsage: PremiumRequestUsage[] = [];
  private budgetList: GithubBudget[] = [];
  /** Usage lines with the included allowance applied; computed once per load. */
  private lines: PremiumLine[] = [];
  /** The seed's `copilot_metrics` (null: no metrics), and the user lines computed so far, per `org/day`. */
  metrics: GithubCopilotSeed['copilot_metrics'] = null;
  private metricsDays = new Map<string, CopilotUserDayLine[]>();

  constructor(seed: GithubCopilotSeed | GithubCopilotSeedInput) {
    this.load(seed);
  }

  /** Replaces everything with a (re)validated deep copy of `seed`. */
  load(seed: GithubCopilotSeed | GithubCopilotSeedInput): void {
    const s = parseGithubCopilotSeed(structuredClone(seed));
    this.users = new Map(s.users.map((u) => [k(u.login), u]));
    this.orgs = new Map(s.orgs.map((o) => [k(o.login), o]));
    this.tokens = new Map(s.tokens.map((t) => [t.token, t]));
    this.memberships = new Map(s.memberships.map((m) => [`${k(m.org)}/${k(m.user)}`, m]));
    this.teams = new Map(s.teams.map((t) => [`${k(t.org)}/${t.slug}`, t]));
    this.seatsByOrg = new Map(s.orgs.map((o) => [k(o.login), new Map()]));
    for (const seat of s.seats) this.seatsByOrg.get(k(seat.org))!.set(k(seat.user), seat);
    this.billingToday = s.billing_today;
    this.premiumUsage = s.premium_request_usage;
    this.budgetList = s.budgets;
    this.lines = allocatePremiumRequests(s.premium_request_usage, (org) => includedOf(this.org(org)!));
    this.metrics = s.copilot_metrics;
    this.metricsDays.clear();
  }

  /**
   * The `users-1-day` lines of an org's day (metrics.ts), in seat order; computed once per day
   * and load, and again after a seat change (a line depends only on the seed and the seat).
   */
  metricsLines(org: string, day: string): CopilotUserDayLine[] {
    const key = `${k(org)}/${day}`;
    let lines = this.metricsDays.get(key);
    if (!lines) {
      const o = this.org(org);
      const seed = this.metrics?.random_seed;
      lines =
        o && seed !== undefined
          ? this.seats(o.login).flatMap((s) => {
              const line = userDayLine(seed, o, s, this.user(s.user)!.id, day);
              return line ? [line] : [];
            })
          : [];
      this.metricsDays.set(key, lines);
    }
    return lines;
  }

  /** The current state in seed format (a deep copy). */
  snapshot(): GithubCopilotSeed {
    return structuredClone({
      users: [...this.users.values()],
      orgs: [...this.orgs.values()],
      memberships: [...this.memberships.values()],
      teams: [...this.teams.values()],
      seats: [...this.seatsByOrg.values()].flatMap((m) => [...m.values()]),
      tokens: [...this.tokens.values()],
      billing_today: this.billingToday,
      premium_request_usage: this.premiumUsage,
      budgets: this.budgetList,
      copilot_metrics: this.metrics,
    });
  }

  /** Premium-request usage lines of every org, the included allowance applied (see billing.ts). */
  premiumLines(): PremiumLine[] {
    return this.lines;
  }

  /** The budgets of an org, in seed order. */
  budgets(org: string): GithubBudget[] {
    return this.budgetList.filter((b) => k(b.org) === k(org));
  }

  user(login: string): GithubUser | undefined {
    return this.users.get(k(login));
  }

  org(login: string): GithubOrg | undefined {
    return this.orgs.get(k(login));
  }

  orgById(id: number): GithubOrg | undefined {
    for (const org of this.orgs.values()) if (org.id === id) return org;
    return undefined;
  }

  membership(org: string, user: string): GithubMembership | undefined {
    return this.memberships.get(`${k(org)}/${k(user)}`);
  }

  team(org: string, slug: string): GithubTeam | undefined {
    return this.teams.get(`${k(org)}/${k(slug)}`);
  }

  seats(org: string): GithubSeat[] {
    return [...(this.seatsByOrg.get(k(org))?.values() ?? [])];
  }

  seat(org: string, user: string): GithubSeat | undefined {
    return this.seatsByOrg.get(k(org))?.get(k(user));
  }

  /** Assigns a seat (for tests of lists that change mid-scan); the user must already be a member. */
  addSeat(seat: GithubSeat): void {
    if (!this.org(seat.org)) throw new Error(`unknown org ${seat.org}`);
    if (!this.membership(seat.org, seat.user)) throw new Error(`${seat.user} is not a member of ${seat.org}`);
    this.seatsByOrg.get(k(seat.org))!.set(k(seat.user), seat);
    this.metricsDays.clear();
  }

  /** Removes a seat outright, as GitHub does at the end of the billing cycle after cancellation. */
  removeSeat(org: string, user: string): boolean {
    this.metricsDays.clear();
    return this.seatsByOrg.get(k(org))?.delete(k(user)) ?? false;
  }
}
