import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_NEON_FIXTURE_IDS as IDS, DEFAULT_NEON_KEYS } from '../../../src/providers/neon/simulator/index.ts';
import { startTestStack, type TestStack } from '../../../test/helpers/stack.ts';
import { Tessera, TesseraError, Truto, type RequestInfo, type UsageMeteringUser } from '../src/index.ts';
import DefaultExport from '../src/index.ts';

/**
 * The SDK in-process against a real Tessera and the Neon simulator over sockets. Answers are
 * compared with what the raw HTTP API returns for the same request.
 */

let stack: TestStack;
let tessera: Tessera;
let account: string;
const requests: RequestInfo[] = [];
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

before(async () => {
  stack = await startTestStack();
  account = stack.accounts.neon;
  tessera = new Tessera({ token: stack.token, baseUrl: stack.apiUrl, hooks: { onRequest: (info) => requests.push(info) } });
});
after(() => stack?.close());

async function raw<T = any>(pathAndQuery: string): Promise<{ status: number; body: T }> {
  const res = await stack.api(pathAndQuery);
  return { status: res.status, body: (await res.json()) as T };
}

/** Every record of a raw list, page by page, as a client would read it by hand. */
async function rawList(path: string, query: string): Promise<{ records: any[]; ids: string[]; pages: number }> {
  const records: any[] = [];
  let cursor: string | null = '';
  let pages = 0;
  do {
    const { status, body }: { status: number; body: any } = await raw(`${path}?${query}&next_cursor=${encodeURIComponent(cursor ?? '')}`);
    assert.equal(status, 200, JSON.stringify(body));
    records.push(...body.result);
    cursor = body.next_cursor;
    pages++;
  } while (cursor && pages < 100);
  return { records, ids: records.map((r) => r.id), pages };
}

describe('unifiedApi reads', () => {
  test('get in both call forms returns the same typed user as the raw API', async () => {
    const docForm = await tessera.unifiedApi.get('usage-metering', 'users', IDS.adminMemberId, { integrated_account_id: account });
    const published = await tessera.unifiedApi.get(IDS.adminMemberId, { unified_model: 'usage-metering', resource: 'users', integrated_account_id: account });
    const expected = await raw(`/unified/usage-metering/users/${IDS.adminMemberId}?integrated_account_id=${account}`);
    assert.equal(expected.status, 200);
    assert.deepEqual(docForm, expected.body);
    assert.deepEqual(published, expected.body);
    // The generated types: these lines are checked by tsc.
    const orgName: string | undefined = docForm.organization?.name;
    const firstEmail: string | undefined = published.emails?.[0]?.email;
    const asType: UsageMeteringUser = docForm;
    assert.equal(orgName, 'my-organization');
    assert.equal(firstEmail, 'user1@email.com');
    assert.equal(asType.id, IDS.adminMemberId);
  });

  test('query parameters reach the server as it expects them (arrays, booleans, nested objects)', async () => {
    const user = await tessera.unifiedApi.get('usage-metering', 'users', IDS.adminMemberId, {
      integrated_account_id: account,
      truto_exclude_fields: ['roles', 'emails'],
      truto_ignore_remote_data: true,
    });
    assert.equal(user.id, IDS.adminMemberId);
    assert.equal('roles' in user, false);
    assert.equal('emails' in user, false);
    assert.equal('remote_data' in user, false);
    assert.ok(user.organization);

    const page = await tessera.unifiedApi
      .list({
        unified_model: 'usage-metering',
        resource: 'users',
        integrated_account_id: account,
        limit: 2,
        truto_response_format: 'debug',
        remote_query: { extra_flag: true, nested: { key: 'v a' } },
      })
      .next();
    const debug = page.envelope.debug as { requestUrl: string };
    const upstream = new URL(debug.requestUrl);
    assert.equal(upstream.searchParams.get('extra_flag'), 'true', debug.requestUrl);
    assert.equal(upstream.searchParams.get('nested[key]'), 'v a', debug.requestUrl);
  });

  test('list follows next_cursor to the end: the same records as the raw API, no duplicates', async () => {
    const expected = await rawList('/unified/usage-metering/users', `integrated_account_id=${account}&limit=4`);
    assert.ok(expected.pages > 2, 'the fixture spans several pages');
    const before = requests.length;
    const seen: string[] = [];
    for await (const user of tessera.unifiedApi.list('usage-metering', 'users', { integrated_account_id: account, limit: 4 })) {
      const name: string = user.name; // typed
      assert.ok(name);
      seen.push(user.id);
    }
    assert.deepEqual(seen, expected.ids);
    assert.equal(new Set(seen).size, seen.length, 'no duplicates');
    assert.equal(requests.length - before, expected.pages, 'one request per page');
    const cursors = requests.slice(before).map((r) => new URL(r.url).searchParams.get('next_cursor'));
    assert.equal(cursors[0], null, 'the first page sends no cursor');
    assert.ok(cursors.slice(1).every((c) => typeof c === 'string' && c.length > 0));

    const published = tessera.unifiedApi.list({ unified_model: 'usage-metering', resource: 'users', integrated_account_id: account, limit: 4 });
    assert.deepEqual(
      (await published.toArray()).map((u) => u.id),
      expected.ids,
    );
    assert.equal(published.done, true);
  });

  test('next() reads page by page, first() does not move the cursor, and a cursor can start mid-list', async () => {
    const cursor = tessera.unifiedApi.list('usage-metering', 'users', { integrated_account_id: account, limit: 3 });
    const first = await cursor.first();
    const page1 = await cursor.next();
    assert.equal(page1.items.length, 3);
    assert.deepEqual(first, page1.items[0]);
    assert.equal(typeof page1.nextCursor, 'string');
    assert.equal(page1.envelope.result_count, 3);
    assert.equal(cursor.nextCursor, page1.nextCursor);
    const page2 = await cursor.next();
    assert.notDeepEqual(
      page2.items.map((u) => u.id),
      page1.items.map((u) => u.id),
    );
    const rest = await cursor.toArray();
    assert.equal(cursor.done, true);
    const sent = requests.length;
    assert.deepEqual(await cursor.next(), { items: [], nextCursor: null, envelope: { result: [], next_cursor: null } });
    assert.equal(requests.length, sent, 'an exhausted cursor sends nothing');

    const all = await tessera.unifiedApi.list('usage-metering', 'users', { integrated_account_id: account, limit: 3 }).toArray();
    assert.deepEqual(
      [...page1.items, ...page2.items, ...rest].map((u) => u.id),
      all.map((u) => u.id),
    );
    const resumed = await tessera.unifiedApi
      .list({ unified_model: 'usage-metering', resource: 'users', integrated_account_id: account, limit: 3, next_cursor: page1.nextCursor! })
      .toArray();
    assert.deepEqual(
      resumed.map((u) => u.id),
      all.slice(3).map((u) => u.id),
    );
  });

  test('meta in both forms', async () => {
    const a = await tessera.unifiedApi.meta('usage-metering', 'users', 'list', { integrated_account_id: account });
    const b = await tessera.unifiedApi.meta('list', { unified_model: 'usage-metering', resource: 'users', integrated_account_id: account });
    assert.equal(a.method, 'list');
    assert.deepEqual(a, b);
  });
});

