import { z } from 'zod';

/**
 * Seed entities of GitHub's enhanced billing platform (docs/providers/sources.md §7.4): the
 * premium requests each user made per day and model, and the org's budgets. Both are new seed
 * fields with defaults (`[]`), so seeds written before them still load. Quantities are integers
 * (premium requests with the model multiplier already applied) and prices integer cents, so every
 * amount the simulator reports is an exact number of cents.
 */

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const login = z.string().regex(LOGIN, 'must be a GitHub login');
export const billingDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a YYYY-MM-DD date');

/** "Today" on the billing platform unless a seed says otherwise: the day after the last full day of usage. */
export const DEFAULT_BILLING_TODAY = '2026-11-28';

/** `budget_scope` values of GitHub's `budget` schema. */
export const BUDGET_SCOPES = ['enterprise', 'organization', 'repository', 'cost_center', 'multi_user_customer', 'multi_user_cost_center', 'user'] as const;

/** One line of usage: `requests` premium requests by `user` on `day` with `model`. */
export const premiumRequestUsageSchema = z.object({
  org: login,
  /** A user of the seed; not necessarily still a member (history outlives seats). */
  user: login,
  day: billingDate,
  /** GitHub's display name of the model, as its report writes it (`Claude Sonnet 4.5`, `GPT-5`). */
  model: z.string().min(1),
  product: z.string().min(1).default('Copilot'),
  sku: z.string().min(1).default('Copilot Premium Request'),
  /** Premium requests, multiplier applied (10 for one Claude Opus call). */
  requests: z.number().int().positive(),
});

/** A budget in the compact seed form; rendered as GitHub's `budget` schema by billing.ts. */
export const budgetSchema = z.object({
  id: z.string().min(1),
  org: login,
  scope: z.enum(BUDGET_SCOPES),
  /** The user of a `user`-scope budget (required there, refused elsewhere). */
  user: login.optional(),
  /** `budget_entity_name`; defaults to the org login (org scope) or the user's login (user scope). */
  entity_name: z.string().optional(),
  type: z.enum(['SkuPricing', 'ProductPricing']).default('SkuPricing'),
  sku: z.string().min(1).default('premium_requests'),
  /** Whole dollars, as GitHub stores budgets. */
  amount: z.number().int().nonnegative(),
  prevent_further_usage: z.boolean().default(true),
  will_alert: z.boolean().default(false),
  alert_recipients: z.array(login).default([]),
});

export type PremiumRequestUsage = z.output<typeof premiumRequestUsageSchema>;
export type GithubBudget = z.output<typeof budgetSchema>;

type Issue = (path: (string | number)[], message: string) => void;

interface BillingSeedView {
  billing_today: string;
  users: { login: string }[];
  orgs: { login: string }[];
  memberships: { org: string; user: string }[];
  premium_request_usage: PremiumRequestUsage[];
  budgets: GithubBudget[];
}

const realDay = (day: string) => new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) === day;

/** Cross-references of the billing entities; called from the seed's superRefine. */
export function checkBillingSeed(seed: BillingSeedView, issue: Issue): void {
  const k = (s: string) => s.toLowerCase();
  const users = new Set(seed.users.map((u) => k(u.login)));
  const orgs = new Set(seed.orgs.map((o) => k(o.login)));
  const members = new Set(seed.memberships.map((m) => `${k(m.org)}/${k(m.user)}`));
  if (!realDay(seed.billing_today)) issue(['billing_today'], `"${seed.billing_today}" is not a calendar day`);
  const lines = new Set<string>();
  seed.premium_request_usage.forEach((u, i) => {
    if (!orgs.has(k(u.org))) issue(['premium_request_usage', i, 'org'], `unknown org "${u.org}"`);
    if (!users.has(k(u.user))) issue(['premium_request_usage', i, 'user'], `unknown user "${u.user}"`);
    if (!realDay(u.day)) issue(['premium_request_usage', i, 'day'], `"${u.day}" is not a calendar day`);
    else if (u.day >= seed.billing_today) issue(['premium_request_usage', i, 'day'], `${u.day} is not before billing_today (${seed.billing_today})`);
    const key = [u.org, u.user, u.day, u.product, u.sku, u.model].map(k).join('/');
    if (lines.has(key)) issue(['premium_request_usage', i], `duplicate line for ${u.user} on ${u.day} (${u.model})`);
    lines.add(key);
  });
  const ids = new Set<string>();
  seed.budgets.forEach((b, i) => {
    if (ids.has(b.id)) issue(['budgets', i, 'id'], `duplicate budget id "${b.id}"`);
    ids.add(b.id);
    if (!orgs.has(k(b.org))) issue(['budgets', i, 'org'], `unknown org "${b.org}"`);
    if (b.scope === 'user') {
      if (!b.user) issue(['budgets', i, 'user'], 'a user-scope budget needs a user');
      else if (!members.has(`${k(b.org)}/${k(b.user)}`)) issue(['budgets', i, 'user'], `"${b.user}" is not a member of "${b.org}"`);
    } else if (b.user !== undefined) issue(['budgets', i, 'user'], `only user-scope budgets name a user (scope is ${b.scope})`);
    // GitHub: "For `user` and `multi_user_customer` scopes, this must be `true`."
    if ((b.scope === 'user' || b.scope === 'multi_user_customer') && !b.prevent_further_usage) {
      issue(['budgets', i, 'prevent_further_usage'], `must be true for ${b.scope} budgets`);
    }
  });
}
