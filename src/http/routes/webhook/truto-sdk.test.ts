import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestStack, type TestStack } from '../../../../test/helpers/stack.ts';
import { startReceiver, type TestReceiver } from '../../../services/webhooks/receiver.test-kit.ts';

/**
 * /webhook driven by exactly the requests Truto's SDKs send for their webhook resource.
 *
 * TypeScript (@truto/truto-ts-sdk 2.0.12, resources/webhook.ts over apiClient.ts): every request
 * carries Content-Type: application/json (a GET and a DELETE too), Accept, Authorization and its
 * User-Agent; the query is `qs.stringify` of the options, so a call without options still ends in
 * `?`; a list's first page sends `next_cursor=`; create sends `environment_id` in the body; `test`
 * requests the endpoint `webhook/test` without a leading slash, so it reaches us only when the
 * SDK's baseUrl ends in `/` (docs/webhooks.md).
 *
 * Python (truto_python_sdk, truto_api.py `_get`/`_post`/`_patch`/`_delete` on the endpoint
 * `webhook`): `{base}/webhook?{query}` with arrays as `k[]=`, lowercase booleans, and
 * Content-Type/Accept application/json on every request.
 */
let stack: TestStack;
let receiver: TestReceiver;
let environmentId: string;
const TS_HEADERS = { 'User-Agent': 'truto-ts-sdk/2.0.12' };
type Json = Record<string, any>;

before(async () => {
  stack = await startTestStack();
  receiver = await startReceiver();
  environmentId = (await stack.services.store.getIntegratedAccount(stack.accounts.neon))!.environment_id;
});
after(async () => {
  await receiver?.close();
  await stack?.close();
});

async function send(method: string, url: string, body?: unknown, extra: Record<string, string> = {}) {
  const res = await fetch(url, {
    method,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: `Bearer ${stack.token}`, ...extra },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json, text };
}

test("the TypeScript SDK's webhook calls, request for request", async () => {
  const base = stack.apiUrl;
  // truto.webhook.create({ target_url, is_active: true, environment_id, event_types })
  const created = await send(
    'POST',
    `${base}/webhook?`,
    { target_url: receiver.url, is_active: true, environment_id: environmentId, event_types: ['integrated_account:created', 'integrated_account:active'] },
    TS_HEADERS,
  );
  assert.equal(created.status, 200, created.text);
  assert.equal(typeof created.body.secret, 'string');
  const id = created.body.id as string;

  // truto.webhook.list({ is_active: true }).next(): qs.stringify({ is_active: true, next_cursor: '' })
  const list = await send('GET', `${base}/webhook?is_active=true&next_cursor=`, undefined, TS_HEADERS);
  assert.equal(list.status, 200, list.text);
  assert.ok(list.body.result.some((w: Json) => w.id === id));
  assert.equal(list.body.next_cursor, null);
  // truto.webhook.list({ environment_id }).toArray()
  const byEnv = await send('GET', `${base}/webhook?environment_id=${environmentId}&next_cursor=`, undefined, TS_HEADERS);
  assert.ok(byEnv.body.result.some((w: Json) => w.id === id));

  // truto.webhook.get(id)
  const got = await send('GET', `${base}/webhook/${encodeURIComponent(id)}?`, undefined, TS_HEADERS);
  assert.equal(got.status, 200, got.text);
  assert.equal(got.body.secret, undefined);

  // truto.webhook.update(id, { is_active: false, event_types: [...] })
  const updated = await send('PATCH', `${base}/webhook/${encodeURIComponent(id)}?`, { is_active: false, event_types: ['*'] }, TS_HEADERS);
  assert.equal(updated.status, 200, updated.text);
  assert.deepEqual([updated.body.is_active, updated.body.event_types], [false, ['*']]);

  // truto.webhook.test({ id }) with baseUrl `${base}/`: POST `${base}/` + 'webhook/test'
  const tested = await send('POST', `${base}/` + 'webhook/test', { id }, TS_HEADERS);
  assert.equal(tested.status, 200, tested.text);
  assert.equal(tested.body.success, true);
  const [r] = await receiver.waitFor(1, (x) => x.body.webhook_id === id);
  assert.ok(receiver.verified(r, created.body.secret));

  // With that trailing-slash baseUrl the other calls carry `//webhook`: still served.
  const doubled = await send('GET', `${base}//webhook/${encodeURIComponent(id)}?`, undefined, TS_HEADERS);
  assert.equal(doubled.status, 200, doubled.text);
  assert.equal(doubled.body.id, id);

  // truto.webhook.delete(id): a DELETE with Content-Type: application/json and no body
  const deleted = await send('DELETE', `${base}/webhook/${encodeURIComponent(id)}?`, undefined, TS_HEADERS);
  assert.equal(deleted.status, 200, deleted.text);
  assert.deepEqual(deleted.body, { id });
});

test("the Python SDK's forms: k[]= arrays, lowercase booleans, `?` with no query", async () => {
  const base = stack.apiUrl;
  const a = (await send('POST', `${base}/webhook?`, { target_url: receiver.url, event_types: ['integrated_account:deleted'] })).body;
  const b = (await send('POST', `${base}/webhook?`, { target_url: receiver.url, event_types: ['*'], is_active: false })).body;
  const all = await send('GET', `${base}/webhook?`);
  assert.equal(all.status, 200);
  const both = await send('GET', `${base}/webhook?id[]=${a.id}&id[]=${b.id}&is_active=false`);
  assert.equal(both.status, 200, both.text);
  assert.deepEqual(
    both.body.result.map((w: Json) => w.id),
    [b.id],
  );
  const patched = await send('PATCH', `${base}/webhook/${a.id}?`, { target_url: 'https://hooks.example.com/new' });
  assert.equal(patched.body.target_url, 'https://hooks.example.com/new');
  assert.equal((await send('POST', `${base}/webhook/test?`, { id: b.id })).body.success, true);
  for (const w of [a, b]) assert.equal((await send('DELETE', `${base}/webhook/${w.id}?`)).status, 200);
});