describe('errors', () => {
  test('an unknown user is a TesseraError carrying the 404 envelope the server sent', async () => {
    const expected = await raw(`/unified/usage-metering/users/${UNKNOWN_ID}?integrated_account_id=${account}`);
    assert.equal(expected.status, 404);
    const err = await tessera.unifiedApi.get('usage-metering', 'users', UNKNOWN_ID, { integrated_account_id: account }).then(
      () => assert.fail('should throw'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof TesseraError);
    assert.equal(err.statusCode, 404);
    assert.deepEqual(err.envelope, expected.body);
    assert.equal(err.data, err.envelope);
    assert.equal(err.message, expected.body.message);
    assert.equal(err.code, 'TESSERA_RECORD_NOT_FOUND', 'the stable code travels with the error');
    assert.equal(err.method, 'GET');
    assert.ok(err.requestId, 'the x-request-id is kept');
  });

  test('a bad token is a 401 with the contract’s envelope; a missing account id names the parameter', async () => {
    const stranger = new Tessera({ token: 'not-a-real-token', baseUrl: stack.apiUrl });
    await assert.rejects(stranger.unifiedApi.get('usage-metering', 'users', IDS.adminMemberId, { integrated_account_id: account }), (e: unknown) => {
      assert.ok(e instanceof TesseraError);
      assert.deepEqual(e.envelope, { statusCode: 401, error: 'Unauthorized', message: 'Invalid API token', code: 'TESSERA_UNAUTHORIZED' });
      return true;
    });
    await assert.rejects(tessera.unifiedApi.list('usage-metering', 'users').next(), (e: unknown) => {
      assert.ok(e instanceof TesseraError);
      assert.equal(e.statusCode, 400);
      assert.deepEqual((e.envelope.truto_error_insight?.missing_required_query_parameters as { value: unknown }).value, ['integrated_account_id']);
      return true;
    });
  });

  test('a call in neither form is a TypeError before any request', async () => {
    const sent = requests.length;
    assert.throws(
      () => tessera.unifiedApi.get('usage-metering', 'users', undefined as unknown as string, { integrated_account_id: account }),
      /unifiedApi\.get needs a non-empty id/,
    );
    assert.throws(() => tessera.unifiedApi.get('some-id', { integrated_account_id: account } as never), /unified_model and resource are required/);
    assert.throws(() => tessera.unifiedApi.list(undefined as never), /needs \{ unified_model, resource, integrated_account_id \}/);
    assert.equal(requests.length, sent);
  });
});

describe('unifiedApi writes on the Neon sandbox account', () => {
  test('update a member’s role in both forms', async () => {
    const viewer = await tessera.unifiedApi.update(
      'usage-metering',
      'users',
      IDS.editorMemberId,
      { roles: [{ id: 'viewer' }] },
      { integrated_account_id: account },
    );
    assert.deepEqual(viewer.roles, [{ id: 'viewer', name: 'viewer' }]);
    assert.equal((await raw(`/unified/usage-metering/users/${IDS.editorMemberId}?integrated_account_id=${account}`)).body.roles[0].id, 'viewer');
    const editor = await tessera.unifiedApi.update(
      IDS.editorMemberId,
      { roles: [{ id: 'editor' }] },
      { unified_model: 'usage-metering', resource: 'users', integrated_account_id: account },
    );
    assert.equal(editor.roles?.[0]?.id, 'editor');
    assert.equal(editor.id, IDS.editorMemberId);
  });

  test('create invites a user in both forms; a repeated Idempotency-Key replays the first answer', async () => {
    const a = await tessera.unifiedApi.create(
      'usage-metering',
      'users',
      { emails: [{ email: 'sdk.doc.form@example.com', is_primary: true }] },
      { integrated_account_id: account },
    );
    assert.equal(a.status, 'invited');
    assert.equal(a.name, 'sdk.doc.form@example.com');
    const opts = { unified_model: 'usage-metering', resource: 'users', integrated_account_id: account } as const;
    const body = { emails: [{ email: 'sdk.published@example.com', is_primary: true }], roles: [{ id: 'admin', name: 'admin' }] };
    const b = await tessera.unifiedApi.create(body, opts, { idempotencyKey: 'sdk-test-invite' });
    assert.equal(b.status, 'invited');
    assert.deepEqual(b.roles, [{ id: 'admin', name: 'admin' }]);
    assert.deepEqual(await tessera.unifiedApi.create(body, opts, { idempotencyKey: 'sdk-test-invite' }), b);
    const listed = await tessera.unifiedApi.list(opts).toArray();
    assert.equal(listed.filter((u) => u.name === 'sdk.published@example.com').length, 1, 'invited once');
    assert.ok(listed.some((u) => u.id === a.id));
    await assert.rejects(tessera.unifiedApi.create({ name: 'no email' }, opts), (e: unknown) => e instanceof TesseraError && e.statusCode === 400);
  });

  test('delete in the published form answers {id}; the user is then gone', async () => {
    const res = await tessera.unifiedApi.delete(IDS.viewerMemberId, { unified_model: 'usage-metering', resource: 'users', integrated_account_id: account });
    assert.deepEqual(res, { id: IDS.viewerMemberId });
    await assert.rejects(
      tessera.unifiedApi.get('usage-metering', 'users', IDS.viewerMemberId, { integrated_account_id: account }),
      (e: unknown) => e instanceof TesseraError && e.statusCode === 404,
    );
  });

  test('custom methods in both forms go to POST /unified/{model}/{resource}/{method}', async () => {
    const before = requests.length;
    const calls = [
      tessera.unifiedApi.customMethod('usage-metering', 'users', 'deactivate', { reason: 'x' }, { integrated_account_id: account }),
      tessera.unifiedApi.customMethod('deactivate', { reason: 'x' }, { unified_model: 'usage-metering', resource: 'users', integrated_account_id: account }),
    ];
    for (const call of calls) {
      await assert.rejects(call, (e: unknown) => {
        assert.ok(e instanceof TesseraError);
        assert.equal(e.statusCode, 404);
        assert.match(e.message, /deactivate is not supported for usage-metering\/users on integration neon/);
        return true;
      });
    }
    const sent = requests.slice(before);
    assert.deepEqual(
      sent.map((r) => `${r.method} ${new URL(r.url).pathname}`),
      ['POST /unified/usage-metering/users/deactivate', 'POST /unified/usage-metering/users/deactivate'],
    );
  });
});

describe('proxyApi', () => {
  test('list members follows every page, like the raw API, in both forms', async () => {
    const expected = await rawList('/proxy/members', `integrated_account_id=${account}&limit=5`);
    assert.ok(expected.pages > 1);
    const a = await tessera.proxyApi
      .list<{ member: { id: string }; user: { email: string } }>('members', { integrated_account_id: account, limit: 5 })
      .toArray();
    const b = await tessera.proxyApi.list({ resource: 'members', integrated_account_id: account, limit: 5 }).toArray();
    assert.deepEqual(a, expected.records);
    assert.deepEqual(b, expected.records);
    const ids = a.map((r) => r.member.id);
    assert.equal(new Set(ids).size, ids.length, 'no duplicates');
    assert.ok(ids.includes(IDS.adminMemberId));
  });

  test('get one member in both forms; an unknown one is a remote 404', async () => {
    const expected = await raw(`/proxy/members/${IDS.adminMemberId}?integrated_account_id=${account}`);
    assert.deepEqual(await tessera.proxyApi.get('members', IDS.adminMemberId, { integrated_account_id: account }), expected.body);
    assert.deepEqual(await tessera.proxyApi.get(IDS.adminMemberId, { resource: 'members', integrated_account_id: account }), expected.body);
    await assert.rejects(
      tessera.proxyApi.get('members', UNKNOWN_ID, { integrated_account_id: account }),
      (e: unknown) => e instanceof TesseraError && e.statusCode === 404 && e.isRemote,
    );
  });
});

test('customApi forwards any verb to the integration’s base URL, with a slash after it', async () => {
  const expected = await raw(`/custom/users/me?integrated_account_id=${account}`);
  assert.equal(expected.status, 200, JSON.stringify(expected.body));
  const before = requests.length;
  assert.deepEqual(await tessera.customApi.request('GET', '/users/me', { integrated_account_id: account }), expected.body);
  assert.deepEqual(await tessera.customApi.request('GET', 'users/me', { integrated_account_id: account }), expected.body);
  assert.deepEqual(
    requests.slice(before).map((r) => new URL(r.url).pathname),
    ['/custom/users/me', '/custom/users/me'],
  );
});

describe('admin API', () => {
  test('integratedAccounts list (every page) and get', async () => {
    const all = await tessera.integratedAccounts.list().toArray();
    assert.deepEqual(all.map((a) => a.id).sort(), Object.values(stack.accounts).sort());
    const paged = tessera.integratedAccounts.list({ limit: 1 });
    const ids: string[] = [];
    for await (const a of paged) ids.push(a.id);
    assert.deepEqual(
      ids,
      all.map((a) => a.id),
      'limit=1 pages through the same accounts',
    );
    const neonOnly = await tessera.integratedAccounts.list({ integration: { name: 'neon' } }).toArray();
    assert.deepEqual(
      neonOnly.map((a) => a.id),
      [account],
    );
    const one = await tessera.integratedAccounts.get(account);
    assert.equal(one.integration.name, 'neon');
    assert.equal(one.status, 'active');
    assert.deepEqual(one, (await raw(`/integrated-account/${account}`)).body);
    await assert.rejects(tessera.integratedAccounts.get(UNKNOWN_ID), (e: unknown) => e instanceof TesseraError && e.statusCode === 404);
  });

  test('integratedAccounts create, update and delete', async () => {
    const created = await tessera.integratedAccounts.create({
      tenant_id: 'sdk-test',
      integration: 'neon',
      context: { api_key: DEFAULT_NEON_KEYS.org },
      integration_override: { base_url: stack.simulators.neon },
    });
    assert.equal(created.tenant_id, 'sdk-test');
    assert.equal(created.context.api_key, '********', 'credentials come back redacted');
    const updated = await tessera.integratedAccounts.update(created.id, { tenant_id: 'sdk-test-2', context: { note: 'hello' } });
    assert.equal(updated.tenant_id, 'sdk-test-2');
    assert.equal(updated.context.note, 'hello');
    assert.equal(updated.context.api_key, '********', 'a shallow merge keeps the key');
    assert.deepEqual(await tessera.integratedAccounts.delete(created.id), { id: created.id });
    await assert.rejects(tessera.integratedAccounts.get(created.id), (e: unknown) => e instanceof TesseraError && e.statusCode === 404);
  });

  test('integrations list and get', async () => {
    const list = await tessera.integrations.list().toArray();
    assert.deepEqual(list, (await raw('/integration')).body.result);
    assert.ok(list.some((i) => i.name === 'neon'));
    const neon = await tessera.integrations.get('neon');
    assert.equal(neon.name, 'neon');
    assert.equal(neon.category, 'usage-metering');
  });
});

test('Truto and the default export are the same class, for code written against Truto’s SDK', () => {
  assert.equal(Truto, Tessera);
  assert.equal(DefaultExport, Tessera);
  assert.equal(tessera.integratedAccount, tessera.integratedAccounts);
  assert.equal(tessera.integration, tessera.integrations);
});
