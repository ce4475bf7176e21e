import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DEFAULT_BILLING_TODAY,
  DEFAULT_GITHUB_COPILOT_EXTRA_TOKENS as TOKENS,
  DEFAULT_GITHUB_COPILOT_FIXTURES as F,
  DEFAULT_GITHUB_COPILOT_ORG as ORG,
  DEFAULT_GITHUB_COPILOT_OTHER_ORG as OTHER_ORG,
  GithubCopilotState,
  INCLUDED_PREMIUM_REQUESTS,
  InvalidSeedError,
  USAGE_DAYS,
  USAGE_LAST_DAY,
  defaultGithubCopilotSeed,
  generateGithubCopilotSeed,
  parseGithubCopilotSeed,
  startGithubCopilotSimulator,
  type GithubCopilotSeed,
  type GithubCopilotSimulator,
} from './index.ts';
import { assertGithubError, get } from './simulator-test-kit.ts';

type Json = Record<string, any>;
const DAY = 86_400_000;
const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);
/** Dollars as GitHub writes them → cents; fails unless the amount is a whole number of cents. */
const cents = (dollars: number) => {
  const c = Math.round(dollars * 100);
  assert.equal(String(dollars), String(c / 100), `${dollars} is not an exact number of cents`);
  return c;
};

describe('github-copilot simulator: billing seed', () => {
  const seed = defaultGithubCopilotSeed();
  const seats = seed.seats.filter((s) => s.org === ORG).map((s) => s.user);

  it('premium requests for the 90 days ending 2026-11-27, for a subset of the seats, across several models', () => {
    const usage = seed.premium_request_usage.filter((u) => u.org === ORG);
    const days = [...new Set(usage.map((u) => u.day))].sort();
    assert.equal(days.length, USAGE_DAYS);
    assert.equal(days.at(-1), USAGE_LAST_DAY);
    assert.equal(Date.parse(`${days.at(-1)}T00:00:00Z`) - Date.parse(`${days[0]}T00:00:00Z`), (USAGE_DAYS - 1) * DAY);
    const users = new Set(usage.map((u) => u.user));
    assert.ok(users.size >= 40 && users.size < seats.length / 2, `${users.size} users with usage`);
    assert.ok([...users].every((u) => seats.includes(u)));
    assert.equal(users.has(F.neverUsed.login), false, 'a seat never used has no usage');
    assert.ok(new Set(usage.map((u) => u.model)).size >= 4);
    assert.ok(usage.every((u) => Number.isInteger(u.requests) && u.requests > 0));
    assert.equal(seed.billing_today, DEFAULT_BILLING_TODAY);
  });

  it('user budgets sit past the first ten seats (the first users page stays unbudgeted); one budgeted user has no usage', () => {
    const userBudgets = seed.budgets.filter((b) => b.scope === 'user');
    assert.ok(userBudgets.length >= 10);
    assert.ok(userBudgets.every((b) => seats.indexOf(b.user!) >= 10));
    assert.ok(userBudgets.some((b) => !seed.premium_request_usage.some((u) => u.user === b.user)));
    assert.ok(seed.budgets.some((b) => b.scope === 'organization'));
  });

  it('seeds from before billing still load; billing cross-references are checked', () => {
    const old = structuredClone(seed) as Json;
    delete old.premium_request_usage;
    delete old.budgets;
    delete old.billing_today;
    const parsed = parseGithubCopilotSeed(old);
    assert.deepEqual([parsed.premium_request_usage, parsed.budgets, parsed.billing_today], [[], [], DEFAULT_BILLING_TODAY]);
    const bad = (mutate: (s: GithubCopilotSeed) => void, message: RegExp) => {
      const s = defaultGithubCopilotSeed();
      mutate(s);
      assert.throws(
        () => parseGithubCopilotSeed(s),
        (e: unknown) => e instanceof InvalidSeedError && message.test(e.message),
      );
    };
    bad((s) => (s.premium_request_usage[0].user = 'ghost'), /premium_request_usage\[0\]\.user: unknown user "ghost"/);
    bad((s) => s.premium_request_usage.push({ ...s.premium_request_usage[0] }), /duplicate line/);
    bad((s) => (s.premium_request_usage[0].day = '2026-11-28'), /not before billing_today/);
    bad((s) => (s.premium_request_usage[0].requests = 1.5), /premium_request_usage\[0\]\.requests/);
    bad((s) => delete s.budgets.find((b) => b.scope === 'user')!.user, /a user-scope budget needs a user/);
    bad((s) => (s.budgets.find((b) => b.scope === 'user')!.prevent_further_usage = false), /must be true for user budgets/);
    bad((s) => (s.budgets.find((b) => b.scope === 'user')!.user = 'other-dev'), /"other-dev" is not a member of "tessera-sandbox"/);
  });

  it('generated seeds carry usage and budgets too, deterministically, without changing their seats', () => {
    const a = generateGithubCopilotSeed({ seats: 40, seed: 3 });
    assert.deepEqual(a, generateGithubCopilotSeed({ seats: 40, seed: 3 }));
    assert.ok(a.premium_request_usage.length > 0);
    assert.ok(a.budgets.some((b) => b.scope === 'user'));
    assert.equal(parseGithubCopilotSeed(a).premium_request_usage.length, a.premium_request_usage.length);
  });
});

