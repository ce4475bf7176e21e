/**
 * The Cursor simulator's numbers add up, read back through its own API only (never its state):
 * docs/providers/sources.md §6.3 and §6.4 say summed event chargedCents reconcile with
 * /teams/spend, overall = on-demand + included, and the daily report counts the day's requests.
 * All sums are in integer millicents (cents have at most three decimals).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DAY_MS,
  DEFAULT_MODEL_PRICES,
  DEFAULT_CURSOR_FIXTURES as F,
  SEED_CLOCK,
  SEED_CYCLE_START,
  SEED_FIRST_DAY,
  startCursorSimulator,
  tokenCostMillicents,
  type CursorSimulator,
} from './index.ts';
import { allDaily, allEvents, mc, post } from './simulator-test-kit.ts';

const ms = (day: string) => Date.parse(`${day}T00:00:00Z`);
const END = ms(SEED_CLOCK) + DAY_MS - 1;
const PRICES = new Map(DEFAULT_MODEL_PRICES.map((p) => [p.model, p]));
let sim: CursorSimulator;
let events: any[];

before(async () => {
  sim = await startCursorSimulator({ rateLimits: false });
  events = await allEvents(sim, { startDate: ms(SEED_FIRST_DAY), endDate: END });
});
after(async () => {
  await sim?.close();
});

describe('cursor simulator: money', () => {
  test('each event: list price of its tokens, plus the token fee when on-demand, nothing when not charged', () => {
    assert.ok(events.length > 5000, String(events.length));
    const kinds = new Set<string>();
    for (const e of events) {
      kinds.add(e.kind);
      const t = e.tokenUsage;
      const charged = mc(e.chargedCents);
      if (e.kind === 'Errored, Not Charged') {
        assert.equal(t, undefined);
        assert.equal(charged, 0);
        continue;
      }
      const list = tokenCostMillicents(
        { input: t.inputTokens, output: t.outputTokens, cache_write: t.cacheWriteTokens, cache_read: t.cacheReadTokens },
        PRICES.get(e.model)!,
      );
      if (e.kind === 'User API Key') {
        assert.deepEqual([mc(t.totalCents), charged], [0, 0], 'the member pays their own provider');
      } else if (e.kind === 'Usage-based') {
        assert.equal(mc(t.totalCents), list);
        assert.ok(mc(e.cursorTokenFee) > 0);
        assert.equal(charged, list + mc(e.cursorTokenFee));
        assert.equal(e.isChargeable, true);
      } else {
        assert.equal(mc(t.totalCents), list);
        assert.equal(charged, e.isFreeBugbot ? 0 : list);
        assert.equal('cursorTokenFee' in e, false);
      }
    }
    assert.deepEqual([...kinds].sort(), ['Errored, Not Charged', 'Included in Business', 'Usage-based', 'User API Key']);
  });

  test('cycle spend = Σ usage-based events since the cycle start; included = Σ included; overall = both', async (t) => {
    const spend = await post(sim, '/teams/spend', { pageSize: 100 });
    const cycleStart = spend.body.subscriptionCycleStart;
    assert.equal(cycleStart, ms(SEED_CYCLE_START));
    const inCycle = events.filter((e) => Number(e.timestamp) >= cycleStart);
    let teamOnDemand = 0;
    let teamIncluded = 0;
    for (const row of spend.body.teamMemberSpend) {
      const mine = inCycle.filter((e) => e.userEmail === row.email.toLowerCase());
      const sum = (kind: string) => mine.filter((e) => e.kind === kind).reduce((acc, e) => acc + mc(e.chargedCents), 0);
      assert.equal(mc(row.spendCents), sum('Usage-based'), `spendCents of ${row.email}`);
      assert.equal(mc(row.includedSpendCents), sum('Included in Business'), `includedSpendCents of ${row.email}`);
      assert.equal(mc(row.overallSpendCents), mc(row.spendCents) + mc(row.includedSpendCents), `overallSpendCents of ${row.email}`);
      const premium = mine.filter((e) => e.kind === 'Included in Business' && !e.isFreeBugbot && mc(e.tokenUsage.totalCents) > 0).length;
      assert.equal(row.fastPremiumRequests, premium, `fastPremiumRequests of ${row.email}`);
      teamOnDemand += mc(row.spendCents);
      teamIncluded += mc(row.includedSpendCents);
    }
    const eventsOnDemand = inCycle.filter((e) => e.kind === 'Usage-based').reduce((acc, e) => acc + mc(e.chargedCents), 0);
    assert.equal(teamOnDemand, eventsOnDemand, 'the team total matches too: no event belongs to a member without a spend row');
    assert.ok(teamOnDemand > 0 && teamIncluded > 0);
    t.diagnostic(`cycle since ${SEED_CYCLE_START}: ${inCycle.length} events; on-demand ${teamOnDemand / 1000} cents, included ${teamIncluded / 1000} cents`);
  });

  test("on-demand spend stays within each member's effective limit (§6.5 order); capped members fall back to the free model", async () => {
    const rows = (await post(sim, '/teams/spend', { pageSize: 100 })).body.teamMemberSpend;
    for (const r of rows) {
      const dollars = [r.effectivePerUserLimitDollars, r.hardLimitOverrideDollars, r.monthlyLimitDollars].find((d) => typeof d === 'number' && d > 0);
      if (dollars !== undefined) assert.ok(mc(r.spendCents) <= Math.round(dollars * 100) * 1000, `${r.email} within $${dollars}`);
    }
    const capped = rows.find((r: any) => r.userId === F.centsLimit);
    assert.ok(mc(capped.spendCents) > 1_000_000, 'the $12.99 member reaches their limit');
    const free = events.filter((e) => e.userEmail === capped.email && e.model === 'cursor-small' && Number(e.timestamp) >= ms(SEED_CYCLE_START));
    assert.ok(free.length > 0, 'and keeps working on cursor-small');
  });
});

describe('cursor simulator: the daily report counts the events', () => {
  test("for every member-day of the 90 days, request counts are counts of that day's events", async (t) => {
    const rows: any[] = [];
    for (let start = ms(SEED_FIRST_DAY); start <= END; start += 30 * DAY_MS) rows.push(...(await allDaily(sim, start, Math.min(start + 30 * DAY_MS - 1, END))));
    const byKey = new Map<string, any[]>();
    for (const e of events) {
      const key = `${e.userEmail}@${new Date(Number(e.timestamp)).toISOString().slice(0, 10)}`;
      byKey.set(key, [...(byKey.get(key) ?? []), e]);
    }
    let matched = 0;
    for (const r of rows) {
      const mine = byKey.get(`${r.email.toLowerCase()}@${r.day}`) ?? [];
      matched += mine.length;
      const work = mine.filter((e) => !e.isFreeBugbot);
      const where = `${r.email} ${r.day}`;
      assert.equal(r.composerRequests + r.chatRequests + r.agentRequests + r.cmdkUsages, work.length, where);
      assert.equal(r.subscriptionIncludedReqs, work.filter((e) => e.kind === 'Included in Business').length, where);
      assert.equal(r.usageBasedReqs, work.filter((e) => e.kind === 'Usage-based').length, where);
      assert.equal(r.apiKeyReqs, work.filter((e) => e.kind === 'User API Key').length, where);
      assert.equal(r.bugbotUsages, mine.length - work.length, where);
      if (work.length) {
        const counts = new Map<string, number>();
        for (const e of work) counts.set(e.model, (counts.get(e.model) ?? 0) + 1);
        const top = Math.max(...counts.values());
        assert.equal(counts.get(r.mostUsedModel), top, `${where}: mostUsedModel is a most used model`);
        assert.equal(r.isActive, true, where);
      } else assert.equal('mostUsedModel' in r, false, where);
      assert.ok(
        r.acceptedLinesAdded <= r.totalLinesAdded && r.totalAccepts + r.totalRejects <= r.totalApplies && r.totalTabsAccepted <= r.totalTabsShown,
        where,
      );
    }
    assert.equal(matched, events.length, 'every event falls on a reported member-day');
    t.diagnostic(`${rows.length} member-days (${rows.filter((r) => r.isActive).length} active) account for ${events.length} events`);
  });
});
