import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { simulatorOrigin, startTestStack, type TestStack } from '../../../../test/helpers/stack.ts';
import { createLogger } from '../../../logger.ts';
import { startLogRetention } from '../../../services/request-log-retention.ts';
import { ensureEnvironment, issueApiToken } from '../../../services/tokens.ts';

/** GET /log over a real socket: data-plane calls against a simulator, then their persisted rows. */
let stack: TestStack;
let account: string;
let apiKey: string;
const started = new Date(Date.now() - 1000).toISOString();
type Json = Record<string, any>;

before(async () => {
  stack = await startTestStack();
  const sandbox = await stack.services.store.getIntegratedAccount(stack.accounts.neon);
  apiKey = String(sandbox!.context.api_key);
  account = await stack.connect('neon', { tenant_id: 'logs', context: sandbox!.context });
  const calls: [string, string][] = [
    ['ok-unified', `/unified/usage-metering/users?integrated_account_id=${account}&remote_query[api_token]=leak-me-not`],
    ['ok-proxy', `/proxy/members?integrated_account_id=${account}`],
    ['missing-account', `/unified/usage-metering/users?integrated_account_id=${randomUUID()}`],
  ];
  for (const [id, path] of calls) await (await stack.api(path, { headers: { 'x-request-id': id } })).arrayBuffer();
  // An upstream failure (not retried): 500 with the provider's error.
  const fault = await fetch(`${simulatorOrigin(stack.simulators.neon)}/__sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ path: '/api/v2/organizations/*/members', status: 500, count: 1 }),
  });
  assert.ok(fault.status < 300);
  await (await stack.api(`/unified/usage-metering/users?integrated_account_id=${account}`, { headers: { 'x-request-id': 'upstream-fails' } })).arrayBuffer();
  // Not logged: the admin plane, and a request no token let in.
  await (await stack.api('/integrated-account')).arrayBuffer();
  await (
    await fetch(`${stack.apiUrl}/unified/usage-metering/users?integrated_account_id=${account}`, { headers: { 'x-request-id': 'no-token' } })
  ).arrayBuffer();
  await stack.services.requestLogs.flush();
});
after(async () => {
  await stack?.close();
});

async function list(query: string, token = stack.token): Promise<{ status: number; body: Json; text: string }> {
  const res = await fetch(`${stack.apiUrl}/log?${query}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), text };
}
const byRequest = (body: Json, id: string): Json => (body.result as Json[]).find((r) => r.request.request_id === id)!;