describe('github-copilot simulator: premium request usage report', () => {
  let sim: GithubCopilotSimulator;
  let state: GithubCopilotState;
  const report = (query: string, token?: string) => get(`${sim.baseUrl}/organizations/${ORG}/settings/billing/premium_request/usage?${query}`, token);
  before(async () => {
    sim = await startGithubCopilotSimulator({ rateLimit: false });
    state = new GithubCopilotState(sim.state.snapshot());
  });
  after(() => sim.close());

  it('every month is the sum of its days; gross = discount + net; amounts are quantity × $0.04 to the cent', async () => {
    let grossCents = 0;
    for (const [year, month, days] of [
      [2026, 8, 31],
      [2026, 9, 30],
      [2026, 10, 31],
      [2026, 11, 30],
    ]) {
      const whole = await report(`year=${year}&month=${month}`);
      assert.equal(whole.status, 200);
      assert.deepEqual(whole.body.timePeriod, { year, month });
      const byModel = new Map<string, number[]>();
      for (let day = 1; day <= days; day++) {
        const one = await report(`year=${year}&month=${month}&day=${day}`);
        assert.deepEqual(one.body.timePeriod, { year, month, day });
        for (const i of one.body.usageItems) {
          const acc = byModel.get(i.model) ?? [0, 0, 0, 0, 0, 0];
          [i.grossQuantity, i.discountQuantity, i.netQuantity, cents(i.grossAmount), cents(i.discountAmount), cents(i.netAmount)].forEach(
            (v, k) => (acc[k] += v),
          );
          byModel.set(i.model, acc);
        }
      }
      for (const i of whole.body.usageItems as Json[]) {
        assert.equal(i.grossQuantity, i.discountQuantity + i.netQuantity);
        assert.deepEqual([i.product, i.sku, i.unitType, i.pricePerUnit], ['Copilot', 'Copilot Premium Request', 'requests', 0.04]);
        assert.equal(cents(i.grossAmount), i.grossQuantity * 4);
        assert.equal(cents(i.netAmount), i.netQuantity * 4);
        assert.equal(cents(i.discountAmount), cents(i.grossAmount) - cents(i.netAmount));
        assert.deepEqual(
          byModel.get(i.model),
          [i.grossQuantity, i.discountQuantity, i.netQuantity, cents(i.grossAmount), cents(i.discountAmount), cents(i.netAmount)],
          `${year}-${month} ${i.model}`,
        );
        grossCents += cents(i.grossAmount);
      }
      assert.equal(byModel.size, whole.body.usageItems.length);
    }
    // And the seed's own requests, at the list price, with no allowance logic in between.
    assert.equal(
      grossCents,
      sum(
        sim.state
          .snapshot()
          .premium_request_usage.filter((u) => u.org === ORG)
          .map((u) => u.requests),
      ) * 4,
    );
  });

  it('each user is included 300 premium requests a month; only what exceeds them is billed', async () => {
    const users = [
      ...new Set(
        state
          .premiumLines()
          .filter((l) => l.org === ORG)
          .map((l) => l.user),
      ),
    ];
    let billed = 0;
    for (const user of users) {
      for (const month of [9, 10, 11]) {
        const { body } = await report(`year=2026&month=${month}&user=${user}`);
        assert.equal(body.user, user);
        const gross = sum(body.usageItems.map((i: Json) => i.grossQuantity));
        const included = sum(body.usageItems.map((i: Json) => i.discountQuantity));
        assert.equal(included, Math.min(gross, INCLUDED_PREMIUM_REQUESTS.business), `${user} 2026-${month}`);
        if (gross > INCLUDED_PREMIUM_REQUESTS.business) billed++;
      }
    }
    assert.ok(billed >= 5, 'some users go beyond their allowance');
  });

  it('user, model and product filters are case-insensitive and echoed; an unknown user or the other org has nothing', async () => {
    const line = state.premiumLines().find((l) => l.org === ORG && l.day === USAGE_LAST_DAY)!;
    const [year, month, day] = line.day.split('-').map(Number);
    const filtered = await report(
      `year=${year}&month=${month}&day=${day}&user=${line.user.toUpperCase()}&model=${encodeURIComponent(line.model.toLowerCase())}&product=COPILOT`,
    );
    assert.deepEqual(Object.keys(filtered.body), ['timePeriod', 'organization', 'user', 'product', 'model', 'usageItems']);
    assert.deepEqual([filtered.body.user, filtered.body.model, filtered.body.product], [line.user.toUpperCase(), line.model.toLowerCase(), 'COPILOT']);
    assert.deepEqual(
      filtered.body.usageItems.map((i: Json) => [i.model, i.grossQuantity]),
      [[line.model, line.gross]],
    );
    assert.deepEqual((await report(`year=${year}&month=${month}&user=nobody-here`)).body.usageItems, []);
    const otherDev = state.premiumLines().find((l) => l.org === OTHER_ORG)!;
    assert.deepEqual((await report(`year=2026&month=11&user=${otherDev.user}`)).body.usageItems, [], "the other org's usage stays there");
  });

  it('year and month default to billing_today; bad values, impossible days and periods over 24 months old are 400; the future is empty', async () => {
    const now = await report('');
    assert.deepEqual(now.body.timePeriod, { year: 2026, month: 11 });
    assert.deepEqual(now.body, (await report('year=2026&month=11')).body);
    assertGithubError(await report('month=13'), 400, /month must be an integer between 1 and 12/);
    assertGithubError(await report('year=26'), 400, /year must be an integer with four digits/);
    assertGithubError(await report('day=abc'), 400, /Invalid value for day/);
    assertGithubError(await report('year=2026&month=2&day=30'), 400, 'Invalid date: 2026-02-30 is not a day of the calendar.');
    assertGithubError(await report('year=2024&month=11'), 400, 'Only data from the past 24 months is accessible via this endpoint.');
    assert.equal((await report('year=2024&month=12')).status, 200);
    assert.deepEqual((await report('year=2027&month=1')).body.usageItems, []);
  });

  it('owners only: a member is 403, an org the caller is not in 404, no token 401, a token without the scopes 403', async () => {
    assertGithubError(await report('', TOKENS.member), 403, /organization owner or billing manager/);
    assertGithubError(await get(`${sim.baseUrl}/organizations/${OTHER_ORG}/settings/billing/premium_request/usage`), 404, 'Not Found');
    assertGithubError(await get(`${sim.baseUrl}/organizations/no-such-org/settings/billing/budgets`), 404, 'Not Found');
    assertGithubError(await get(`${sim.baseUrl}/organizations/${ORG}/settings/billing/budgets`, null), 401, 'Requires authentication');
    assertGithubError(await report('', TOKENS.noScopes), 403, 'Resource not accessible by personal access token');
    assert.equal((await report('', TOKENS.fineGrained)).status, 200);
  });
});

