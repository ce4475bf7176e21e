import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_NEON_FIXTURE_IDS as IDS, DEFAULT_NEON_KEYS, DEFAULT_NEON_ORG_ID } from './simulator/index.ts';
import { schemaValidator } from '../../../test/helpers/schema.ts';
import { simulatorOrigin, startTestStack, type TestStack } from '../../../test/helpers/stack.ts';

const validUser = schemaValidator('usage-metering', 'users');
let stack: TestStack;
let account: string;
let sim: string;

const usersUrl = (query = '', id?: string) =>
  `/unified/usage-metering/users${id ? `/${encodeURIComponent(id)}` : ''}?integrated_account_id=${account}${query ? `&${query}` : ''}`;

async function getJson(path: string, init?: RequestInit) {
  const res = await stack.api(path, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined, text };
}

async function simRequests(): Promise<{ method: string; path: string; query: Record<string, string | string[]> }[]> {
  return ((await (await fetch(`${sim}/__sim/requests`)).json()) as { requests: [] }).requests;
}

async function clearSimRequests() {
  await fetch(`${sim}/__sim/requests`, { method: 'DELETE' });
}

async function injectFault(spec: Record<string, unknown>) {
  const res = await fetch(`${sim}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
  assert.equal(res.status < 300, true, await res.text());
}

before(async () => {
  stack = await startTestStack();
  account = stack.accounts.neon;
  sim = simulatorOrigin(stack.simulators.neon);
});
after(async () => {
  await stack?.close();
});

describe('GET /unified/usage-metering/users/{id} on Neon', () => {
  test('returns the member as a unified user with every documented field', async () => {
    const { status, body, headers } = await getJson(usersUrl('', IDS.adminMemberId));
    assert.equal(status, 200);
    assert.match(headers.get('content-type')!, /^application\/json; charset=utf-8/);
    assert.deepEqual(body, {
      id: IDS.adminMemberId,
      name: 'user1@email.com',
      emails: [{ email: 'user1@email.com', is_primary: true }],
      organization: { id: DEFAULT_NEON_ORG_ID, name: 'my-organization' },
      roles: [{ id: 'admin', name: 'admin' }],
      status: 'active',
      created_at: '2024-02-23T17:42:25Z',
      remote_data: {
        member: { id: IDS.adminMemberId, user_id: IDS.adminUserId, org_id: DEFAULT_NEON_ORG_ID, role: 'admin', joined_at: '2024-02-23T17:42:25Z' },
        user: { email: 'user1@email.com' },
      },
    });
    assert.equal(validUser(body), null);
  });

  test('finds a member by its Neon user id too', async () => {
    const { status, body } = await getJson(usersUrl('', IDS.adminUserId));
    assert.equal(status, 200);
    assert.equal(body.id, IDS.adminMemberId);
  });

  test('a deactivated member is inactive; one without joined_at has no created_at', async () => {
    const deactivated = await getJson(usersUrl('', IDS.deactivatedMemberId));
    assert.equal(deactivated.body.status, 'inactive');
    const noJoin = await getJson(usersUrl('', IDS.noJoinedAtMemberId));
    assert.equal(noJoin.status, 200);
    assert.equal('created_at' in noJoin.body, false);
    assert.equal(validUser(noJoin.body), null);
  });

  test('a pending invitation is an invited user; an accepted one is not addressable', async () => {
    const invited = await getJson(usersUrl('', IDS.pendingInvitationId));
    assert.equal(invited.status, 200);
    assert.equal(invited.body.status, 'invited');
    assert.equal(invited.body.name, 'invited1@email.com');
    assert.equal(invited.body.remote_data.id, IDS.pendingInvitationId);
    assert.equal(validUser(invited.body), null);
    const accepted = await getJson(usersUrl('', IDS.acceptedInvitationId));
    assert.equal(accepted.status, 404);
    assert.equal(accepted.body.message, `User ${IDS.acceptedInvitationId} not found`);
  });

  test('an unknown user is a 404 in the envelope, not a remote error', async () => {
    const id = '00000000-0000-4000-8000-000000000000';
    const { status, body } = await getJson(usersUrl('', id));
    assert.equal(status, 404);
    assert.deepEqual(body, { statusCode: 404, error: 'Not Found', message: `User ${id} not found`, code: 'TESSERA_RECORD_NOT_FOUND' });
  });

  test('raw returns the matched upstream object', async () => {
    const { body } = await getJson(usersUrl('truto_response_format=raw', IDS.adminMemberId));
    assert.deepEqual(Object.keys(body).sort(), ['member', 'user']);
    assert.equal(body.member.id, IDS.adminMemberId);
  });

  test('normalized is schema-complete, schema-ordered, with ISO millisecond dates and no remote_data', async () => {
    const { body } = await getJson(usersUrl('truto_response_format=normalized', IDS.adminMemberId));
    assert.deepEqual(Object.keys(body), [
      'id',
      'name',
      'created_at',
      'emails',
      'first_name',
      'last_active_at',
      'last_name',
      'organization',
      'roles',
      'spend_limit',
      'status',
      'updated_at',
    ]);
    assert.equal(body.created_at, '2024-02-23T17:42:25.000Z');
    assert.equal(body.first_name, null);
    assert.equal(body.spend_limit, null);
  });

  test('stream on a get returns the unified JSON', async () => {
    const unified = await getJson(usersUrl('', IDS.adminMemberId));
    const streamed = await getJson(usersUrl('truto_response_format=stream', IDS.adminMemberId));
    assert.deepEqual(streamed.body, unified.body);
  });

  test('debug wraps the unified result with the upstream call, credentials redacted', async () => {
    const { body, text } = await getJson(usersUrl('truto_response_format=debug', IDS.adminMemberId));
    assert.equal(body.result.id, IDS.adminMemberId);
    assert.match(body.debug.requestUrl, /\/organizations\/my-organization-morning-bread-81040908\/members\?/);
    assert.equal(body.debug.requestOptions.headers.authorization, 'Bearer ********');
    assert.ok(Array.isArray(body.debug.data.members));
    assert.ok(body.debug.responseHeaders['x-neon-ret-request-id']);
    assert.ok(body.debug.calls.length >= 1);
    assert.equal(text.includes(DEFAULT_NEON_KEYS.org), false, 'the API key must not appear in debug output');
  });

  test('truto_exclude_fields in all three encodings, nested paths included', async () => {
    for (const q of [
      'truto_exclude_fields[]=roles&truto_exclude_fields[]=organization.name',
      'truto_exclude_fields[0]=roles&truto_exclude_fields[1]=organization.name',
      'truto_exclude_fields=roles,organization.name',
    ]) {
      const { status, body } = await getJson(usersUrl(q, IDS.adminMemberId));
      assert.equal(status, 200, q);
      assert.equal('roles' in body, false, q);
      assert.deepEqual(body.organization, { id: DEFAULT_NEON_ORG_ID }, q);
      assert.equal(body.name, 'user1@email.com', q);
    }
  });

  test('truto_ignore_remote_data drops remote_data', async () => {
    const { body } = await getJson(usersUrl('truto_ignore_remote_data=true', IDS.adminMemberId));
    assert.equal('remote_data' in body, false);
    assert.equal(body.id, IDS.adminMemberId);
  });

  test('remote_query reaches the upstream unchanged', async () => {
    await clearSimRequests();
    const { status } = await getJson(usersUrl('remote_query[sort_by]=email&remote_query[sort_order]=asc', IDS.adminMemberId));
    assert.equal(status, 200);
    const members = (await simRequests()).filter((r) => r.path.endsWith('/members'));
    assert.ok(members.length >= 1);
    assert.equal(members[0].query.sort_by, 'email');
    assert.equal(members[0].query.sort_order, 'asc');
  });

  test('the organization name is cached: a second get does not fetch the organization again', async () => {
    await getJson(usersUrl('', IDS.adminMemberId));
    await clearSimRequests();
    // By user id: the record index (filled by the first get's scan) knows members by member id
    // only, so this get reads the members list again, and only the organization may be cached.
    await getJson(usersUrl('', IDS.memberUserId));
    const paths = (await simRequests()).map((r) => r.path);
    assert.equal(
      paths.some((p) => p.endsWith(`/organizations/${DEFAULT_NEON_ORG_ID}`)),
      false,
      paths.join(', '),
    );
    assert.ok(
      paths.some((p) => p.endsWith('/members')),
      'members are never cached',
    );
  });

  test('an upstream 503 is retried for a GET', async () => {
    await injectFault({ path: '/api/v2/organizations/*/members', status: 503, count: 2 });
    // By user id, which the record index does not hold, so the get reads the provider.
    const { status, body } = await getJson(usersUrl('', IDS.adminUserId));
    assert.equal(status, 200);
    assert.equal(body.id, IDS.adminMemberId);
  });

  test('an upstream 429 that outlasts the retry budget is a remote 429 with Retry-After', async () => {
    await injectFault({ path: '/api/v2/organizations/*/members', status: 429, count: 1, retry_after: 120 });
    // By user id, which the record index does not hold, so the get reads the provider.
    const { status, body, headers } = await getJson(usersUrl('', IDS.adminUserId));
    assert.equal(status, 429);
    assert.equal(headers.get('retry-after'), '120');
    assert.equal(body.truto_is_remote_error, true);
    assert.ok(body.truto_error_insight.rate_limit_error);
    assert.ok(headers.get('x-neon-ret-request-id'), 'the provider request id is forwarded');
    await fetch(`${sim}/__sim/faults`, { method: 'DELETE' });
  });
});

describe('GET /unified/usage-metering/users on Neon', () => {
  test('pages follow next_cursor to the end without duplicates, members then pending invitations', async () => {
    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    do {
      const { status, body } = await getJson(usersUrl(`limit=7&next_cursor=${encodeURIComponent(cursor ?? '')}`));
      assert.equal(status, 200);
      assert.deepEqual(Object.keys(body).sort(), ['next_cursor', 'prev_cursor', 'result', 'result_count']);
      assert.equal(body.prev_cursor, null);
      assert.equal(body.result_count, body.result.length);
      assert.ok(body.result.length <= 7);
      for (const user of body.result) {
        assert.equal(validUser(user), null, JSON.stringify(user));
        seen.push(user.id);
      }
      cursor = body.next_cursor;
      pages++;
    } while (cursor && pages < 50);
    assert.equal(cursor, null);
    assert.equal(new Set(seen).size, seen.length, 'no duplicates');
    assert.ok(seen.includes(IDS.adminMemberId));
    assert.ok(seen.includes(IDS.pendingInvitationId), 'pending invitations are listed');
    assert.equal(seen.includes(IDS.acceptedInvitationId), false, 'accepted invitations are not');
    assert.ok(pages > 2);
  });

  test('truto_ignore_limit returns every record in one envelope', async () => {
    const { body: all } = await getJson(usersUrl('limit=5&truto_ignore_limit=true'));
    assert.equal(all.next_cursor, null);
    assert.ok(all.result.length > 20);
    assert.equal(all.result_count, all.result.length);
  });

  test('raw lists upstream records unmapped, and its cursor still works', async () => {
    const { body } = await getJson(usersUrl('limit=3&truto_response_format=raw'));
    assert.equal(body.result.length, 3);
    assert.ok(body.result[0].member && body.result[0].user);
    const next = await getJson(usersUrl(`limit=3&truto_response_format=raw&next_cursor=${body.next_cursor}`));
    assert.equal(next.status, 200);
    assert.notEqual(next.body.result[0].member.id, body.result[0].member.id);
  });

  test('stream is NDJSON of every record in unified form', async () => {
    const res = await stack.api(usersUrl('limit=10&truto_response_format=stream&truto_ignore_remote_data=true'));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type')!, /application\/x-ndjson/);
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const { body: all } = await getJson(usersUrl('limit=10&truto_ignore_limit=true&truto_ignore_remote_data=true'));
    assert.deepEqual(lines, all.result);
  });

  test('debug on a list reports paging facts', async () => {
    const { body } = await getJson(usersUrl('limit=2&truto_response_format=debug'));
    assert.equal(body.result.length, 2);
    assert.equal(typeof body.debug.nextCursor, 'string');
    assert.equal(body.debug.isLooping, false);
    assert.equal(body.debug.isEmptyResult, false);
    assert.equal(body.debug.resultCount, 2);
  });

  test('truto_key_by keys the page by a field', async () => {
    const { body } = await getJson(usersUrl('limit=3&truto_key_by=id&truto_exclude_fields=id'));
    const keys = Object.keys(body.result);
    assert.equal(keys.length, 3);
    for (const k of keys) assert.equal('id' in body.result[k], false);
    assert.equal(body.result_count, 3);
  });

  test('normalized list records carry every schema field', async () => {
    const { body } = await getJson(usersUrl('limit=2&truto_response_format=normalized'));
    for (const user of body.result) {
      assert.equal(user.last_active_at, null);
      assert.equal('remote_data' in user, false);
    }
  });

  test('a tampered or foreign cursor is a 400', async () => {
    const { body } = await getJson(usersUrl('limit=2'));
    const tampered = body.next_cursor.replace(/.$/, (c: string) => (c === 'A' ? 'B' : 'A'));
    const bad = await getJson(usersUrl(`next_cursor=${tampered}`));
    assert.equal(bad.status, 400);
    assert.equal(bad.body.message, 'Invalid next_cursor');
    const garbage = await getJson(usersUrl('next_cursor=not-a-cursor'));
    assert.equal(garbage.status, 400);
  });
});