describe('GET /log', () => {
  test('data-plane calls are listed newest first with status, duration and upstream calls; admin calls and unauthenticated ones are not', async () => {
    const { status, body } = await list('log_type=unified_proxy_api');
    assert.equal(status, 200);
    assert.deepEqual(Object.keys(body).sort(), ['limit', 'next_cursor', 'result']);
    assert.equal(body.limit, 100);
    assert.equal(body.next_cursor, null);
    const ids = (body.result as Json[]).map((r) => r.request.request_id);
    assert.deepEqual(ids.filter((id) => ['ok-unified', 'ok-proxy', 'missing-account', 'upstream-fails'].includes(id)).reverse(), [
      'ok-unified',
      'ok-proxy',
      'missing-account',
      'upstream-fails',
    ]);
    assert.ok(!ids.includes('no-token'));
    assert.ok((body.result as Json[]).every((r) => !String(r.request.path).startsWith('/integrated-account')));

    const unified = byRequest(body, 'ok-unified');
    assert.equal(unified.log_type, 'unified_proxy_api');
    assert.equal(unified.environment_id, (await stack.services.store.getIntegratedAccount(account))!.environment_id);
    assert.equal(unified.integrated_account_id, account);
    assert.equal(unified.integration, 'neon');
    assert.equal(unified.request.method, 'GET');
    assert.equal(unified.request.type, 'unified');
    assert.match(unified.request.path, new RegExp(`^/unified/usage-metering/users\\?integrated_account_id=${account}&`));
    assert.match(unified.request.path, /api_token/, 'the query is kept for filtering');
    assert.equal(unified.response.status, 200);
    assert.equal(typeof unified.duration_ms, 'number');
    assert.equal(unified.error, null);
    assert.equal(unified.model, 'usage-metering');
    assert.equal(unified.resource, 'users');
    assert.equal(unified.resource_method, 'list');
    assert.ok(unified.upstream_calls >= 1);
    const first = unified.upstream[0];
    assert.deepEqual(Object.keys(first).sort(), ['attempt', 'duration_ms', 'method', 'role', 'status', 'url']);
    assert.equal(first.status, 200);
    assert.ok(first.url.startsWith(new URL(stack.simulators.neon).origin));

    const proxy = byRequest(body, 'ok-proxy');
    assert.equal(proxy.request.type, 'proxy');
    assert.equal(proxy.response.status, 200);
    assert.equal(proxy.integrated_account_id, account);
    assert.ok(proxy.upstream.some((u: Json) => /\/members/.test(u.url)));
  });

  test('never a token or a credential, anywhere in the answer', async () => {
    const { text } = await list('log_type=unified_proxy_api');
    assert.ok(apiKey.length > 8);
    assert.equal(text.includes(apiKey), false, "the account's API key");
    assert.equal(text.includes(stack.token), false, 'the API token');
    assert.equal(text.includes('leak-me-not'), false, 'a credential-named query value');
    assert.match(text, /api_token(%5D|\])=\*{8}/);
  });

  test('failed calls carry their status and the error code and message the client got', async () => {
    const { body } = await list('log_type=unified_proxy_api');
    const missing = byRequest(body, 'missing-account');
    assert.equal(missing.response.status, 404);
    assert.equal(missing.error.code, 'TESSERA_ACCOUNT_NOT_FOUND');
    assert.equal(typeof missing.error.message, 'string');
    assert.deepEqual(missing.upstream, []);
    const failed = byRequest(body, 'upstream-fails');
    assert.equal(failed.response.status, 500);
    assert.equal(failed.error.code, 'TESSERA_REMOTE_ERROR');
    assert.ok(failed.upstream.some((u: Json) => u.status === 500));
  });

  test("the request Truto's TS SDK sends (qs-encoded, next_cursor= on the first page)", async () => {
    // LogResource.list({log_type, created_at: {gt}, log_type_filter: {request_type: 'proxy'}}) → Cursor → qs.stringify.
    const query = `log_type=unified_proxy_api&created_at%5Bgt%5D=${encodeURIComponent(started)}&log_type_filter%5Brequest_type%5D=proxy&next_cursor=`;
    const { status, body } = await list(query);
    assert.equal(status, 200);
    assert.deepEqual(
      (body.result as Json[]).map((r) => r.request.request_id),
      ['ok-proxy'],
    );
  });

  test('filters in every form', async () => {
    const ids = async (q: string) => {
      const { status, body, text } = await list(`log_type=unified_proxy_api&${q}`);
      assert.equal(status, 200, text);
      return (body.result as Json[]).map((r) => r.request.request_id).sort();
    };
    const mine = ['missing-account', 'ok-proxy', 'ok-unified', 'upstream-fails'];
    assert.deepEqual(await ids(`log_type_filter[integrated_account_id]=${account}`), ['ok-proxy', 'ok-unified', 'upstream-fails']);
    assert.deepEqual(await ids(`log_type_filter[integrated_account_id]=${account.toUpperCase()}&log_type_filter[status]=500`), ['upstream-fails']);
    assert.deepEqual(await ids('log_type_filter[status][]=404&log_type_filter[status][]=500'), ['missing-account', 'upstream-fails']);
    assert.deepEqual(await ids('log_type_filter[status][0]=404'), ['missing-account']);
    assert.deepEqual(await ids('log_type_filter[status][in]=404,500'), ['missing-account', 'upstream-fails']);
    const notOk = await ids('log_type_filter[status][nin]=200');
    assert.ok(notOk.includes('missing-account') && !notOk.includes('ok-proxy'));
    assert.deepEqual(await ids('log_type_filter[request_id]=ok-unified'), ['ok-unified']);
    assert.deepEqual(await ids('log_type_filter[request_id][in]=ok-unified,ok-proxy&log_type_filter[method]=get'), ['ok-proxy', 'ok-unified']);
    assert.deepEqual(await ids(`log_type_filter[integration]=neon&log_type_filter[integrated_account_id]=${account}&log_type_filter[request_type]=unified`), [
      'ok-unified',
      'upstream-fails',
    ]);
    assert.deepEqual(await ids('log_type_filter[method]=POST'), []);
    assert.deepEqual(await ids(`created_at[gte]=${encodeURIComponent(started)}&log_type_filter[request_id][in]=${mine.join(',')}`), mine);
    assert.deepEqual(await ids(`created_at[lt]=${encodeURIComponent(started)}`), []);
  });

  test('400s that say what to do: no log_type, an unknown one, an unknown filter, a bad status, a range over a month', async () => {
    const cases: [string, RegExp][] = [
      ['', /log_type is required: one of unified_proxy_api, webhook/],
      ['log_type=sync', /log_type must be one of unified_proxy_api, webhook/],
      ['log_type=mcp', /not recorded by this server/],
      [
        'log_type=unified_proxy_api&log_type_filter[tenant]=x',
        /\/log has no filter log_type_filter\[tenant\]; its filters are log_type_filter\[integrated_account_id\], /,
      ],
      ['log_type=unified_proxy_api&account=x', /\/log has no filter account/],
      ['log_type=unified_proxy_api&log_type_filter[status]=ok', /HTTP statuses/],
      ['log_type=unified_proxy_api&log_type_filter[request_type]=rapid', /log_type_filter\[request_type\] must be one of unified, proxy, custom, batch/],
      ['log_type=unified_proxy_api&created_at[gt]=2020-01-01T00:00:00Z', /created_at spans \d+ days \(up to now\); \/log reads at most 31 days/],
      ['log_type=unified_proxy_api&created_at[gt]=2026-01-01T00:00:00Z&created_at[lt]=2026-03-01T00:00:00Z', /created_at spans 59 days/],
      ['log_type=unified_proxy_api&limit=0', /limit must be an integer/],
      ['log_type=unified_proxy_api&next_cursor=forged.tag', /Invalid next_cursor/],
    ];
    for (const [q, message] of cases) {
      const { status, body } = await list(q);
      assert.equal(status, 400, q);
      assert.match(body.message, message, q);
    }
  });

  test('pages with a signed cursor, at most 100 a page (a larger limit is lowered)', async () => {
    const seen: string[] = [];
    let cursor = '';
    for (let i = 0; i < 10; i++) {
      const { body } = await list(`log_type=unified_proxy_api&limit=2&next_cursor=${encodeURIComponent(cursor)}`);
      assert.equal(body.limit, 2);
      seen.push(...(body.result as Json[]).map((r) => r.id));
      if (!body.next_cursor) break;
      cursor = body.next_cursor;
    }
    assert.equal(seen.length, 4);
    assert.equal(new Set(seen).size, 4);
    const big = await list('log_type=unified_proxy_api&limit=1000');
    assert.equal(big.status, 200);
    assert.equal(big.body.limit, 100);
    // A cursor of the unified_proxy_api listing is refused for another type.
    const page = await list('log_type=unified_proxy_api&limit=1');
    const reused = await list(`log_type=webhook&next_cursor=${encodeURIComponent(page.body.next_cursor)}`);
    assert.equal(reused.status, 400);
  });

  test("another environment's token sees none of these rows, even by account id", async () => {
    const env = await ensureEnvironment(stack.services.store, `other-${randomUUID()}`);
    const { token } = await issueApiToken(stack.services.store, env.id, 'other');
    const all = await list('log_type=unified_proxy_api', token);
    assert.equal(all.status, 200);
    assert.deepEqual(all.body.result, []);
    const named = await list(`log_type=unified_proxy_api&log_type_filter[integrated_account_id]=${account}`, token);
    assert.deepEqual(named.body.result, []);
    const page = await list('log_type=unified_proxy_api&limit=1');
    const stolen = await list(`log_type=unified_proxy_api&next_cursor=${encodeURIComponent(page.body.next_cursor)}`, token);
    assert.equal(stolen.status, 400, "a cursor from another environment's listing");
  });

  test('an integrated-account token cannot read the logs (403), though its own calls are logged', async () => {
    const environmentId = (await stack.services.store.getIntegratedAccount(account))!.environment_id;
    const { token } = await issueApiToken(stack.services.store, environmentId, 'account', { role: 'integrated_account', integrated_account_id: account });
    const refused = await list('log_type=unified_proxy_api', token);
    assert.equal(refused.status, 403);
    const res = await fetch(`${stack.apiUrl}/proxy/members`, { headers: { authorization: `Bearer ${token}`, 'x-request-id': 'account-token-call' } });
    assert.equal(res.status, 200, await res.text());
    await stack.services.requestLogs.flush();
    const { body, text } = await list('log_type=unified_proxy_api&log_type_filter[request_id]=account-token-call');
    assert.equal(body.result.length, 1);
    assert.equal(body.result[0].integrated_account_id, account);
    assert.equal(text.includes(token), false);
  });

  test('webhook rows written through the same store are served with their own fields', async () => {
    const environmentId = (await stack.services.store.getIntegratedAccount(account))!.environment_id;
    const created_at = new Date().toISOString();
    await stack.services.store.requestLogs.insertMany([
      {
        id: randomUUID(),
        environment_id: environmentId,
        log_type: 'webhook',
        integrated_account_id: account,
        integration: 'neon',
        request_id: null,
        method: 'POST',
        path: 'https://hooks.example.com/tessera',
        status: 503,
        duration_ms: 40,
        error: 'target answered 503',
        detail: { webhook_id: 'w-1', event: 'integrated_account:created', attempt: 2, id: 'not-the-id' },
        created_at,
      },
    ]);
    const { body } = await list('log_type=webhook&log_type_filter[status]=503');
    assert.equal(body.result.length, 1);
    const row = body.result[0];
    assert.notEqual(row.id, 'not-the-id', 'detail never overrides the common fields');
    assert.equal(row.event, 'integrated_account:created');
    assert.equal(row.attempt, 2);
    assert.deepEqual(row.error, { code: null, message: 'target answered 503' });
    assert.deepEqual(row.response, { status: 503 });
  });

  test('pruning deletes rows past the retention, and keeps the rest', async () => {
    const environmentId = (await stack.services.store.getIntegratedAccount(account))!.environment_id;
    const old = new Date(Date.now() - 10 * 86_400_000).toISOString();
    const id = randomUUID();
    await stack.services.store.requestLogs.insertMany([
      {
        id,
        environment_id: environmentId,
        log_type: 'unified_proxy_api',
        integrated_account_id: account,
        integration: 'neon',
        request_id: 'ten-days-ago',
        method: 'GET',
        path: '/unified/usage-metering/users',
        status: 200,
        duration_ms: 5,
        error: null,
        detail: { upstream: [], upstream_calls: 0 },
        created_at: old,
      },
    ]);
    const q = `log_type=unified_proxy_api&created_at[gte]=${encodeURIComponent(new Date(Date.now() - 11 * 86_400_000).toISOString())}`;
    assert.ok(byRequest((await list(q)).body, 'ten-days-ago'));
    const retention = startLogRetention(stack.services.store.requestLogs, 7, createLogger('silent'));
    await retention.stop(); // waits for the run at start
    const after = (await list(q)).body;
    assert.equal(byRequest(after, 'ten-days-ago'), undefined);
    assert.ok(byRequest(after, 'ok-unified'));
  });
});
