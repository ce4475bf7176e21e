/**
 * GitHub Copilot money end to end (docs/providers/sources.md §7.4–§7.6): the unified usage
 * list over the premium-request report, and users' spend_limit from budgets, over HTTP against
 * the sandbox account that `startTestStack()` connects to the simulator. The expected numbers
 * are the simulator's own: its seed (read back from `/__sim/seed`) run through its own
 * allocation, and its own month reports.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DEFAULT_GITHUB_COPILOT_ORG as ORG,
  DEFAULT_GITHUB_COPILOT_ORG_ID as ORG_ID,
  DEFAULT_GITHUB_COPILOT_SEAT_COUNT as SEAT_COUNT,
  DEFAULT_GITHUB_COPILOT_TOKEN as TOKEN,
  GithubCopilotState,
  USAGE_DAYS,
  USAGE_LAST_DAY,
  priceCentsOf,
  type GithubCopilotSeed,
  type PremiumLine,
} from './simulator/index.ts';
import { schemaValidator } from '../../../test/helpers/schema.ts';
import { simulatorOrigin, startTestStack, type TestStack } from '../../../test/helpers/stack.ts';

type Json = Record<string, any>;

const validUsage = schemaValidator('usage-metering', 'usage');
const validUser = schemaValidator('usage-metering', 'users');
const DAY = 86_400_000;
const FIRST_DAY = new Date(Date.parse(`${USAGE_LAST_DAY}T00:00:00Z`) - (USAGE_DAYS - 1) * DAY).toISOString().slice(0, 10);
const END = new Date(Date.parse(`${USAGE_LAST_DAY}T00:00:00Z`) + DAY).toISOString().slice(0, 10);

let stack: TestStack;
let account: string;
let sim: string;
let seed: GithubCopilotSeed;
let lines: PremiumLine[];
let price: number;

const usageUrl = (query: string) => `/unified/usage-metering/usage?integrated_account_id=${account}&${query}`;
const usersUrl = (query: string, id?: string) =>
  `/unified/usage-metering/users${id ? `/${encodeURIComponent(id)}` : ''}?integrated_account_id=${account}&${query}`;

async function getJson(path: string) {
  const res = await stack.api(path);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : ({} as Json), text };
}

/** Every page from next_cursor to the end; every row schema-valid. */
async function listAll(query: string) {
  const rows: Json[] = [];
  let cursor = '';
  let pages = 0;
  do {
    const { status, body, text } = await getJson(usageUrl(`${query}&next_cursor=${encodeURIComponent(cursor)}`));
    assert.equal(status, 200, text);
    assert.equal(body.result_count, body.result.length);
    for (const row of body.result) assert.equal(validUsage(row), null, JSON.stringify(row));
    rows.push(...body.result);
    cursor = body.next_cursor ?? '';
    assert.ok(++pages <= 200, 'paging did not terminate');
  } while (cursor);
  return { rows, pages };
}

const charge = (row: Json, type: string): number => row.charges.find((c: Json) => c.type === type).amount;
const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);
const simRequests = async () =>
  ((await (await fetch(`${sim}/__sim/requests`)).json()) as { requests: { path: string; query: Record<string, string> }[] }).requests;

/** The simulator's own org-wide totals for a day or a month, in cents, from its own lines. */
function totals(prefix: string, user?: string) {
  const mine = lines.filter((l) => l.org === ORG && l.day.startsWith(prefix) && (user === undefined || l.user.toLowerCase() === user.toLowerCase()));
  return {
    gross: sum(mine.map((l) => l.gross)) * price,
    discount: sum(mine.map((l) => l.discount)) * price,
    net: sum(mine.map((l) => l.net)) * price,
    lines: mine,
  };
}

before(async () => {
  stack = await startTestStack();
  account = stack.accounts['github-copilot'];
  sim = simulatorOrigin(stack.simulators['github-copilot']);
  seed = (await (await fetch(`${sim}/__sim/seed`)).json()) as GithubCopilotSeed;
  const state = new GithubCopilotState(seed);
  lines = state.premiumLines();
  price = priceCentsOf(state.org(ORG)!);
});
after(async () => {
  await stack?.close();
});

