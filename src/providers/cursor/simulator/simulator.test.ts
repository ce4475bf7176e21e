/**
 * The Cursor simulator's own behaviour (docs/providers/sources.md §6): HTTP Basic auth,
 * the four routes with their bodies, paging and 400s, the 20-per-minute budget, the kit's faults
 * and hooks, seeds, and the `npm run simulator -- cursor` command. The numbers adding up has its
 * own file (simulator-numbers.test.ts).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import {
  buildCursorSeed,
  DEFAULT_CURSOR_FIXTURES as F,
  DEFAULT_CURSOR_REVOKED_KEY,
  DEFAULT_CURSOR_API_KEY,
  DAY_MS,
  defaultCursorSeed,
  MESSAGES,
  parseCursorSeed,
  SEED_CLOCK,
  SEED_FIRST_DAY,
  simulator,
  startCursorSimulator,
  type CursorSimulator,
} from './index.ts';
import { allDaily, assertCursorError, basic, get, hook, post } from './simulator-test-kit.ts';

const ms = (day: string) => Date.parse(`${day}T00:00:00Z`);
let sim: CursorSimulator;

before(async () => {
  sim = await startCursorSimulator({ rateLimits: false });
});
after(async () => {
  await sim?.close();
});

describe('cursor simulator: authentication (§6.1)', () => {
  test("HTTP Basic with a live key as username; everything else is a 401 in Cursor's body", async () => {
    const ok = await get(sim, '/teams/members');
    assert.equal(ok.status, 200);
    assert.ok(ok.headers.get('x-request-id'));
    assert.equal((await get(sim, '/teams/members', { authorization: basic(DEFAULT_CURSOR_API_KEY, 'ignored') })).status, 200, 'the password is not checked');
    assertCursorError(await get(sim, '/teams/members', { key: null }), 401, 'Unauthorized', MESSAGES.missingAuth);
    assertCursorError(await get(sim, '/teams/members', { authorization: `Bearer ${DEFAULT_CURSOR_API_KEY}` }), 401, 'Unauthorized', MESSAGES.missingAuth);
    assertCursorError(await get(sim, '/teams/members', { key: 'key_not_a_real_key_at_all' }), 401, 'Unauthorized', MESSAGES.invalidKey);
    assertCursorError(await post(sim, '/teams/spend', {}, { key: DEFAULT_CURSOR_REVOKED_KEY }), 401, 'Unauthorized', MESSAGES.invalidKey);
  });
});

describe('cursor simulator: GET /teams/members (§6.2)', () => {
  test('every member with the documented fields, removed ones flagged, no pagination', async () => {
    const { status, body } = await get(sim, '/teams/members');
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body), ['teamMembers']);
    assert.equal(body.teamMembers.length, 15);
    for (const m of body.teamMembers) assert.deepEqual(Object.keys(m), ['id', 'name', 'email', 'role', 'isRemoved']);
    assert.deepEqual(
      body.teamMembers.filter((m: any) => m.isRemoved).map((m: any) => m.id),
      [F.removed],
    );
    assert.deepEqual([...new Set(body.teamMembers.map((m: any) => m.role))].sort(), ['free-owner', 'member', 'owner']);
  });
});

describe('cursor simulator: POST /teams/spend (§6.3)', () => {
  test('current members only, paged by page/pageSize with totalPages, sorted as asked', async () => {
    const first = await post(sim, '/teams/spend', { pageSize: 4 });
    assert.equal(first.status, 200);
    assert.deepEqual(Object.keys(first.body), ['teamMemberSpend', 'subscriptionCycleStart', 'totalMembers', 'totalPages']);
    assert.equal(first.body.totalMembers, 14, 'the removed member has no spend row');
    assert.equal(first.body.totalPages, 4);
    assert.equal(first.body.subscriptionCycleStart, ms('2026-11-15'));
    const ids: number[] = [];
    for (let page = 1; page <= 4; page++) ids.push(...(await post(sim, '/teams/spend', { page, pageSize: 4 })).body.teamMemberSpend.map((r: any) => r.userId));
    assert.equal(new Set(ids).size, 14);
    assert.ok(!ids.includes(F.removed));
    assert.deepEqual((await post(sim, '/teams/spend', { page: 5, pageSize: 4 })).body.teamMemberSpend, []);
    const byAmount = (await post(sim, '/teams/spend', { sortBy: 'amount', sortDirection: 'asc', pageSize: 100 })).body.teamMemberSpend.map(
      (r: any) => r.spendCents,
    );
    assert.deepEqual(
      byAmount,
      [...byAmount].sort((a, b) => a - b),
    );
    const byUser = (await post(sim, '/teams/spend', { sortBy: 'user', sortDirection: 'asc', pageSize: 100 })).body.teamMemberSpend.map((r: any) =>
      (r.name || r.email).toLowerCase(),
    );
    assert.deepEqual(byUser, [...byUser].sort());
    const found = await post(sim, '/teams/spend', { searchTerm: 'TURING' });
    assert.deepEqual(
      found.body.teamMemberSpend.map((r: any) => r.userId),
      [F.centsLimit],
    );
    assert.equal(found.body.totalMembers, 1);
  });

  test('limits in dollars as the seed holds them; the effective limit only where known', async () => {
    const rows = new Map<number, any>((await post(sim, '/teams/spend', { pageSize: 100 })).body.teamMemberSpend.map((r: any) => [r.userId, r]));
    assert.deepEqual([rows.get(F.hardOverride).hardLimitOverrideDollars, rows.get(F.hardOverride).monthlyLimitDollars], [250, 100]);
    assert.equal(rows.get(F.effectiveLimit).effectivePerUserLimitDollars, 75.5);
    assert.equal('effectivePerUserLimitDollars' in rows.get(F.owner), false);
    assert.equal(rows.get(F.owner).monthlyLimitDollars, null);
    assert.equal(rows.get(F.centsLimit).monthlyLimitDollars, 12.99);
    assert.equal(rows.get(F.zeroLimit).monthlyLimitDollars, 0);
  });

  test("bad bodies are 400s in Cursor's body", async () => {
    assertCursorError(await post(sim, '/teams/spend', { sortBy: 'size' }), 400, 'Bad Request', 'sortBy must be one of: amount, date, user');
    assertCursorError(await post(sim, '/teams/spend', { pageSize: 501 }), 400, 'Bad Request', 'pageSize must be at most 500');
    assertCursorError(await post(sim, '/teams/spend', { page: 0 }), 400, 'Bad Request', 'page must be at least 1');
    assertCursorError(await post(sim, '/teams/spend', undefined, { rawBody: '{"page":' }), 400, 'Bad Request', 'Request body must be valid JSON');
    assertCursorError(await post(sim, '/teams/spend', [1]), 400, 'Bad Request', 'Request body must be a JSON object');
    assert.equal((await post(sim, '/teams/spend')).status, 200, 'an empty body takes the defaults');
  });
});

describe('cursor simulator: POST /teams/daily-usage-data (§6.4)', () => {
  const end = ms(SEED_CLOCK) + DAY_MS - 1;

  test('at most 30 days, both dates required, in epoch milliseconds', async () => {
    assertCursorError(await post(sim, '/teams/daily-usage-data', { endDate: end }), 400, 'Bad Request', 'startDate is required (epoch milliseconds)');
    assertCursorError(
      await post(sim, '/teams/daily-usage-data', { startDate: '2026-11-01', endDate: end }),
      400,
      'Bad Request',
      'startDate must be a date in epoch milliseconds',
    );
    assertCursorError(
      await post(sim, '/teams/daily-usage-data', { startDate: end - 30 * DAY_MS - 1, endDate: end }),
      400,
      'Bad Request',
      'Date range cannot exceed 30 days',
    );
    assertCursorError(
      await post(sim, '/teams/daily-usage-data', { startDate: end, endDate: end - 1 }),
      400,
      'Bad Request',
      'endDate must not be before startDate',
    );
    assert.equal(
      (await post(sim, '/teams/daily-usage-data', { startDate: end - 30 * DAY_MS, endDate: end, page: 1 })).status,
      200,
      'exactly 30 days is allowed',
    );
  });

  test('paged by members: every member-day of the span, documented fields, envelope with period and pagination', async () => {
    const start = ms('2026-11-21');
    const res = await post(sim, '/teams/daily-usage-data', { startDate: start, endDate: end, page: 1, pageSize: 4 });
    assert.deepEqual(Object.keys(res.body), ['data', 'period', 'pagination']);
    assert.deepEqual(res.body.period, { startDate: start, endDate: end });
    assert.deepEqual(res.body.pagination, { page: 1, pageSize: 4, totalUsers: 14, totalPages: 4, hasNextPage: true, hasPreviousPage: false });
    assert.equal(res.body.data.length, 4 * 7, 'four members, seven days each');
    const last = await post(sim, '/teams/daily-usage-data', { startDate: start, endDate: end, page: 4, pageSize: 4 });
    assert.deepEqual([last.body.pagination.hasNextPage, last.body.pagination.hasPreviousPage], [false, true]);
    const rows = await allDaily(sim, start, end);
    assert.equal(rows.length, 14 * 7, 'the removed member has no rows after removal');
    const active = rows.find((r) => r.isActive && r.mostUsedModel);
    assert.deepEqual(Object.keys(active).slice(0, 5), ['userId', 'day', 'date', 'email', 'isActive']);
    assert.equal(active.date, ms(active.day));
    const idle = rows.find((r) => r.userId === F.freeOwner);
    assert.equal(idle.isActive, false);
    assert.equal('mostUsedModel' in idle, false);
  });

  test('without page or pageSize only the active rows come back, unpaged', async () => {
    const start = ms('2026-11-21');
    const res = await post(sim, '/teams/daily-usage-data', { startDate: start, endDate: end });
    assert.deepEqual(Object.keys(res.body), ['data', 'period']);
    assert.ok(res.body.data.length > 0 && res.body.data.every((r: any) => r.isActive));
    assert.equal(res.body.data.length, (await allDaily(sim, start, end)).filter((r) => r.isActive).length);
  });

  test('rows exist while a member is on the team, up to the clock day', async () => {
    const rows = await allDaily(sim, ms('2026-10-01'), ms('2026-10-30'));
    const ken = rows.filter((r) => r.userId === F.removed).map((r) => r.day);
    assert.equal(ken[ken.length - 1], '2026-10-09', 'removed on 2026-10-10');
    const frances = rows.filter((r) => r.userId === 100015).map((r) => r.day);
    assert.equal(frances[0], '2026-10-19', 'joined on 2026-10-19');
    const future = await allDaily(sim, ms('2026-11-20'), ms('2026-12-10'));
    assert.equal(
      future
        .map((r) => r.day)
        .sort()
        .at(-1),
      SEED_CLOCK,
    );
  });
});

describe('cursor simulator: POST /teams/filtered-usage-events (§6.4)', () => {
  const start = ms('2026-11-20');
  const end = ms('2026-11-21') - 1;

  test('newest first, 10 a page by default, the documented envelope and event fields', async () => {
    const res = await post(sim, '/teams/filtered-usage-events', { startDate: start, endDate: end });
    assert.deepEqual(Object.keys(res.body), ['totalUsageEventsCount', 'pagination', 'usageEvents', 'period']);
    assert.equal(res.body.usageEvents.length, 10);
    const { numPages, currentPage, pageSize, hasNextPage, hasPreviousPage } = res.body.pagination;
    assert.deepEqual([currentPage, pageSize, hasNextPage, hasPreviousPage], [1, 10, true, false]);
    assert.equal(numPages, Math.ceil(res.body.totalUsageEventsCount / 10));
    const times = res.body.usageEvents.map((e: any) => Number(e.timestamp));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
    assert.ok(times.every((t: number) => t >= start && t <= end));
    assert.equal(typeof res.body.usageEvents[0].timestamp, 'string', 'epoch ms as a string (§2.2)');
    assertCursorError(
      await post(sim, '/teams/filtered-usage-events', { startDate: start, endDate: end, pageSize: 501 }),
      400,
      'Bad Request',
      'pageSize must be at most 500',
    );
  });

  test('email (any case) and userId select one member; events carry the email lower-cased', async () => {
    const byEmail = await post(sim, '/teams/filtered-usage-events', {
      startDate: ms('2026-11-01'),
      endDate: end,
      email: 'LIN.CHEN@tessera.EXAMPLE',
      pageSize: 500,
    });
    assert.ok(byEmail.body.totalUsageEventsCount > 0);
    assert.ok(byEmail.body.usageEvents.every((e: any) => e.userEmail === 'lin.chen@tessera.example'));
    const byId = await post(sim, '/teams/filtered-usage-events', { startDate: ms('2026-11-01'), endDate: end, userId: F.mixedCase, pageSize: 500 });
    assert.deepEqual(byId.body.usageEvents, byEmail.body.usageEvents);
    const nobody = await post(sim, '/teams/filtered-usage-events', { startDate: start, endDate: end, email: 'nobody@tessera.example' });
    assert.deepEqual([nobody.body.totalUsageEventsCount, nobody.body.usageEvents.length, nobody.body.pagination.numPages], [0, 0, 0]);
  });

  test('without dates: the 30 days up to now, never before the seed clock', async () => {
    const now = ms('2026-11-29') + 3_600_000;
    const pinned = await startCursorSimulator({ rateLimits: false, now: () => now });
    try {
      const res = await post(pinned, '/teams/filtered-usage-events', {});
      assert.deepEqual(res.body.period, { startDate: now - 30 * DAY_MS, endDate: now });
    } finally {
      await pinned.close();
    }
  });
});

describe('cursor simulator: rate limit (§6.1)', () => {
  test('20 requests a minute per team by default; the 21st is a 429 with the documented body', async () => {
    const limited = await startCursorSimulator();
    try {
      for (let i = 0; i < 20; i++) assert.equal((await get(limited, '/teams/members')).status, 200, `request ${i + 1}`);
      const refused = await post(limited, '/teams/spend', {});
      assertCursorError(refused, 429, 'Too Many Requests', 'Rate limit exceeded. Please try again later.');
      assert.equal(refused.headers.get('retry-after'), null, 'Cursor documents no Retry-After');
      await hook(limited, 'POST', '/reset');
      assert.equal((await get(limited, '/teams/members')).status, 200, 'reset clears the window');
    } finally {
      await limited.close();
    }
  });

  test('the window slides; refused requests do not count; the kit switch turns it off', async () => {
    const limited = await startCursorSimulator({ rateLimit: { limit: 2, windowMs: 400 } });
    try {
      assert.equal((await get(limited, '/teams/members')).status, 200);
      assert.equal((await get(limited, '/teams/members')).status, 200);
      assert.equal((await get(limited, '/teams/members')).status, 429);
      await new Promise((r) => setTimeout(r, 450));
      assert.equal((await get(limited, '/teams/members')).status, 200);
    } finally {
      await limited.close();
    }
    for (let i = 0; i < 25; i++) assert.equal((await get(sim, '/teams/members')).status, 200, 'rateLimits: false never refuses');
  });
});

describe('cursor simulator: faults, hooks and seeds', () => {
  test("injected faults and unknown routes answer in Cursor's error body", async () => {
    sim.injectFault({ path: '/teams/spend', status: 503 });
    assertCursorError(await post(sim, '/teams/spend', {}), 503, 'Service Unavailable', /try again later/);
    assert.equal((await post(sim, '/teams/spend', {})).status, 200, 'one fault, one request');
    assertCursorError(await get(sim, '/teams/nope'), 404, 'Not Found', 'Not Found');
  });

  test('the seed is deterministic, validated with paths, and can be replaced and restored', async () => {
    const seed = defaultCursorSeed();
    assert.deepEqual(seed, defaultCursorSeed());
    assert.notDeepEqual(buildCursorSeed(2).events, seed.events);
    assert.equal(new Date(ms(SEED_CLOCK) - 89 * DAY_MS).toISOString().slice(0, 10), SEED_FIRST_DAY, '90 days up to the clock');
    assert.ok(seed.events.every((e) => e.at.slice(0, 10) >= SEED_FIRST_DAY && e.at.slice(0, 10) <= SEED_CLOCK));
    assert.ok(seed.events.length > 5000 && seed.activity.length > 500, `${seed.events.length} events, ${seed.activity.length} member-days`);
    assert.throws(() => parseCursorSeed({ ...seed, events: [{ ...seed.events[0], user_id: 999 }] }), /events\[0\]\.user_id: unknown member 999/);
    assert.throws(() => parseCursorSeed({ ...seed, events: [{ ...seed.events[0], model: 'gpt-9' }] }), /events\[0\]\.model: no price for model "gpt-9"/);
    const bad = await hook(sim, 'POST', '/seed', { ...seed, clock: 'yesterday' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /clock: must be a day/);
    const tiny = { ...seed, members: seed.members.slice(0, 2), events: [], activity: [] };
    assert.equal((await hook(sim, 'POST', '/seed', tiny)).status, 200);
    assert.equal((await get(sim, '/teams/members')).body.teamMembers.length, 2);
    assert.equal((await post(sim, '/teams/spend', {})).body.teamMemberSpend[0].spendCents, 0);
    assert.equal((await hook(sim, 'GET', '/seed')).body.members.length, 2);
    sim.reset();
    assert.equal((await get(sim, '/teams/members')).body.teamMembers.length, 15);
  });

  test('npm run simulator -- cursor: banner with the key, serves the API, --rate-limit, stops on SIGTERM', async () => {
    const opts = simulator.cli!.toOptions!({ 'random-seed': '3', 'rate-limit': '5' });
    assert.deepEqual(opts.options, { rateLimit: { limit: 5, windowMs: 60_000 } });
    assert.deepEqual(opts.seed, buildCursorSeed(3));
    const main = fileURLToPath(new URL('../../../simulator-kit/cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', main, 'cursor', '--port', '0', '--quiet', '--rate-limit', '1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8');
    const baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 30_000);
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        const m = /listening: (http:\/\/\S+)/.exec(out);
        if (m && out.includes(DEFAULT_CURSOR_API_KEY)) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
    });
    assert.match(out, /15 members \(1 removed\), \d+ usage events/);
    const auth = { authorization: basic(DEFAULT_CURSOR_API_KEY) };
    assert.equal((await fetch(`${baseUrl}/teams/members`, { headers: auth })).status, 200);
    assert.equal((await fetch(`${baseUrl}/teams/members`, { headers: auth })).status, 429, '--rate-limit 1');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
