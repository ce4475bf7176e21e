/**
 * The OpenAI integration (docs/providers/sources.md §4) end to end over HTTP: unified
 * users, workspaces, organizations and usage against the sandbox account that
 * `startTestStack()` connects to the OpenAI simulator. The integration is the YAML beside this
 * file; nothing here is OpenAI-specific engine code.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { schemaValidator } from '../../../test/helpers/schema.ts';
import { simulatorOrigin, startTestStack, type TestStack } from '../../../test/helpers/stack.ts';
import {
  DEFAULT_OPENAI_ADMIN_KEY as ADMIN_KEY,
  DEFAULT_OPENAI_FIXTURES as F,
  DEFAULT_OPENAI_ORG as ORG,
  DEFAULT_OPENAI_PENDING_INVITE_COUNT,
  DEFAULT_OPENAI_USER_COUNT,
  USAGE_END_S,
} from './simulator/index.ts';

type Json = Record<string, any>;

const validUser = schemaValidator('usage-metering', 'users');
const validWorkspace = schemaValidator('usage-metering', 'workspaces');
const validOrganization = schemaValidator('usage-metering', 'organizations');
const validUsage = schemaValidator('usage-metering', 'usage');
let stack: TestStack;
let account: string;
let sim: string;
let simApi: string;

const url = (resource: string, query = '', id?: string) =>
  `/unified/usage-metering/${resource}${id ? `/${encodeURIComponent(id)}` : ''}?integrated_account_id=${account}${query ? `&${query}` : ''}`;

async function getJson(path: string) {
  const res = await stack.api(path);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : ({} as Json), text };
}

/** Every page of a unified list, following next_cursor. */
async function listAll(resource: string, query: string) {
  const records: Json[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const { status, body, text } = await getJson(url(resource, `${query}${cursor ? `&next_cursor=${encodeURIComponent(cursor)}` : ''}`));
    assert.equal(status, 200, text);
    assert.equal(body.result_count, body.result.length);
    records.push(...body.result);
    cursor = body.next_cursor;
    pages++;
  } while (cursor && pages < 200);
  assert.equal(cursor, null, 'paging terminates');
  return { records, pages };
}

/** The simulator's own answer, read directly (not through Tessera). */
async function simGet(path: string): Promise<Json> {
  const res = await fetch(`${simApi}${path}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  assert.equal(res.status, 200);
  return (await res.json()) as Json;
}

async function simRequests(): Promise<{ path: string; query: Record<string, string | string[]> }[]> {
  return ((await (await fetch(`${sim}/__sim/requests`)).json()) as { requests: [] }).requests;
}

before(async () => {
  stack = await startTestStack();
  account = stack.accounts.openai;
  assert.ok(account, 'the sandbox connects an openai account');
  simApi = stack.simulators.openai;
  sim = simulatorOrigin(simApi);
});
after(async () => {
  await stack?.close();
});

describe('users on OpenAI', () => {
  test('pages follow next_cursor to the end: users then pending invites, no duplicates, all valid', async () => {
    await fetch(`${sim}/__sim/requests`, { method: 'DELETE' });
    const { records, pages } = await listAll('users', 'limit=5');
    const ids = records.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length, 'no duplicates');
    assert.equal(records.length, DEFAULT_OPENAI_USER_COUNT + DEFAULT_OPENAI_PENDING_INVITE_COUNT);
    for (const r of records) assert.equal(validUser(r), null, JSON.stringify(r));
    // Read the log before asking the simulator directly (those calls are logged too).
    const calls = (await simRequests()).filter((r) => r.path === '/v1/organization/users');
    const users = (await simGet('/organization/users?limit=100')).data as Json[];
    const invites = ((await simGet('/organization/invites?limit=100')).data as Json[]).filter((i) => i.status === 'pending');
    assert.deepEqual(ids, [...users.map((u) => u.id), ...invites.map((i) => i.id)], 'users in OpenAI order, then pending invites');
    assert.equal(pages, 4, '12 users in pages of 5, then the invites');
    assert.ok(
      calls.every((c) => c.query.limit === '5'),
      JSON.stringify(calls),
    );
    assert.deepEqual(
      calls.slice(1).map((c) => c.query.after),
      calls.slice(0, -1).map((_, i) => users[(i + 1) * 5 - 1].id),
      'after = the previous last_id',
    );
  });

  test('every user maps per §4.9: names split at the last space, key use as last activity, status', async () => {
    const { records } = await listAll('users', 'limit=100');
    const byId = new Map(records.map((r) => [r.id, r]));
    const { remote_data, ...ada } = byId.get(F.owner)!;
    assert.deepEqual(ada, {
      id: F.owner,
      name: 'Ada Lovelace',
      first_name: 'Ada',
      last_name: 'Lovelace',
      emails: [{ email: 'ada@tessera.example', is_primary: true }],
      organization: { id: ORG.id, name: ORG.name },
      roles: [{ id: 'owner', name: 'owner' }],
      status: 'active',
      created_at: new Date(remote_data.added_at * 1000).toISOString(),
      last_active_at: new Date(remote_data.api_key_last_used_at * 1000).toISOString(),
    });
    const mary = byId.get(F.threeWords)!;
    assert.deepEqual([mary.first_name, mary.last_name], ['Mary Ann', 'Evans']);
    const cher = byId.get(F.singleName)!;
    assert.equal(cher.first_name, undefined);
    assert.equal(cher.last_name, undefined);
    assert.equal(byId.get(F.noName)!.name, 'ops-reader@tessera.example');
    assert.equal(byId.get(F.deactivated)!.status, 'inactive');
    assert.equal('last_active_at' in byId.get(F.neverUsedKey)!, false);
    const invited = records.filter((r) => r.status === 'invited');
    assert.deepEqual(invited.map((r) => r.id).sort(), [F.invites.pending, F.invites.pendingOwner].sort());
    assert.equal(byId.has(F.invites.accepted), false, 'an accepted invite is already a user');
  });

  test('get by user id and by pending invite id; unknown ids are 404', async () => {
    const user = await getJson(url('users', '', F.secondOwner));
    assert.equal(user.status, 200, user.text);
    assert.equal(user.body.name, 'Grace Hopper');
    assert.equal(validUser(user.body), null);
    const invite = await getJson(url('users', '', F.invites.pendingOwner));
    assert.equal(invite.status, 200);
    assert.equal(invite.body.status, 'invited');
    assert.deepEqual(invite.body.roles, [{ id: 'owner', name: 'owner' }]);
    for (const id of ['user-doesnotexist', F.invites.accepted]) {
      const missing = await getJson(url('users', '', id));
      assert.equal(missing.status, 404, missing.text);
      assert.equal(missing.body.code, 'TESSERA_RECORD_NOT_FOUND');
    }
  });

  test('OpenAI errors surface with their message, code and request id', async () => {
    const message = 'You have insufficient permissions for this operation. Missing scopes: api.management.read.';
    await fetch(`${sim}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        path: '/v1/organization/users',
        status: 403,
        body: { error: { message, type: 'invalid_request_error', param: null, code: 'insufficient_scope' } },
      }),
    });
    const { status, body, headers } = await getJson(url('users', 'limit=2'));
    await fetch(`${sim}/__sim/faults`, { method: 'DELETE' });
    assert.equal(status, 403);
    assert.equal(body.truto_is_remote_error, true);
    assert.equal(body.message, `${message} (insufficient_scope)`);
    assert.ok(headers.get('x-request-id'), 'the provider request id is forwarded');
  });
});

