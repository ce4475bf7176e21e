/**
 * Cursor usage rows (docs/providers/sources.md §6.6, §3) over HTTP, through a real Tessera
 * and the Cursor simulator: the window fanned out in Cursor's 30-day spans, the daily report and
 * the usage events followed to the end through next_cursor, every row valid against the unified
 * schema with a unique deterministic id, and the charges adding up to the simulator's own cycle
 * totals from POST /teams/spend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { schemaValidator } from '../../../test/helpers/schema.ts';
import {
  clearSimRequests,
  connect,
  getJson,
  listAll,
  millicents,
  simCall,
  simRequests,
  startCursorStack,
  unifiedUrl,
  type CursorStack,
  type Json,
} from './cursor-test-kit.ts';
import { DEFAULT_CURSOR_FIXTURES as F, DEFAULT_CURSOR_TEAM as TEAM, SEED_CLOCK, SEED_CYCLE_START, SEED_FIRST_DAY } from './simulator/index.ts';

const validUsage = schemaValidator('usage-metering', 'usage');
const DAY = 86_400_000;
const ms = (day: string) => Date.parse(`${day}T00:00:00Z`);
const END_DAY = new Date(ms(SEED_CLOCK) + DAY).toISOString().slice(0, 10);
const WHOLE = `start_date=${SEED_FIRST_DAY}&end_date=${END_DAY}`;
let s: CursorStack;
let account: string;
let rows: Json[];
/** What the simulator received for that listing. */
let calls: Awaited<ReturnType<typeof simRequests>>;

/** Integer cents, half away from zero, from the number's text: the rule the mapping must follow (§2.1). */
function roundedCents(cents: number): number {
  const [whole, fraction = '0'] = String(Math.abs(cents)).split('.');
  const r = Number(whole) + (Number(fraction[0]) >= 5 ? 1 : 0);
  return cents < 0 ? -r : r;
}

before(async () => {
  s = await startCursorStack();
  account = await connect(s);
  await clearSimRequests(s);
  rows = (await listAll(s, account, 'usage', WHOLE)).records;
  calls = await simRequests(s);
});
after(async () => {
  await s?.stack.close();
});

describe('usage on Cursor: the whole 90 days', () => {
  test('every member-day and every event, once, valid, inside the window, each row a real period', async () => {
    const daily = rows.filter((r) => r.metric_name === 'daily_usage');
    const events = rows.filter((r) => r.metric_name === 'usage_event');
    assert.equal(daily.length + events.length, rows.length);
    // The simulator's own count of events in the window (every page reports the same total).
    const first = await simCall(s, 'POST', '/teams/filtered-usage-events', { startDate: ms(SEED_FIRST_DAY), endDate: ms(END_DAY) - 1, page: 1, pageSize: 500 });
    const simEvents = first.totalUsageEventsCount;
    assert.equal(events.length, simEvents, 'every usage event');
    const memberDays = new Set(daily.map((r) => `${r.user.id}@${r.start_date}`));
    assert.equal(memberDays.size, daily.length, 'one row per member per day');
    assert.ok(daily.length > 1000, String(daily.length));
    for (const r of rows) {
      assert.equal(validUsage(r), null, JSON.stringify(r));
      assert.ok(r.start_date < r.end_date, r.id);
      assert.ok(r.start_date >= `${SEED_FIRST_DAY}T00:00:00` && r.end_date <= `${END_DAY}T00:00:00.000Z`, r.id);
      assert.deepEqual(r.organization, { id: String(TEAM.id), name: TEAM.name });
      assert.deepEqual(r.product, { id: 'cursor', name: 'Cursor' });
    }
    const again = await listAll(s, account, 'usage', `start_date=2026-11-26&end_date=${END_DAY}`);
    const sameDays = rows.filter((r) => r.start_date >= '2026-11-26');
    assert.deepEqual(again.records.map((r) => r.id).sort(), sameDays.map((r) => r.id).sort(), 'ids are deterministic');
  });

  test('the window went out as 30-day spans in POST bodies, the daily report never beyond its 30 days', () => {
    const daily = calls.filter((c) => c.path === '/teams/daily-usage-data');
    const events = calls.filter((c) => c.path === '/teams/filtered-usage-events');
    assert.deepEqual(
      daily.map((c) => [c.body.startDate, c.body.endDate]),
      [0, 1, 2].map((i) => [ms(SEED_FIRST_DAY) + i * 30 * DAY, ms(SEED_FIRST_DAY) + (i + 1) * 30 * DAY - 1]),
    );
    for (const c of [...daily, ...events]) {
      assert.equal(c.method, 'POST');
      assert.deepEqual(c.query, {}, 'nothing in the URL');
      assert.ok(c.body.endDate - c.body.startDate < 30 * DAY);
    }
    assert.ok(
      daily.every((c) => c.body.pageSize === 100 && c.body.page === 1),
      'one page of up to 100 members per span',
    );
    assert.ok(events.length > 3 && events.every((c) => c.body.pageSize === 100), String(events.length));
    assert.equal(calls.filter((c) => c.path === '/teams/members').length, 1, 'the members side load is cached');
  });
});

