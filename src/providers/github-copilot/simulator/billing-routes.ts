import type { Hono } from 'hono';
import type { SimEnv } from '../../../simulator-kit/simulator-app.ts';
import { budgetObject, netCentsOf, premiumRequestReport, type ReportQuery } from './billing.ts';
import type { GithubBudget } from './billing-schema.ts';
import { DOCS, GithubApiError, MESSAGES } from './errors.ts';
import { githubRoute, type GithubRequest, type GithubRouteDeps } from './route-kit.ts';
import type { GithubOrg } from './seed-schema.ts';

/**
 * GitHub's enhanced billing platform, the two reads the integration needs
 * (docs/providers/sources.md §7.4): the premium-request usage report and the budgets list.
 * Both sit under `/organizations/{org}/settings/billing/…`, where `{org}` is the login.
 *
 * Classic-token scopes are our decision: GitHub documents only the fine-grained "Administration"
 * (read) organization permission for these endpoints, so the simulator accepts the scopes that
 * already read Copilot seats, and one sandbox token reads both.
 */
const BILLING_SCOPES = ['manage_billing:copilot', 'read:org'];
const BUDGETS_PER_PAGE_DEFAULT = 10;
const BUDGETS_PER_PAGE_MAX = 100;

/** Billing is for owners (and billing managers, which seeds do not model): non-members 404, members 403. */
function billingOrg(req: GithubRequest, docs: string): GithubOrg {
  const org = req.state.org(req.param('org'));
  const membership = org && req.state.membership(org.login, req.caller.user.login);
  if (!org || !membership) throw new GithubApiError(404, MESSAGES.notFound, docs);
  if (membership.role !== 'admin') throw new GithubApiError(403, MESSAGES.notBillingManager, docs);
  return org;
}

/** An integer query parameter in [min, max]; absent or empty is undefined; anything else is a 400. */
function intParam(req: GithubRequest, name: string, pattern: RegExp, min: number, max: number, rule: string): number | undefined {
  const raw = req.query.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  const n = Number(raw.trim());
  if (!pattern.test(raw.trim()) || n < min || n > max) throw new GithubApiError(400, MESSAGES.badReportParameter(name, raw, rule), DOCS.premiumRequestUsage);
  return n;
}

const textParam = (req: GithubRequest, name: string) => req.query.get(name)?.trim() || undefined;

/**
 * `year` defaults to the current year and `month` to the current month ("today" is the seed's
 * `billing_today`); `day` narrows to one day. A period older than 24 months is a 400, as GitHub
 * documents; a future one is an empty report.
 */
function reportQuery(req: GithubRequest): ReportQuery {
  const [todayYear, todayMonth] = req.state.billingToday.split('-').map(Number);
  const year = intParam(req, 'year', /^\d{4}$/, 1000, 9999, 'year must be an integer with four digits, e.g. 2025.') ?? todayYear;
  const month = intParam(req, 'month', /^\d{1,2}$/, 1, 12, 'month must be an integer between 1 and 12.') ?? todayMonth;
  const day = intParam(req, 'day', /^\d{1,2}$/, 1, 31, 'day must be an integer between 1 and 31.');
  if (day !== undefined) {
    const iso = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
    if (new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10) !== iso)
      throw new GithubApiError(400, MESSAGES.notADay(iso), DOCS.premiumRequestUsage);
  }
  if (todayYear * 12 + todayMonth - (year * 12 + month) >= 24) throw new GithubApiError(400, MESSAGES.tooOld, DOCS.premiumRequestUsage);
  return { year, month, day, user: textParam(req, 'user'), model: textParam(req, 'model'), product: textParam(req, 'product') };
}

const positive = (raw: string | null, fallback: number) => (raw !== null && /^\d+$/.test(raw.trim()) && Number(raw) >= 1 ? Number(raw) : fallback);

/**
 * `GET /organizations/{org}/settings/billing/budgets`: `scope` keeps one budget scope (an unknown
 * scope matches nothing: GitHub documents no 400/422 here); `user` keeps the budgets that apply
 * to that user (their user budget and universal multi-user ones), reports what the user consumed
 * this month, and adds `effective_budget` (the user budget, else the universal one). Pages of
 * `per_page` (default 10, at most 100) with `has_next_page` and `total_count` in the body.
 */
function listBudgets(req: GithubRequest, org: GithubOrg) {
  const scope = textParam(req, 'scope');
  const user = textParam(req, 'user');
  const month = req.state.billingToday.slice(0, 7);
  const lines = req.state.premiumLines();
  const consumed = (login: string) => netCentsOf(lines, org, login, month);
  const universal = (b: GithubBudget) => b.scope === 'multi_user_customer' || b.scope === 'multi_user_cost_center';
  let budgets = req.state.budgets(org.login).filter((b) => scope === undefined || b.scope === scope);
  if (user !== undefined) budgets = budgets.filter((b) => universal(b) || (b.scope === 'user' && b.user!.toLowerCase() === user.toLowerCase()));
  const page = positive(req.query.get('page'), 1);
  const perPage = Math.min(positive(req.query.get('per_page'), BUDGETS_PER_PAGE_DEFAULT), BUDGETS_PER_PAGE_MAX);
  const slice = budgets.slice((page - 1) * perPage, page * perPage);
  const body: Record<string, unknown> = {
    budgets: slice.map((b) => budgetObject(b, b.scope === 'user' ? consumed(b.user!) : user !== undefined && universal(b) ? consumed(user) : undefined)),
  };
  if (user !== undefined) {
    body.user = user;
    const own = req.state.budgets(org.login).find((b) => b.scope === 'user' && b.user!.toLowerCase() === user.toLowerCase());
    const effective = own ?? req.state.budgets(org.login).find(universal);
    if (effective) body.effective_budget = { id: effective.id, budget_amount: effective.amount, consumed_amount: consumed(user) / 100 };
  }
  body.has_next_page = page * perPage < budgets.length;
  body.total_count = budgets.length;
  return { body };
}

export function mountBillingRoutes(app: Hono<SimEnv>, deps: GithubRouteDeps): void {
  githubRoute(
    app,
    deps,
    '/organizations/:org/settings/billing/premium_request/usage',
    { docs: DOCS.premiumRequestUsage, acceptedScopes: BILLING_SCOPES },
    (req) => {
      const org = billingOrg(req, DOCS.premiumRequestUsage);
      return { body: premiumRequestReport(req.state.premiumLines(), org, reportQuery(req)) };
    },
  );

  githubRoute(app, deps, '/organizations/:org/settings/billing/budgets', { docs: DOCS.budgets, acceptedScopes: BILLING_SCOPES }, (req) =>
    listBudgets(req, billingOrg(req, DOCS.budgets)),
  );
}
