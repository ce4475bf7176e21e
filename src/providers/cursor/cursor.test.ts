/**
 * The Cursor integration (docs/providers/sources.md §6) over HTTP, through a real Tessera
 * and the Cursor simulator: unified users (list and get), organizations and products, remote
 * errors, the proxy, and the declared request budget of 20 calls a minute. Usage rows have their
 * own file (cursor-usage.test.ts). Nothing here is Cursor-specific engine code.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { schemaValidator } from '../../../test/helpers/schema.ts';
import {
  clearFaults,
  clearSimRequests,
  connect,
  getJson,
  injectFault,
  listAll,
  simCall,
  simRequests,
  startCursorStack,
  unifiedUrl,
  type CursorStack,
  type Json,
} from './cursor-test-kit.ts';
import { DEFAULT_CURSOR_FIXTURES as F, DEFAULT_CURSOR_TEAM as TEAM } from './simulator/index.ts';

const validUser = schemaValidator('usage-metering', 'users');
const validOrganization = schemaValidator('usage-metering', 'organizations');
const validProduct = schemaValidator('usage-metering', 'products');
const DAY = 86_400_000;
let s: CursorStack;
let account: string;
const url = (resource: string, query = '', id?: string) => unifiedUrl(account, resource, query, id);

before(async () => {
  // Short waits, so the budget test gets its 429 at once instead of sleeping through the minute.
  s = await startCursorStack({ TESSERA_UPSTREAM_MAX_RETRY_WAIT_S: '2' });
  account = await connect(s);
});
after(async () => {
  await s?.stack.close();
});

describe('users on Cursor', () => {
  test('one page holds every member, removed ones included; every record validates; ids unique', async () => {
    const { records, pages } = await listAll(s, account, 'users', 'limit=5');
    assert.equal(pages, 1, 'Cursor lists members without pagination');
    const members = (await simCall(s, 'GET', '/teams/members')).teamMembers as Json[];
    assert.deepEqual(
      records.map((r) => r.id),
      members.map((m) => String(m.id)),
    );
    for (const r of records) assert.equal(validUser(r), null, JSON.stringify(r));
    assert.deepEqual(
      records.filter((r) => r.status === 'deleted').map((r) => r.id),
      [String(F.removed)],
    );
  });

  test('each member maps per §6.5: names split at the last space, roles, the team, spend limits in integer cents', async () => {
    const byId = new Map((await listAll(s, account, 'users')).records.map((r) => [r.id, r]));
    const { remote_data, last_active_at, ...ada } = byId.get(String(F.owner))!;
    assert.deepEqual(ada, {
      id: String(F.owner),
      name: 'Ada Lovelace',
      first_name: 'Ada',
      last_name: 'Lovelace',
      emails: [{ email: 'ada@tessera.example', is_primary: true }],
      organization: { id: String(TEAM.id), name: TEAM.name },
      roles: [{ id: 'owner', name: 'owner' }],
      status: 'active',
    });
    assert.deepEqual(remote_data, { id: F.owner, name: 'Ada Lovelace', email: 'ada@tessera.example', role: 'owner', isRemoved: false });
    assert.equal(typeof last_active_at, 'string');
    const user = (id: number) => byId.get(String(id))!;
    assert.deepEqual([user(F.threeWords).first_name, user(F.threeWords).last_name], ['Mary Jane', 'Watson']);
    assert.deepEqual([user(F.singleName).first_name, 'last_name' in user(F.singleName)], ['Prince', false]);
    assert.equal(user(F.noName).name, 'build-bot@tessera.example', 'no name: the email');
    assert.equal('first_name' in user(F.noName), false);
    assert.deepEqual(user(F.freeOwner).roles, [{ id: 'free-owner', name: 'free-owner' }]);
    // The first positive of effective, hard override, monthly; dollars × 100 by shifting the point.
    assert.deepEqual(user(F.effectiveLimit).spend_limit, { amount: 7550, currency: 'USD' });
    assert.deepEqual(user(F.hardOverride).spend_limit, { amount: 25000, currency: 'USD' });
    assert.deepEqual(user(F.centsLimit).spend_limit, { amount: 1299, currency: 'USD' });
    assert.deepEqual(user(F.threeWords).spend_limit, { amount: 10000, currency: 'USD' });
    for (const none of [F.owner, F.zeroLimit, F.removed]) assert.equal('spend_limit' in user(none), false, `no spend_limit for ${none}`);
    assert.deepEqual(user(F.mixedCase).emails, [{ email: 'Lin.Chen@Tessera.example', is_primary: true }], 'emitted as Cursor gives it');
    assert.deepEqual(user(F.mixedCase).spend_limit, { amount: 10000, currency: 'USD' }, 'joined with spend case-insensitively');
  });

  test('last_active_at is the latest active day of the last 30 days of the daily report', async () => {
    const { records } = await listAll(s, account, 'users');
    const end = Date.now();
    const rows: Json[] = [];
    for (let page = 1; ; page++) {
      const res = await simCall(s, 'POST', '/teams/daily-usage-data', { startDate: end - 30 * DAY, endDate: end, page, pageSize: 100 });
      rows.push(...res.data);
      if (!res.pagination.hasNextPage) break;
    }
    for (const r of records) {
      const days = rows.filter((d) => d.isActive && d.email.toLowerCase() === r.emails[0].email.toLowerCase()).map((d) => d.date as number);
      const expected = days.length ? new Date(Math.max(...days)).toISOString() : undefined;
      assert.equal(r.last_active_at, expected, `last_active_at of ${r.id}`);
    }
    const idle = records.find((r) => r.id === String(F.idle))!;
    assert.equal('last_active_at' in idle, false, 'idle for 40 days: no activity in the window');
  });

  test('one list is three upstream calls: members, then spend and the 30-day report as POST bodies', async () => {
    await clearSimRequests(s);
    await listAll(s, account, 'users');
    const calls = (await simRequests(s)).map((r) => ({ method: r.method, path: r.path, query: r.query, body: r.body }));
    assert.deepEqual(
      calls.map((c) => `${c.method} ${c.path}`),
      ['POST /teams/spend', 'POST /teams/daily-usage-data', 'GET /teams/members'],
    );
    for (const c of calls) assert.deepEqual(c.query, {}, 'nothing in the URL');
    assert.deepEqual(calls[0].body, { pageSize: 100, page: 1 });
    const daily = calls[1].body;
    assert.deepEqual(Object.keys(daily).sort(), ['endDate', 'page', 'pageSize', 'startDate']);
    assert.equal(daily.endDate - daily.startDate, 30 * DAY, "Cursor's maximum span");
  });

  test('a get right after a list answers from the record index, its spend still joined, without re-reading the members', async () => {
    await listAll(s, account, 'users');
    await clearSimRequests(s);
    const byId = await getJson(s, url('users', '', String(F.hardOverride)));
    assert.equal(byId.status, 200, byId.text);
    assert.deepEqual(byId.body.spend_limit, { amount: 25000, currency: 'USD' }, "the lookup's own steps ran");
    const calls = (await simRequests(s)).map((r) => `${r.method} ${r.path}`);
    assert.ok(!calls.includes('GET /teams/members'), `no scan: ${calls.join(', ')}`);
    assert.ok(calls.includes('POST /teams/spend'), `the spend the mapping joins was read: ${calls.join(', ')}`);
  });

  test('get by numeric id and by email (any case); unknown ids are 404', async () => {
    const byId = await getJson(s, url('users', '', String(F.hardOverride)));
    assert.equal(byId.status, 200, byId.text);
    assert.equal(byId.body.name, 'Margaret Hamilton');
    assert.deepEqual(byId.body.spend_limit, { amount: 25000, currency: 'USD' }, 'a get joins the spend too');
    assert.equal(validUser(byId.body), null);
    const byEmail = await getJson(s, url('users', '', 'LIN.CHEN@tessera.example'));
    assert.equal(byEmail.status, 200);
    assert.equal(byEmail.body.id, String(F.mixedCase));
    const removed = await getJson(s, url('users', '', String(F.removed)));
    assert.equal(removed.body.status, 'deleted');
    for (const id of ['999999', 'nobody@tessera.example']) {
      const missing = await getJson(s, url('users', '', id));
      assert.equal(missing.status, 404, missing.text);
      assert.equal(missing.body.code, 'TESSERA_RECORD_NOT_FOUND');
    }
  });
});

describe('organizations and products on Cursor', () => {
  test('the team from the connection, as the one organization; get by its id, 404 otherwise', async () => {
    const list = await getJson(s, url('organizations'));
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.next_cursor, null);
    assert.deepEqual(
      list.body.result.map((o: Json) => [o.id, o.name]),
      [[String(TEAM.id), TEAM.name]],
    );
    assert.equal(validOrganization(list.body.result[0]), null);
    const one = await getJson(s, url('organizations', '', String(TEAM.id)));
    assert.equal(one.status, 200);
    assert.equal(one.body.name, TEAM.name);
    assert.equal((await getJson(s, url('organizations', '', '42'))).status, 404);
  });

  test('one product, cursor, the product of every usage row', async () => {
    const list = await getJson(s, url('products'));
    assert.equal(list.status, 200, list.text);
    assert.deepEqual(
      list.body.result.map((p: Json) => [p.id, p.name]),
      [['cursor', 'Cursor']],
    );
    assert.equal(validProduct(list.body.result[0]), null);
  });
});

describe('remote errors on Cursor', () => {
  test("a 500 surfaces with Cursor's message; a 503 and a 429 are retried", async () => {
    await injectFault(s, { path: '/teams/members', status: 500, body: { error: 'Internal Server Error', message: 'Database unavailable' } });
    const failed = await getJson(s, url('organizations'));
    assert.equal(failed.status, 500);
    assert.equal(failed.body.truto_is_remote_error, true);
    assert.equal(failed.body.message, 'Database unavailable');
    await injectFault(s, { path: '/teams/members', status: 503 });
    await injectFault(s, { path: '/teams/members', status: 429 });
    assert.equal((await getJson(s, url('organizations'))).status, 200, 'retried through a 503 and a 429');
    await clearFaults(s);
  });

  test("a 400 names Cursor's reason; a 401 marks the account for re-authentication", async () => {
    const spare = await connect(s);
    await injectFault(s, { path: '/teams/spend', status: 400, body: { error: 'Bad Request', message: 'pageSize must be at most 500' } });
    const bad = await getJson(s, unifiedUrl(spare, 'users'));
    assert.equal(bad.status, 400);
    assert.equal(bad.body.message, 'pageSize must be at most 500');
    await injectFault(s, { path: '/teams/members', status: 401 });
    const unauthorized = await getJson(s, unifiedUrl(spare, 'products'));
    assert.equal(unauthorized.status, 401);
    assert.equal(unauthorized.body.message, 'Invalid API key');
    const after = await getJson(s, unifiedUrl(spare, 'products'));
    assert.equal(after.status, 401);
    assert.match(after.body.message, /needs re-authentication/);
    await clearFaults(s);
  });
});

describe('the proxy and the request budget', () => {
  test('proxy lists: members as Cursor sends them; events paged in the body, the proxy limit as pageSize', async () => {
    const members = await getJson(s, `/proxy/members?integrated_account_id=${account}`);
    assert.equal(members.status, 200, members.text);
    assert.equal(members.body.result.length, 15);
    await clearSimRequests(s);
    const events = await getJson(s, `/proxy/usage_events?integrated_account_id=${account}&limit=5`);
    assert.equal(events.status, 200, events.text);
    assert.equal(events.body.result.length, 5);
    const next = await getJson(s, `/proxy/usage_events?integrated_account_id=${account}&limit=5&next_cursor=${encodeURIComponent(events.body.next_cursor)}`);
    assert.equal(next.body.result.length, 5);
    assert.notDeepEqual(next.body.result, events.body.result);
    assert.deepEqual(
      (await simRequests(s)).map((r) => r.body),
      [
        { page: 1, pageSize: 5 },
        { page: 2, pageSize: 5 },
      ],
    );
  });

  test('the declared 20 calls a minute: Tessera refuses the 21st itself, with Retry-After, and never sends it', async () => {
    const paced = await connect(s, null);
    await clearSimRequests(s);
    let refused: Awaited<ReturnType<typeof getJson>> | undefined;
    for (let i = 0; i < 25 && !refused; i++) {
      const res = await getJson(s, unifiedUrl(paced, 'products'));
      if (res.status !== 200) refused = res;
    }
    assert.ok(refused, 'the budget ran out');
    assert.equal(refused.status, 429, refused.text);
    assert.equal(refused.body.code, 'TESSERA_UPSTREAM_BUDGET_SPENT');
    const wait = Number(refused.headers.get('retry-after'));
    assert.ok(wait > 2 && wait <= 60, `Retry-After ${wait}`);
    const sent = (await simRequests(s)).length;
    assert.ok(sent <= 20, `at most 20 upstream calls in the minute, counting the connection's validation: ${sent}`);
  });
});