describe('usage on Cursor: rows per §6.6', () => {
  test("daily rows: requests by kind, editor counters, activity; the model's vendor from its id", () => {
    const daily = rows.filter((r) => r.metric_name === 'daily_usage');
    for (const r of daily) {
      const d = r.remote_data;
      assert.equal(r.id, `cursor:daily_usage:${d.day}T00:00:00.000Z:${d.userId}:cursor`);
      assert.equal(Date.parse(r.end_date) - Date.parse(r.start_date), DAY);
      assert.deepEqual(r.usage.requests, {
        total: d.composerRequests + d.chatRequests + d.agentRequests + d.cmdkUsages + d.bugbotUsages,
        composer: d.composerRequests,
        chat: d.chatRequests,
        agent: d.agentRequests,
        cmdk: d.cmdkUsages,
        tab_shown: d.totalTabsShown,
        tab_accepted: d.totalTabsAccepted,
        included: d.subscriptionIncludedReqs,
        api_key: d.apiKeyReqs,
        usage_based: d.usageBasedReqs,
        bugbot: d.bugbotUsages,
      });
      assert.equal(r.usage.code.lines_added, d.totalLinesAdded);
      assert.equal(r.usage.code.rejects, d.totalRejects);
      assert.equal(r.usage.activity.is_active, d.isActive);
      assert.equal(r.usage.activity.client_version, d.clientVersion);
      assert.equal(r.model?.id, d.mostUsedModel);
      assert.equal('charges' in r, false, 'money comes from the events');
    }
    const providers = new Map(daily.filter((r) => r.model).map((r) => [r.model.id, r.model.provider]));
    assert.deepEqual(Object.fromEntries(providers), {
      'claude-4-sonnet': 'anthropic',
      'claude-4.1-opus': 'anthropic',
      'gpt-5': 'openai',
      'gemini-2.5-pro': 'google',
      'cursor-small': 'cursor',
    });
  });

  test('event rows: the member found by email, tokens, max mode, a charge per billed kind', () => {
    const events = rows.filter((r) => r.metric_name === 'usage_event');
    const kinds = new Set<string>();
    for (const r of events) {
      const e = r.remote_data;
      kinds.add(e.kind);
      const at = new Date(Number(e.timestamp)).toISOString();
      assert.equal(r.id, `cursor:usage_events:${at}:${e.userEmail}:${e.model}`);
      assert.deepEqual([r.start_date, Date.parse(r.end_date) - Date.parse(r.start_date)], [at, 1]);
      assert.equal(r.user.email, e.userEmail);
      assert.match(r.user.id, /^\d+$/, 'joined with the members side load');
      assert.equal(r.usage.activity.max_mode, e.maxMode);
      assert.equal(r.usage.requests.total, 1);
      if (e.tokenUsage) {
        const t = e.tokenUsage;
        assert.deepEqual(r.usage.tokens, {
          input: t.inputTokens,
          output: t.outputTokens,
          cache_read: t.cacheReadTokens,
          cache_write: t.cacheWriteTokens,
          total: t.inputTokens + t.outputTokens + t.cacheReadTokens + t.cacheWriteTokens,
        });
      } else assert.equal('tokens' in r.usage, false);
      if (e.kind === 'Usage-based') {
        assert.deepEqual(r.charges, [
          { amount: roundedCents(e.chargedCents), currency: 'USD', type: 'usage_based' },
          // The fee is part of the charge; one that rounds to 0 cents is left out.
          ...(roundedCents(e.cursorTokenFee) > 0 ? [{ amount: roundedCents(e.cursorTokenFee), currency: 'USD', type: 'platform_fee' }] : []),
        ]);
      } else if (e.kind === 'Included in Business') {
        assert.deepEqual(r.charges, [{ amount: roundedCents(e.chargedCents), currency: 'USD', type: 'included' }]);
        assert.equal(r.usage.requests[e.isFreeBugbot ? 'bugbot' : 'included'], 1);
      } else assert.equal('charges' in r, false, `${e.kind} charges nothing`);
    }
    assert.deepEqual([...kinds].sort(), ['Errored, Not Charged', 'Included in Business', 'Usage-based', 'User API Key']);
    const lin = events.filter((r) => r.user.id === String(F.mixedCase));
    assert.ok(
      lin.length > 0 && lin.every((r) => r.user.email === 'lin.chen@tessera.example' && r.user.name === 'Lin Chen'),
      'a capitalised member email still joins',
    );
  });

  test("the cycle's charges add up to POST /teams/spend: exactly in Cursor's cents, within half a cent a row once rounded", async (t) => {
    const spend = await simCall(s, 'POST', '/teams/spend', { pageSize: 500 });
    assert.equal(spend.subscriptionCycleStart, ms(SEED_CYCLE_START));
    const inCycle = rows.filter((r) => r.metric_name === 'usage_event' && Date.parse(r.start_date) >= spend.subscriptionCycleStart);
    for (const [type, field] of [
      ['usage_based', 'spendCents'],
      ['included', 'includedSpendCents'],
    ] as const) {
      const charged = inCycle.filter((r) => r.charges?.[0].type === type);
      const simTotal = spend.teamMemberSpend.reduce((acc: number, m: Json) => acc + millicents(m[field]), 0);
      const exact = charged.reduce((acc, r) => acc + millicents(r.remote_data.chargedCents), 0);
      const rounded = charged.reduce((acc, r) => acc + r.charges[0].amount, 0);
      assert.equal(exact, simTotal, `${type}: the events' own cents equal the simulator's ${field} total`);
      assert.ok(Math.abs(rounded * 1000 - simTotal) <= 500 * charged.length, `${type}: rounding moves the sum by at most half a cent a row`);
      for (const m of spend.teamMemberSpend) {
        const mine = charged.filter((r) => r.user.id === String(m.userId)).reduce((acc, r) => acc + millicents(r.remote_data.chargedCents), 0);
        assert.equal(mine, millicents(m[field]), `${type} of ${m.email}`);
      }
      t.diagnostic(`${type}: ${charged.length} rows sum to ${rounded} cents (exact ${exact / 1000}); simulator ${field} total ${simTotal / 1000} cents`);
    }
  });
});

