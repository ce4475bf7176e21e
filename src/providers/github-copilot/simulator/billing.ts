import type { GithubBudget, PremiumRequestUsage } from './billing-schema.ts';
import type { GithubOrg } from './seed-schema.ts';

/**
 * The enhanced billing platform's arithmetic and wire shapes (docs/providers/sources.md
 * §7.4): the premium-request usage report and the `budget` objects. Everything is counted in
 * integer premium requests and integer cents; dollars appear only at the edge, as `cents / 100`,
 * which for an integer is the double nearest the exact decimal (so `String()` prints it exactly
 * and a client shifting the decimal point gets the cents back).
 */

/** GitHub's list price of one premium request: $0.04. */
export const DEFAULT_PREMIUM_REQUEST_PRICE_CENTS = 4;
/** Premium requests included per user per month in each Copilot plan. */
export const INCLUDED_PREMIUM_REQUESTS = { business: 300, enterprise: 1_000 } as const;

export const priceCentsOf = (org: GithubOrg): number => org.premium_request_price_cents ?? DEFAULT_PREMIUM_REQUEST_PRICE_CENTS;
export const includedOf = (org: GithubOrg): number => org.premium_requests_included ?? INCLUDED_PREMIUM_REQUESTS[org.copilot_plan_type];

/** A seed usage line once the monthly included allowance is applied: gross = discount + net. */
export interface PremiumLine {
  org: string;
  user: string;
  day: string;
  model: string;
  product: string;
  sku: string;
  gross: number;
  discount: number;
  net: number;
}

const lower = (s: string) => s.toLowerCase();
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function compareUsage(a: PremiumRequestUsage, b: PremiumRequestUsage): number {
  return (
    cmp(lower(a.org), lower(b.org)) ||
    cmp(lower(a.user), lower(b.user)) ||
    cmp(a.day, b.day) ||
    cmp(a.product, b.product) ||
    cmp(a.sku, b.sku) ||
    cmp(a.model, b.model)
  );
}

/**
 * Each user's included premium requests are a monthly allowance, shown in GitHub's report as the
 * discount; what exceeds it is billed (net). The allowance is spent day by day and, within a day,
 * model by model in name order. GitHub does not document an order inside a day; ours is fixed so
 * the same seed always gives the same split.
 */
export function allocatePremiumRequests(usage: PremiumRequestUsage[], includedFor: (org: string) => number): PremiumLine[] {
  const remaining = new Map<string, number>();
  return [...usage].sort(compareUsage).map((u) => {
    const key = `${lower(u.org)}/${lower(u.user)}/${u.day.slice(0, 7)}`;
    const left = remaining.get(key) ?? includedFor(u.org);
    const discount = Math.min(left, u.requests);
    remaining.set(key, left - discount);
    return { org: u.org, user: u.user, day: u.day, model: u.model, product: u.product, sku: u.sku, gross: u.requests, discount, net: u.requests - discount };
  });
}

export interface ReportQuery {
  year: number;
  month: number;
  day?: number;
  user?: string;
  model?: string;
  product?: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const dollars = (cents: number) => cents / 100;

/** The lines of `org` a report query covers (filters are case-insensitive, as GitHub's are). */
export function reportLines(lines: PremiumLine[], org: GithubOrg, q: ReportQuery): PremiumLine[] {
  const prefix = q.day === undefined ? `${q.year}-${pad(q.month)}` : `${q.year}-${pad(q.month)}-${pad(q.day)}`;
  return lines.filter(
    (l) =>
      lower(l.org) === lower(org.login) &&
      l.day.startsWith(prefix) &&
      (q.user === undefined || lower(l.user) === lower(q.user)) &&
      (q.model === undefined || lower(l.model) === lower(q.model)) &&
      (q.product === undefined || lower(l.product) === lower(q.product)),
  );
}

/** One `usageItems[]` entry from integer quantities; every amount is quantity × unit price in cents. */
export function usageItem(key: { product: string; sku: string; model: string }, q: { gross: number; discount: number; net: number }, priceCents: number) {
  return {
    product: key.product,
    sku: key.sku,
    model: key.model,
    unitType: 'requests',
    pricePerUnit: dollars(priceCents),
    grossQuantity: q.gross,
    grossAmount: dollars(q.gross * priceCents),
    discountQuantity: q.discount,
    discountAmount: dollars(q.discount * priceCents),
    netQuantity: q.net,
    netAmount: dollars(q.net * priceCents),
  };
}

/** `billing-premium-request-usage-report-org`: the covered lines summed per (product, sku, model). */
export function premiumRequestReport(lines: PremiumLine[], org: GithubOrg, q: ReportQuery): Record<string, unknown> {
  const groups = new Map<string, { product: string; sku: string; model: string; gross: number; discount: number; net: number }>();
  for (const l of reportLines(lines, org, q)) {
    const key = `${l.product}\u0000${l.sku}\u0000${l.model}`;
    const g = groups.get(key) ?? { product: l.product, sku: l.sku, model: l.model, gross: 0, discount: 0, net: 0 };
    g.gross += l.gross;
    g.discount += l.discount;
    g.net += l.net;
    groups.set(key, g);
  }
  const items = [...groups.values()].sort((a, b) => cmp(a.product, b.product) || cmp(a.sku, b.sku) || cmp(a.model, b.model));
  return {
    timePeriod: { year: q.year, month: q.month, ...(q.day !== undefined ? { day: q.day } : {}) },
    organization: org.login,
    ...(q.user !== undefined ? { user: q.user } : {}),
    ...(q.product !== undefined ? { product: q.product } : {}),
    ...(q.model !== undefined ? { model: q.model } : {}),
    usageItems: items.map((g) => usageItem(g, g, priceCentsOf(org))),
  };
}

/** Net cents `user` was billed for premium requests in `month` (`YYYY-MM`): what a budget consumes. */
export function netCentsOf(lines: PremiumLine[], org: GithubOrg, user: string, month: string): number {
  let requests = 0;
  for (const l of lines) if (lower(l.org) === lower(org.login) && lower(l.user) === lower(user) && l.day.startsWith(month)) requests += l.net;
  return requests * priceCentsOf(org);
}

/** GitHub's `budget` schema. `consumedCents` is set for user budgets, and for multi-user ones when a user is named. */
export function budgetObject(b: GithubBudget, consumedCents: number | undefined): Record<string, unknown> {
  return {
    id: b.id,
    budget_type: b.type,
    budget_amount: b.amount,
    prevent_further_usage: b.prevent_further_usage,
    budget_scope: b.scope,
    budget_entity_name: b.entity_name ?? (b.scope === 'user' ? b.user : b.org),
    ...(b.user !== undefined ? { user: b.user } : {}),
    ...(consumedCents !== undefined ? { consumed_amount: dollars(consumedCents) } : {}),
    budget_product_sku: b.sku,
    budget_alerting: { will_alert: b.scope === 'user' ? false : b.will_alert, alert_recipients: b.scope === 'user' ? [] : b.alert_recipients },
  };
}