describe('github-copilot simulator: budgets', () => {
  let sim: GithubCopilotSimulator;
  let state: GithubCopilotState;
  const budgets = (query: string) => get(`${sim.baseUrl}/organizations/${ORG}/settings/billing/budgets?${query}`);
  before(async () => {
    sim = await startGithubCopilotSimulator({ rateLimit: false });
    state = new GithubCopilotState(sim.state.snapshot());
  });
  after(() => sim.close());

  it('pages of per_page (default 10) with has_next_page and total_count, in seed order; scope filters', async () => {
    const all = state.budgets(ORG);
    const seen: string[] = [];
    for (let page = 1; ; page++) {
      const { body } = await budgets(`page=${page}`);
      assert.ok(body.budgets.length <= 10);
      assert.equal(body.total_count, all.length);
      seen.push(...body.budgets.map((b: Json) => b.id));
      if (!body.has_next_page) break;
    }
    assert.deepEqual(
      seen,
      all.map((b) => b.id),
    );
    const users = await budgets('scope=user&per_page=100');
    assert.equal(users.body.budgets.length, all.filter((b) => b.scope === 'user').length);
    assert.ok(users.body.budgets.every((b: Json) => b.budget_scope === 'user' && typeof b.user === 'string' && typeof b.consumed_amount === 'number'));
    assert.equal((await budgets('per_page=500')).body.budgets.length, all.length, 'per_page above 100 is served as 100');
    assert.deepEqual((await budgets('scope=galaxy')).body, { budgets: [], has_next_page: false, total_count: 0 });
  });

  it("user=: that user's budget, effective_budget, and consumed_amount = the user's billed premium requests this month", async () => {
    const month = state.billingToday.slice(0, 7);
    for (const b of state.budgets(ORG).filter((x) => x.scope === 'user')) {
      const { body } = await budgets(`scope=user&user=${b.user!.toUpperCase()}`);
      const consumed =
        sum(
          state
            .premiumLines()
            .filter((l) => l.user === b.user && l.day.startsWith(month))
            .map((l) => l.net),
        ) * 4;
      assert.deepEqual(
        body.budgets.map((x: Json) => x.id),
        [b.id],
      );
      assert.deepEqual(body.effective_budget, { id: b.id, budget_amount: b.amount, consumed_amount: consumed / 100 });
      assert.equal(cents(body.budgets[0].consumed_amount), consumed);
    }
    const none = await budgets(`scope=user&user=${F.owner.login}`);
    assert.deepEqual([none.body.budgets, 'effective_budget' in none.body], [[], false]);
  });

  it('budgets stop spending: no budgeted user is billed more than the budget in any month, and one reaches it', () => {
    let reached = 0;
    for (const b of state.budgets(ORG).filter((x) => x.scope === 'user')) {
      const byMonth = new Map<string, number>();
      for (const l of state.premiumLines().filter((x) => x.user === b.user)) byMonth.set(l.day.slice(0, 7), (byMonth.get(l.day.slice(0, 7)) ?? 0) + l.net * 4);
      for (const [month, spent] of byMonth) assert.ok(spent <= b.amount * 100, `${b.user} spent ${spent} cents in ${month}, budget ${b.amount * 100}`);
      if ([...byMonth.values()].some((spent) => spent > b.amount * 100 - 4)) reached++;
    }
    assert.ok(reached >= 1);
  });
});