describe('workspaces and organizations on OpenAI', () => {
  test('workspaces are every project, archived ones too, with the organization', async () => {
    const { records } = await listAll('workspaces', 'limit=2');
    const projects = (await simGet('/organization/projects?include_archived=true&limit=100')).data as Json[];
    assert.deepEqual(
      records.map((r) => r.id),
      projects.map((p) => p.id),
    );
    for (const r of records) {
      assert.equal(validWorkspace(r), null, JSON.stringify(r));
      assert.deepEqual(r.organization, { id: ORG.id, name: ORG.name });
    }
    const legacy = await getJson(url('workspaces', '', F.projects.legacy));
    assert.equal(legacy.status, 200);
    assert.equal(legacy.body.name, 'Legacy Experiments');
    assert.equal(legacy.body.remote_data.status, 'archived');
    assert.equal((await getJson(url('workspaces', '', 'proj_nope'))).status, 404);
  });

  test('organizations list and get the connected organization', async () => {
    const list = await getJson(url('organizations'));
    assert.equal(list.status, 200, list.text);
    assert.equal(list.body.next_cursor, null);
    assert.deepEqual(
      list.body.result.map((o: Json) => [o.id, o.name]),
      [[ORG.id, ORG.name]],
    );
    assert.equal(validOrganization(list.body.result[0]), null);
    const one = await getJson(url('organizations', '', ORG.id));
    assert.equal(one.status, 200);
    assert.equal(one.body.name, ORG.name);
    assert.equal((await getJson(url('organizations', '', 'org-other'))).status, 404);
  });
});

