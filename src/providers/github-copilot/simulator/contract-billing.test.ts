/**
 * Contract test of the billing routes (docs/providers/sources.md §0, §7.4;
 * sources-additions.md §2.4): the simulator's premium-request usage reports and budgets, validated
 * against GitHub's own OpenAPI description (`@octokit/openapi@23.0.2`, through the vendored slice
 * in `spec/`), and read with GitHub's own client, `@octokit/rest`, whose types come from the same
 * description. contract.test.ts covers the seat operations the same way.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Octokit } from '@octokit/rest';
import {
  DEFAULT_GITHUB_COPILOT_EXTRA_TOKENS as TOKENS,
  DEFAULT_GITHUB_COPILOT_ORG as ORG,
  DEFAULT_GITHUB_COPILOT_OTHER_ORG as OTHER_ORG,
  DEFAULT_GITHUB_COPILOT_TOKEN as OWNER,
  USAGE_DAYS,
  USAGE_LAST_DAY,
  startGithubCopilotSimulator,
  type GithubCopilotSimulator,
} from './index.ts';
import { assertValid, basicError, errorsOf, operation, responseValidator, spec } from './spec/openapi-ajv.ts';

type Json = Record<string, any>;
const USAGE_OP = 'billing/get-github-billing-premium-request-usage-report-org';
const BUDGETS_OP = 'billing/get-all-budgets-org';
const DAY = 86_400_000;

let sim: GithubCopilotSimulator;
let checked = 0;

async function call(path: string, token: string | null = OWNER): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${sim.baseUrl}${path}`, { headers });
  return { status: res.status, body: await res.json() };
}

async function expect(operationId: string, path: string, status = 200, token: string | null = OWNER) {
  const res = await call(path, token);
  assert.equal(res.status, status, `${operationId} ${path}: ${JSON.stringify(res.body)}`);
  assertValid(responseValidator(operationId, status), res.body, `${operationId} ${status} ${path}`);
  checked++;
  return res;
}

const usagePath = (query: string, org = ORG) => `/organizations/${org}/settings/billing/premium_request/usage?${query}`;
const budgetsPath = (query: string, org = ORG) => `/organizations/${org}/settings/billing/budgets?${query}`;

describe('contract: GitHub billing (premium requests, budgets) against @octokit/openapi 23.0.2', () => {
  before(async () => {
    sim = await startGithubCopilotSimulator({ rateLimit: false });
  });
  after(async () => {
    await sim.close();
    assert.ok(checked > 150, `only ${checked} responses were validated`);
  });

  it('both operations are in the slice under the routes we serve, with the query parameters we read', () => {
    assert.equal(operation(USAGE_OP).path, '/organizations/{org}/settings/billing/premium_request/usage');
    assert.equal(operation(BUDGETS_OP).path, '/organizations/{org}/settings/billing/budgets');
    const names = (op: string) =>
      (operation(op).op.parameters as Json[]).map((p) => (p.$ref ? spec.components.parameters[p.$ref.split('/').pop()].name : p.name));
    assert.deepEqual(names(USAGE_OP), ['org', 'year', 'month', 'day', 'user', 'model', 'product']);
    assert.deepEqual(names(BUDGETS_OP), ['org', 'page', 'per_page', 'scope', 'user']);
  });

  it("GitHub's examples: the usage report's is valid; the budgets' predate the budget schema in two known ways", () => {
    assertValid(responseValidator(USAGE_OP, 200), spec.components.examples['billing-premium-request-usage-report-org'].value, 'usage example');
    for (const name of ['get_all_budgets', 'get_all_budgets_with_user_filter']) {
      const example = structuredClone(spec.components.examples[name].value) as Json;
      // Known gaps: the examples write `budget_product_skus` (an array) where the schema requires
      // `budget_product_sku`, and use `BundlePricing`, which the schema's budget_type does not list.
      const problems = new Set(
        errorsOf(responseValidator(BUDGETS_OP, 200), example).map((e) =>
          `${e.instancePath.replace(/\d+/, 'i')} ${e.keyword} ${e.params.missingProperty ?? ''}`.trim(),
        ),
      );
      const bundle = example.budgets.some((b: Json) => b.budget_type === 'BundlePricing');
      assert.deepEqual(
        [...problems].sort(),
        ['/budgets/i required budget_product_sku', ...(bundle ? ['/budgets/i/budget_type enum', '/budgets/i/budget_type oneOf'] : [])].sort(),
        name,
      );
      for (const b of example.budgets) {
        b.budget_product_sku = b.budget_product_skus[0];
        if (b.budget_type === 'BundlePricing') b.budget_type = 'SkuPricing';
      }
      assertValid(responseValidator(BUDGETS_OP, 200), example, `${name} (known gaps filled in)`);
    }
  });

  it('premium request usage: every seeded day, every month, per user, per model and product', async () => {
    const last = Date.parse(`${USAGE_LAST_DAY}T00:00:00Z`);
    for (let d = USAGE_DAYS - 1; d >= 0; d--) {
      const [y, m, day] = new Date(last - d * DAY).toISOString().slice(0, 10).split('-').map(Number);
      const { body } = await expect(USAGE_OP, usagePath(`year=${y}&month=${m}&day=${day}`));
      assert.ok(body.usageItems.length > 0);
    }
    for (const month of [8, 9, 10, 11]) await expect(USAGE_OP, usagePath(`year=2026&month=${month}`));
    const users = [
      ...new Set(
        sim.state
          .premiumLines()
          .filter((l) => l.org === ORG)
          .map((l) => l.user),
      ),
    ].slice(0, 20);
    for (const user of users) await expect(USAGE_OP, usagePath(`year=2026&month=10&user=${user}`));
    await expect(USAGE_OP, usagePath('model=GPT-5&product=Copilot'));
    await expect(USAGE_OP, usagePath(''));
    const empty = await expect(USAGE_OP, usagePath('year=2027&month=3'));
    assert.deepEqual(empty.body.usageItems, []);
  });

  it('budgets: every page, each scope, and per user with effective_budget', async () => {
    for (const perPage of [1, 5, 10, 100]) {
      for (let page = 1; ; page++) {
        const { body } = await expect(BUDGETS_OP, budgetsPath(`page=${page}&per_page=${perPage}`));
        if (!body.has_next_page) break;
      }
    }
    for (const scope of ['organization', 'user', 'multi_user_customer']) await expect(BUDGETS_OP, budgetsPath(`scope=${scope}`));
    const budgeted = sim.state.budgets(ORG).filter((b) => b.scope === 'user');
    for (const b of budgeted) {
      const { body } = await expect(BUDGETS_OP, budgetsPath(`scope=user&user=${b.user}`));
      assert.ok(body.effective_budget);
    }
  });

  it('errors are basic-error bodies with statuses each operation documents', async () => {
    const cases: [string, string, number, string | null][] = [
      [USAGE_OP, usagePath('month=13'), 400, OWNER],
      [USAGE_OP, usagePath('year=2026&month=2&day=29'), 400, OWNER],
      [USAGE_OP, usagePath('year=2023&month=1'), 400, OWNER],
      [USAGE_OP, usagePath(''), 403, TOKENS.member],
      [USAGE_OP, usagePath('', OTHER_ORG), 404, OWNER],
      [USAGE_OP, usagePath('', 'no-such-org'), 404, OWNER],
      [BUDGETS_OP, budgetsPath(''), 403, TOKENS.member],
      [BUDGETS_OP, budgetsPath('', OTHER_ORG), 404, OWNER],
    ];
    for (const [op, path, status, token] of cases) assertValid(basicError, (await expect(op, path, status, token)).body, `${op} ${status}`);
    // GitHub documents no 401 here, but every operation answers a missing token with basic-error.
    const anonymous = await call(usagePath(''), null);
    assert.equal(anonymous.status, 401);
    assertValid(basicError, anonymous.body, 'usage 401');
    sim.injectFault({ path: '/organizations/*/settings/billing/premium_request/usage', status: 503 });
    await expect(USAGE_OP, usagePath(''), 503);
    sim.injectFault({ path: '/organizations/*/settings/billing/budgets', status: 500 });
    await expect(BUDGETS_OP, budgetsPath(''), 500);
  });

  it('@octokit/rest reads both operations, typed, and gets exactly what the API sends', async () => {
    const octokit = new Octokit({ baseUrl: sim.baseUrl, auth: OWNER });
    const { status, data } = await octokit.request('GET /organizations/{org}/settings/billing/premium_request/usage', {
      org: ORG,
      year: 2026,
      month: 11,
      day: 27,
    });
    assert.equal(status, 200);
    const items: { model: string; netAmount: number; grossQuantity: number }[] = data.usageItems;
    assert.ok(items.length > 0);
    assert.deepEqual(data, (await call(usagePath('year=2026&month=11&day=27'))).body);
    const budget = sim.state.budgets(ORG).find((b) => b.scope === 'user')!;
    const budgets = await octokit.request('GET /organizations/{org}/settings/billing/budgets', { org: ORG, scope: 'user', user: budget.user, per_page: 100 });
    assert.equal(budgets.data.effective_budget?.budget_amount, budget.amount);
    assert.equal(budgets.data.budgets[0].budget_scope, 'user');
    const quiet = { debug() {}, info() {}, warn() {}, error() {} };
    const asMember = new Octokit({ baseUrl: sim.baseUrl, auth: TOKENS.member, log: quiet });
    await assert.rejects(
      asMember.request('GET /organizations/{org}/settings/billing/premium_request/usage', { org: ORG }),
      (e: any) => e.status === 403 && /billing manager/.test(e.response.data.message) && typeof e.response.headers['x-github-request-id'] === 'string',
    );
  });
});