describe('usage on Cursor: the query', () => {
  test('default window: the last 7 days up to the end of today', async () => {
    await clearSimRequests(s);
    const { records } = await listAll(s, account, 'usage');
    const today = Math.floor(Date.now() / DAY) * DAY;
    const calls = (await simRequests(s)).filter((c) => c.path === '/teams/daily-usage-data');
    assert.deepEqual([calls[0].body.startDate, calls[0].body.endDate], [today - 6 * DAY, today + DAY - 1]);
    assert.ok(records.every((r) => Date.parse(r.start_date) >= today - 6 * DAY && Date.parse(r.end_date) <= today + DAY));
  });

  test("user_ids keeps one member's rows, by numeric id or by email", async () => {
    const window = `start_date=2026-11-20&end_date=${END_DAY}`;
    const byId = (await listAll(s, account, 'usage', `${window}&user_ids[]=${F.mixedCase}`)).records;
    assert.ok(byId.length > 8 && byId.every((r) => r.user.id === String(F.mixedCase)));
    assert.ok(byId.some((r) => r.metric_name === 'usage_event'));
    const byEmail = (await listAll(s, account, 'usage', `${window}&user_ids=Lin.Chen@Tessera.example`)).records;
    assert.deepEqual(
      byEmail.map((r) => r.id),
      byId.map((r) => r.id),
    );
  });

  test('limit sizes the pages: members per daily page so that rows ≈ limit, events per page = limit', async () => {
    await clearSimRequests(s);
    const first = await getJson(s, unifiedUrl(account, 'usage', `start_date=2026-11-18&end_date=${END_DAY}&limit=30`));
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.result.length, 30, 'three members of ten days');
    const calls = await simRequests(s);
    assert.equal(calls.find((c) => c.path === '/teams/daily-usage-data')!.body.pageSize, 3);
  });

  test('windows and parameters Cursor cannot serve are 400s that say why', async () => {
    const cases: [string, RegExp][] = [
      ['start_date=2026-01-01&end_date=2026-11-01', /spans 304 days; cursor allows at most 90 days per request/],
      ['start_date=2026-11-10&end_date=2026-11-01', /end_date .* must be after start_date/],
      ['start_date=last-week', /start_date must be an ISO 8601 date/],
      ['model_ids[]=gpt-5', /model_ids is not supported by cursor for usage-metering\/usage list; it accepts: start_date, end_date, user_ids/],
      ['group_by[]=user', /group_by is not supported by cursor/],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await getJson(s, unifiedUrl(account, 'usage', query));
      assert.equal(status, 400, query);
      assert.equal(body.code, 'TESSERA_INVALID_QUERY');
      assert.match(body.message, message);
    }
  });
});