describe('usage on OpenAI', () => {
  const day = 86_400;
  const start = USAGE_END_S - 10 * day;
  const iso = (s: number) => new Date(s * 1000).toISOString();
  const window = `start_date=${encodeURIComponent(iso(start))}&end_date=${encodeURIComponent(iso(USAGE_END_S))}`;

  test('rows are valid, ids unique and deterministic; token rows have tokens and users, cost rows charges', async () => {
    const first = await listAll('usage', window);
    const again = await listAll('usage', window);
    const ids = first.records.map((r) => r.id);
    assert.deepEqual(
      again.records.map((r) => r.id),
      ids,
      'stable ids',
    );
    assert.equal(new Set(ids).size, ids.length, 'unique ids');
    for (const r of first.records) assert.equal(validUsage(r), null, JSON.stringify(r));
    const completions = first.records.filter((r) => r.metric_name === 'completions');
    assert.ok(completions.length > 10, String(completions.length));
    for (const r of completions) {
      assert.match(r.id, /^openai:completions:\d{4}-\d{2}-\d{2}T00:00:00\.000Z:user-[A-Za-z0-9]+:[a-z0-9.-]+$/);
      const t = r.usage.tokens;
      assert.equal(t.total, t.input + t.output);
      assert.equal(t.cache_read, r.remote_data.input_cached_tokens);
      assert.equal(r.usage.requests.total, r.remote_data.num_model_requests);
      assert.equal(r.model.provider, 'openai');
      assert.equal(typeof r.user.email, 'string', 'user details come from the users side load');
      assert.equal('charges' in r, false);
    }
    const storage = first.records.filter((r) => r.metric_name === 'vector_stores');
    assert.equal(storage.length, 10, 'one org-level storage row a day');
    assert.ok(
      storage.every((r) => r.usage.unit === 'bytes' && r.id.endsWith(':-:vector_stores')),
      'storage rows',
    );
    const costs = first.records.filter((r) => r.metric_name === 'cost');
    assert.ok(costs.length > 0, 'cost rows');
    for (const r of costs) {
      assert.equal(r.charges.length, 1);
      assert.ok(Number.isInteger(r.charges[0].amount), 'integer cents');
      assert.equal(r.charges[0].currency, 'USD');
      assert.equal(r.product.id, r.remote_data.line_item);
    }
  });

  test("cost rows of each day sum to the simulator's own daily cost total, to the cent", async () => {
    const { records } = await listAll('usage', window);
    const perDay = new Map<string, number>();
    for (const r of records.filter((x) => x.metric_name === 'cost')) perDay.set(r.start_date, (perDay.get(r.start_date) ?? 0) + r.charges[0].amount);
    const totals = await simGet(`/organization/costs?start_time=${start}&end_time=${USAGE_END_S}&limit=31`);
    assert.equal(totals.data.length, 10);
    for (const b of totals.data as Json[]) {
      const simCents = Math.round(b.results.reduce((acc: number, r: Json) => acc + r.amount.value, 0) * 100);
      assert.ok(simCents > 0, 'a day with costs');
      assert.equal(perDay.get(iso(b.start_time)), simCents, `costs of ${iso(b.start_time)}`);
    }
  });

  test('dates become unix seconds; the window pages through 7-day pages of daily buckets', async () => {
    await fetch(`${sim}/__sim/requests`, { method: 'DELETE' });
    const longWindow = `start_date=2026-09-01&end_date=2026-11-01`;
    const { records } = await listAll('usage', longWindow);
    assert.ok(
      records.every((r) => r.start_date >= '2026-09-01' && r.end_date <= '2026-11-01T00:00:00.000Z'),
      'rows inside the window',
    );
    const calls = (await simRequests()).filter((r) => r.path === '/v1/organization/usage/completions');
    assert.equal(calls.length, 9, '61 days = nine pages of 7 buckets');
    assert.equal(calls[0].query.start_time, String(Date.UTC(2026, 8, 1) / 1000));
    assert.equal(calls[0].query.end_time, String(Date.UTC(2026, 10, 1) / 1000));
    assert.deepEqual(calls[0].query['group_by[]'], ['user_id', 'model']);
    assert.equal(typeof calls[1].query.page, 'string');
  });

  test('a window or filter OpenAI cannot honour is a 400 naming the parameter and the limit', async () => {
    const cases: [string, RegExp][] = [
      ['start_date=last-week', /start_date must be an ISO 8601 date/],
      ['start_date=2026-11-10&end_date=2026-11-01', /end_date \(2026-11-01T00:00:00Z\) must be after start_date/],
      ['start_date=2024-01-01&end_date=2026-01-01', /openai allows at most 366 days per request/],
      ['user_ids[]=user_1', /user_ids is not supported by openai for usage-metering\/usage list; it accepts: start_date, end_date, date, bucket_width/],
      ['group_by[]=model', /group_by is not supported by openai/],
      ['bucket_width=hour', /bucket_width must be equal to one of the allowed values; allowed: day/],
      ['date=2026-11-02&start_date=2026-11-01', /date cannot be combined with start_date/],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await getJson(url('usage', query));
      assert.equal(status, 400, query);
      assert.equal(body.code, 'TESSERA_INVALID_QUERY');
      assert.match(String(body.message), message);
    }
    const oneDay = await listAll('usage', 'date=2026-11-02');
    assert.ok(oneDay.records.length > 0 && oneDay.records.every((r) => r.start_date.startsWith('2026-11-02')), 'date= is that one day');
  });
});