describe('GET /unified/usage-metering/usage on GitHub Copilot (premium requests)', () => {
  let rows: Json[];

  test('the 90 seeded days list to the end, one day per page and per GitHub call; ids unique; every day adds up to the simulator', async () => {
    await fetch(`${sim}/__sim/requests`, { method: 'DELETE' });
    const listed = await listAll(`start_date=${FIRST_DAY}&end_date=${END}&report_type=cost`);
    rows = listed.rows;
    assert.equal(listed.pages, USAGE_DAYS);
    assert.equal(new Set(rows.map((r) => r.id)).size, rows.length, 'ids are unique across pages');
    const calls = (await simRequests()).filter((r) => r.path.endsWith('/premium_request/usage'));
    assert.equal(calls.length, USAGE_DAYS);
    assert.deepEqual(calls[0].query, { year: FIRST_DAY.slice(0, 4), month: String(Number(FIRST_DAY.slice(5, 7))), day: String(Number(FIRST_DAY.slice(8))) });
    assert.ok(calls.every((c) => c.path === `/organizations/${ORG}/settings/billing/premium_request/usage`));

    // One row per (day, product, SKU, model) the simulator holds for the org.
    const groups = new Set(totals('').lines.map((l) => `${l.day}/${l.product}/${l.sku}/${l.model}`));
    assert.equal(rows.length, groups.size);
    for (let ms = Date.parse(`${FIRST_DAY}T00:00:00Z`); ms < Date.parse(`${END}T00:00:00Z`); ms += DAY) {
      const day = new Date(ms).toISOString().slice(0, 10);
      const ofDay = rows.filter((r) => r.start_date === `${day}T00:00:00Z`);
      const want = totals(day);
      assert.deepEqual(
        {
          gross: sum(ofDay.map((r) => charge(r, 'total'))),
          discount: sum(ofDay.map((r) => charge(r, 'discount'))),
          net: sum(ofDay.map((r) => charge(r, 'net'))),
        },
        { gross: want.gross, discount: want.discount, net: want.net },
        day,
      );
    }
    const all = totals('');
    assert.equal(sum(rows.map((r) => charge(r, 'net'))), all.net);
    // Independent of the allocation: gross is every seeded request at the list price.
    assert.equal(sum(rows.map((r) => charge(r, 'total'))), sum(seed.premium_request_usage.filter((u) => u.org === ORG).map((u) => u.requests)) * price);
    process.stdout.write(
      `# github-copilot usage: ${rows.length} rows over ${USAGE_DAYS} days = ${all.gross} cents gross, ${all.discount} included, ${all.net} billed\n`,
    );
  });

  test("each month's rows add up to the simulator's own month report", async () => {
    for (const month of [...new Set(rows.map((r) => r.start_date.slice(0, 7)))]) {
      const res = await fetch(
        `${stack.simulators['github-copilot']}/organizations/${ORG}/settings/billing/premium_request/usage?year=${month.slice(0, 4)}&month=${Number(month.slice(5))}`,
        {
          headers: { authorization: `Bearer ${TOKEN}` },
        },
      );
      const report = (await res.json()) as Json;
      const cents = (type: string) => sum(report.usageItems.map((i: Json) => Math.round(i[type] * 100)));
      const ofMonth = rows.filter((r) => r.start_date.startsWith(month));
      assert.equal(sum(ofMonth.map((r) => charge(r, 'total'))), cents('grossAmount'), month);
      assert.equal(sum(ofMonth.map((r) => charge(r, 'discount'))), cents('discountAmount'), month);
      assert.equal(sum(ofMonth.map((r) => charge(r, 'net'))), cents('netAmount'), month);
      assert.equal(sum(ofMonth.map((r) => r.usage.requests.total)), sum(report.usageItems.map((i: Json) => i.grossQuantity)), month);
    }
  });

  test('rows map per §7.6: one day, the org, product copilot, the model and its vendor, gross = included + billed', () => {
    for (const r of rows) {
      const day = r.start_date.slice(0, 10);
      assert.equal(r.end_date, `${new Date(Date.parse(r.start_date) + DAY).toISOString().slice(0, 10)}T00:00:00Z`);
      assert.equal(r.id, `github-copilot:premium_request:${r.start_date}:-:${r.model.id}:${r.metric_name}`);
      assert.deepEqual(r.product, { id: 'copilot', name: 'Copilot' });
      assert.equal(r.metric_name, 'Copilot Premium Request');
      assert.deepEqual(r.organization, { id: String(ORG_ID), name: ORG });
      assert.equal('user' in r, false, 'org-wide rows name no user');
      const provider = /^claude/i.test(r.model.id) ? 'anthropic' : /^(gpt|o\d)/i.test(r.model.id) ? 'openai' : undefined;
      assert.equal(r.model.provider, provider, r.model.id);
      const { total, included, usage_based } = r.usage.requests;
      assert.equal(total, included + usage_based);
      assert.equal(r.usage.quantity, usage_based);
      assert.equal(r.usage.unit, 'requests');
      assert.equal(charge(r, 'total'), charge(r, 'discount') + charge(r, 'net'));
      assert.equal(charge(r, 'total'), total * price);
      assert.ok(r.charges.every((c: Json) => c.currency === 'USD' && Number.isInteger(c.amount)));
      assert.deepEqual(r.remote_data.timePeriod, { year: Number(day.slice(0, 4)), month: Number(day.slice(5, 7)), day: Number(day.slice(8)) });
    }
    assert.ok(
      rows.some((r) => r.model.provider === undefined),
      'a model of no inferable vendor (Gemini) has none',
    );
  });

  test("user_ids: one user's rows, named by login, adding up to the simulator's totals and never above their budget", async () => {
    const budgets = seed.budgets.filter((b) => b.org === ORG && b.scope === 'user');
    // The budgeted user who spent the most in a month: stopped at the budget by the seed.
    const spend = (login: string, month: string) => totals(month, login).net;
    const months = [...new Set(rows.map((r) => r.start_date.slice(0, 7)))];
    const [budget, month] = budgets.flatMap((b) => months.map((m) => [b, m] as const)).sort((a, b) => spend(b[0].user!, b[1]) - spend(a[0].user!, a[1]))[0];
    const login = budget.user!;
    const start = `${month}-01`;
    const end = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5)), 1)).toISOString().slice(0, 10);
    const { rows: mine, pages } = await listAll(`start_date=${start}&end_date=${end < END ? end : END}&user_ids[]=${login.toUpperCase()}&report_type=cost`);
    assert.ok(pages >= 27);
    assert.ok(mine.length > 0);
    for (const r of mine) {
      assert.deepEqual(r.user, { id: login.toLowerCase() });
      assert.match(r.id, new RegExp(`^github-copilot:premium_request:${r.start_date}:${login.toLowerCase()}:`));
    }
    const want = totals(month, login);
    assert.equal(sum(mine.map((r) => charge(r, 'net'))), want.net);
    assert.equal(sum(mine.map((r) => charge(r, 'total'))), want.gross);
    assert.equal(mine.length, new Set(want.lines.map((l) => `${l.day}/${l.model}`)).size);
    assert.ok(want.net > 0 && want.net <= budget.amount * 100, `${login} spent ${want.net} cents of a ${budget.amount * 100}-cent budget in ${month}`);
    const calls = (await simRequests()).filter((r) => r.path.endsWith('/premium_request/usage'));
    assert.equal(calls.at(-1)!.query.user, login.toUpperCase());
  });

  test('model_ids and product_ids narrow the report at GitHub', async () => {
    const day = rows[rows.length - 1].start_date.slice(0, 10);
    const next = new Date(Date.parse(`${day}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
    const model = rows[rows.length - 1].model.id;
    const { rows: only } = await listAll(`start_date=${day}&end_date=${next}&model_ids=${encodeURIComponent(model.toLowerCase())}&product_ids=COPILOT`);
    assert.deepEqual(
      only.map((r) => r.id),
      rows.filter((r) => r.start_date.startsWith(day) && r.model.id === model).map((r) => r.id),
    );
    const calls = (await simRequests()).filter((r) => r.path.endsWith('/premium_request/usage'));
    assert.equal(calls.at(-1)!.query.model, model.toLowerCase());
    assert.equal(calls.at(-1)!.query.product, 'COPILOT');
  });

  test('a day without usage is an empty page that still leads on; the default window lists too', async () => {
    // Two days from "today" on: each an empty premium-request page and an empty metrics page (GitHub's 204: not yet reported).
    const { rows: none, pages } = await listAll(`start_date=${END}&end_date=${new Date(Date.parse(`${END}T00:00:00Z`) + 2 * DAY).toISOString().slice(0, 10)}`);
    assert.deepEqual([none.length, pages], [0, 4]);
    const { status, body } = await getJson(usageUrl(''));
    assert.equal(status, 200);
    assert.ok(Array.isArray(body.result));
  });

  test('what GitHub cannot answer is a 400 naming the parameter, before any call', async () => {
    await fetch(`${sim}/__sim/requests`, { method: 'DELETE' });
    const cases: [string, RegExp][] = [
      ['start_date=2026-06-01&end_date=2026-11-28', /at most 92 days/],
      ['start_date=2026-11-10&end_date=2026-11-01', /must be after/],
      ['start_date=yesterday', /ISO 8601/],
      ['user_ids=octo-admin,mona-team', /user_ids must NOT have more than 1 item/],
      ['user_ids=-bad-', /user_ids/],
      ['group_by=user', /group_by is not supported by github-copilot/],
      ['date=2026-11-01', /date is not supported by github-copilot/],
      ['report_type=money', /report_type must be equal to one of the allowed values; allowed: cost, usage/],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await getJson(usageUrl(query));
      assert.equal(status, 400, query);
      assert.match(body.message, message, query);
    }
    assert.deepEqual(
      (await simRequests()).filter((r) => r.path.includes('/settings/billing/') || r.path.includes('/copilot/metrics/')),
      [],
    );
  });

  test("GitHub's errors on the report surface as remote errors; a 503 is retried", async () => {
    const path = `/organizations/${ORG}/settings/billing/premium_request/usage`;
    const inject = (spec: Json) =>
      fetch(`${sim}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
    await inject({ path, status: 503, count: 1 });
    assert.equal((await getJson(usageUrl('start_date=2026-11-20&end_date=2026-11-21'))).status, 200);
    await inject({ path, status: 500, count: 10 });
    const failed = await getJson(usageUrl('start_date=2026-11-20&end_date=2026-11-21'));
    await fetch(`${sim}/__sim/faults`, { method: 'DELETE' });
    assert.equal(failed.status, 500);
    assert.equal(failed.body.truto_is_remote_error, true);
    assert.equal(failed.body.message, 'Server Error');
  });
});

