import type { Prng } from '../../../simulator-kit/prng.ts';
import type { GithubBudget, PremiumRequestUsage } from './billing-schema.ts';

/**
 * Deterministic premium-request usage and budgets for seeds (docs/providers/sources.md
 * §7.4). Each user gets a profile (light, medium or heavy; one to three favourite models; busy on
 * weekdays, rare at weekends) and one line per model on each active day. Users with a budget are
 * stopped at it, as GitHub's `prevent_further_usage` does: a month's billed (net) requests never
 * cost more than the budget, so the seed's numbers agree with its budgets.
 */

/** The last full day of usage in generated seeds, and how many days end there. */
export const USAGE_LAST_DAY = '2026-11-27';
export const USAGE_DAYS = 90;

/** Premium models as GitHub's report names them; `multiplier` premium requests per call. */
export const PREMIUM_MODELS = [
  { model: 'Claude Sonnet 4.5', multiplier: 1, weight: 5 },
  { model: 'GPT-5', multiplier: 1, weight: 4 },
  { model: 'Gemini 2.5 Pro', multiplier: 1, weight: 2 },
  { model: 'o3', multiplier: 1, weight: 1 },
  { model: 'Claude Opus 4.1', multiplier: 10, weight: 1 },
] as const;

const DAY_MS = 86_400_000;
const PROFILES = [
  { name: 'light', calls: 3, p: 0.45 },
  { name: 'medium', calls: 10, p: 0.4 },
  { name: 'heavy', calls: 32, p: 0.15 },
] as const;

export interface PremiumUsageOptions {
  org: string;
  /** Logins with usage, in the order profiles are drawn. */
  users: string[];
  /** Monthly cap of billed spend, whole dollars, per login (a user-scope budget). */
  budgets?: Record<string, number>;
  includedPerMonth: number;
  priceCents: number;
  lastDay?: string;
  days?: number;
}

function weightedModels(rng: Prng, count: number) {
  const pool: (typeof PREMIUM_MODELS)[number][] = [...PREMIUM_MODELS];
  const out: (typeof PREMIUM_MODELS)[number][] = [];
  while (out.length < count && pool.length) {
    let roll = rng.next() * pool.reduce((n, m) => n + m.weight, 0);
    const i = pool.findIndex((m) => (roll -= m.weight) < 0);
    out.push(...pool.splice(i < 0 ? pool.length - 1 : i, 1));
  }
  // Name order, the order in which GitHub's allowance is spent within a day (billing.ts).
  return out.sort((a, b) => (a.model < b.model ? -1 : 1));
}

/** One line per (user, active day, model), oldest day first. */
export function generatePremiumUsage(rng: Prng, opts: PremiumUsageOptions): PremiumRequestUsage[] {
  const lastMs = Date.parse(`${opts.lastDay ?? USAGE_LAST_DAY}T00:00:00Z`);
  const days = opts.days ?? USAGE_DAYS;
  const out: PremiumRequestUsage[] = [];
  for (const user of opts.users) {
    let roll = rng.next();
    const profile = PROFILES.find((p) => (roll -= p.p) < 0) ?? PROFILES[0];
    const models = weightedModels(rng, rng.int(1, 3));
    const capCents = opts.budgets?.[user] !== undefined ? opts.budgets[user] * 100 : undefined;
    let month = '';
    let used = 0;
    for (let d = days - 1; d >= 0; d--) {
      const ms = lastMs - d * DAY_MS;
      const day = new Date(ms).toISOString().slice(0, 10);
      if (day.slice(0, 7) !== month) [month, used] = [day.slice(0, 7), 0];
      const weekend = [0, 6].includes(new Date(ms).getUTCDay());
      if (!rng.chance(weekend ? 0.15 : 0.8)) continue;
      models.forEach((m, i) => {
        if (i > 0 && !rng.chance(0.6)) return;
        const calls = m.multiplier > 1 ? rng.int(0, 2) : rng.int(1, Math.max(1, Math.round((2 * profile.calls) / models.length)));
        let requests = calls * m.multiplier;
        if (capCents !== undefined) {
          // Billed requests so far this month cost (used - included) × price; stop at the budget.
          const billable = Math.floor(capCents / opts.priceCents) + opts.includedPerMonth - used;
          requests = Math.min(requests, Math.floor(Math.max(0, billable) / m.multiplier) * m.multiplier);
        }
        if (requests <= 0) return;
        used += requests;
        out.push({ org: opts.org, user, day, model: m.model, product: 'Copilot', sku: 'Copilot Premium Request', requests });
      });
    }
  }
  return out;
}

/** User-scope premium-request budgets (whole dollars) for `users`, with stable uuids. */
export function userBudgets(rng: Prng, org: string, users: Record<string, number>): GithubBudget[] {
  return Object.entries(users).map(([user, amount]) => ({
    id: rng.uuid(),
    org,
    scope: 'user' as const,
    user,
    type: 'SkuPricing' as const,
    sku: 'premium_requests',
    amount,
    prevent_further_usage: true,
    will_alert: false,
    alert_recipients: [],
  }));
}

export interface OrgBillingOptions {
  org: string;
  /** The org owner: alerted by the org budget. */
  owner: string;
  /** Seat holders in seats-list order. */
  holders: string[];
  /** Logins that never used Copilot: no usage. */
  idle?: Set<string>;
  /** Holders before this position in the seats list always have usage. */
  fixedHead: number;
  /** Holders before this position never have a budget (the first page of users stays unbudgeted). */
  noBudgetBefore: number;
  /** Chance that a holder after the head has usage. */
  usageShare: number;
  includedPerMonth: number;
  priceCents: number;
  /** Most users with usage (keeps generated seeds of thousands of seats small). */
  maxUsers?: number;
}

const BUDGET_DOLLARS = [5, 10, 20, 25, 50];

/**
 * Usage and budgets for one org: the head's holders and a share of the rest have usage; every
 * fifth user with usage (past `noBudgetBefore`) has a user budget, and so does one holder
 * without usage (a budget with nothing consumed); the org has an organization-scope budget.
 */
export function orgBilling(rng: Prng, opts: OrgBillingOptions): { usage: PremiumRequestUsage[]; budgets: GithubBudget[] } {
  const users: string[] = [];
  const budgets: Record<string, number> = {};
  let idleBudget = false;
  opts.holders.forEach((login, i) => {
    if (opts.idle?.has(login)) return;
    const chosen = i < opts.fixedHead || (rng.chance(opts.usageShare) && users.length < (opts.maxUsers ?? Infinity));
    if (chosen) users.push(login);
    if (i < opts.noBudgetBefore) return;
    if (chosen && users.length % 5 === 0) budgets[login] = BUDGET_DOLLARS[Object.keys(budgets).length % BUDGET_DOLLARS.length];
    else if (!chosen && !idleBudget && Object.keys(budgets).length >= 2) [budgets[login], idleBudget] = [15, true];
  });
  const usage = generatePremiumUsage(rng, { org: opts.org, users, budgets, includedPerMonth: opts.includedPerMonth, priceCents: opts.priceCents });
  const orgBudget: GithubBudget = {
    id: rng.uuid(),
    org: opts.org,
    scope: 'organization',
    type: 'ProductPricing',
    sku: 'copilot',
    amount: 500,
    prevent_further_usage: false,
    will_alert: true,
    alert_recipients: [opts.owner],
  };
  return { usage, budgets: [orgBudget, ...userBudgets(rng, opts.org, budgets)] };
}