describe('spend_limit on GitHub Copilot users (budgets, §7.5)', () => {
  test('every user with a user budget carries it in cents; nobody else has one', async () => {
    const { status, body } = await getJson(usersUrl('truto_ignore_limit=true&truto_ignore_remote_data=true'));
    assert.equal(status, 200);
    assert.equal(body.result.length, SEAT_COUNT);
    const logins = new Map(seed.users.map((u) => [String(u.id), u.login.toLowerCase()]));
    const budgets = new Map(seed.budgets.filter((b) => b.org === ORG && b.scope === 'user' && b.amount > 0).map((b) => [b.user!.toLowerCase(), b.amount]));
    let limited = 0;
    for (const user of body.result) {
      assert.equal(validUser(user), null, JSON.stringify(user));
      const dollars = budgets.get(logins.get(user.id)!);
      if (dollars === undefined) assert.equal('spend_limit' in user, false, user.id);
      else {
        assert.deepEqual(user.spend_limit, { amount: dollars * 100, currency: 'USD' });
        limited++;
      }
    }
    assert.equal(limited, budgets.size);
    assert.ok(limited >= 10);
  });

  test('a get by login carries the spend_limit; the budgets side load is cached', async () => {
    const budget = seed.budgets.find((b) => b.org === ORG && b.scope === 'user' && b.amount > 0)!;
    await fetch(`${sim}/__sim/requests`, { method: 'DELETE' });
    const { status, body } = await getJson(usersUrl('', budget.user!));
    assert.equal(status, 200);
    assert.deepEqual(body.spend_limit, { amount: budget.amount * 100, currency: 'USD' });
    assert.equal(body.remote_data.assignee.login, budget.user);
    const paths = (await simRequests()).map((r) => r.path);
    assert.equal(paths.includes(`/organizations/${ORG}/settings/billing/budgets`), false, 'cached since the list above');
  });
});
