import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, test } from 'node:test';
import { startTestStack, type TestStack } from '../../../../test/helpers/stack.ts';
import { startReceiver, type TestReceiver } from '../../../services/webhooks/receiver.test-kit.ts';
import { ensureEnvironment, issueApiToken } from '../../../services/tokens.ts';

/** /webhook over a real socket, and deliveries of account events to a real receiver. */
let stack: TestStack;
let receiver: TestReceiver;
let neonContext: Record<string, unknown>;
type Json = Record<string, any>;

before(async () => {
  stack = await startTestStack({ TESSERA_WEBHOOK_POLL_MS: '50' });
  receiver = await startReceiver();
  neonContext = (await stack.services.store.getIntegratedAccount(stack.accounts.neon))!.context;
});
after(async () => {
  await receiver?.close();
  await stack?.close();
});

async function call(method: string, path: string, body?: unknown, token = stack.token) {
  const res = await fetch(stack.apiUrl + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json, text };
}

/** The webhook's deliveries once `count` of them are no longer pending. */
async function settled(webhookId: string, count: number) {
  for (let i = 0; i < 100; i++) {
    const rows = await stack.services.store.webhooks.listDeliveries(webhookId);
    if (rows.filter((r) => r.state !== 'pending').length >= count) return rows;
    await new Promise((r) => setTimeout(r, 50));
  }
  return stack.services.store.webhooks.listDeliveries(webhookId);
}

test('CRUD: the secret is shown on create only; lists are the admin envelope with filters in every form', async () => {
  const created = await call('POST', '/webhook', { target_url: receiver.url, event_types: ['integrated_account:created'] });
  assert.equal(created.status, 200, created.text);
  const hook = created.body;
  assert.match(hook.secret, /^[0-9a-f]{64}$/);
  assert.deepEqual(Object.keys(hook).sort(), ['created_at', 'environment_id', 'event_types', 'id', 'is_active', 'secret', 'target_url', 'updated_at']);
  assert.equal(hook.is_active, true);

  const got = await call('GET', `/webhook/${hook.id}`);
  assert.equal(got.status, 200);
  assert.equal(got.body.secret, undefined, 'never again');
  const { secret: _secret, ...shown } = hook;
  assert.deepEqual(got.body, shown);

  const second = (await call('POST', '/webhook', { target_url: receiver.url, event_types: ['*'], is_active: false })).body;
  for (const q of [
    `id=${hook.id}`,
    `id[]=${hook.id}`,
    `id[0]=${hook.id}`,
    `id[in]=${hook.id},${randomUUID()}`,
    `id[nin]=${second.id}&id[in]=${hook.id},${second.id}`,
  ]) {
    const list = await call('GET', `/webhook?${q}`);
    assert.equal(list.status, 200, `${q}: ${list.text}`);
    assert.deepEqual(Object.keys(list.body).sort(), ['limit', 'next_cursor', 'result'], q);
    assert.deepEqual(
      list.body.result.map((w: Json) => w.id),
      [hook.id],
      q,
    );
    assert.equal(list.body.result[0].secret, undefined);
  }
  const inactive = await call('GET', `/webhook?is_active=false&id[in]=${hook.id},${second.id}`);
  assert.deepEqual(
    inactive.body.result.map((w: Json) => w.id),
    [second.id],
  );
  const byUrl = await call('GET', `/webhook?target_url=${encodeURIComponent(receiver.url)}&limit=1`);
  assert.equal(byUrl.body.result.length, 1);
  assert.ok(byUrl.body.next_cursor, 'a second page');
  const page2 = await call('GET', `/webhook?target_url=${encodeURIComponent(receiver.url)}&limit=1&next_cursor=${byUrl.body.next_cursor}`);
  assert.notEqual(page2.body.result[0].id, byUrl.body.result[0].id);
  const unknown = await call('GET', '/webhook?secret=x');
  assert.equal(unknown.status, 400);
  assert.match(unknown.body.message, /\/webhook has no filter secret; its filters are id, is_active, target_url/);

  const patched = await call('PATCH', `/webhook/${second.id}`, { is_active: true, event_types: ['integrated_account:deleted', 'integrated_account:deleted'] });
  assert.equal(patched.status, 200, patched.text);
  assert.equal(patched.body.is_active, true);
  assert.deepEqual(patched.body.event_types, ['integrated_account:deleted']);
  assert.equal(patched.body.target_url, receiver.url);
  assert.equal(patched.body.secret, undefined);

  assert.deepEqual((await call('DELETE', `/webhook/${second.id}`)).body, { id: second.id });
  assert.equal((await call('GET', `/webhook/${second.id}`)).status, 404);
  assert.equal((await call('DELETE', `/webhook/${second.id}`)).status, 404);
  await call('DELETE', `/webhook/${hook.id}`);
});

test('validation: unknown event types name the allowed ones; disallowed targets name the rule; extra fields are refused', async () => {
  const bad = await call('POST', '/webhook', { target_url: receiver.url, event_types: ['integrated_account:exploded'] });
  assert.equal(bad.status, 400);
  assert.match(bad.text, /unknown event type \\"integrated_account:exploded\\"; the event types are \*, integrated_account:created/);
  assert.equal((await call('POST', '/webhook', { target_url: receiver.url, event_types: [] })).status, 400);
  assert.equal((await call('POST', '/webhook', { event_types: ['*'] })).status, 400);
  assert.equal((await call('POST', '/webhook', { target_url: receiver.url, event_types: ['*'], secret: 'mine' })).status, 400);
  for (const [url, rule] of [
    ['https://10.0.0.7/hook', /private address; add it to TESSERA_UPSTREAM_ALLOW/],
    ['https://169.254.169.254/latest/meta-data', /linkLocal address/],
    ['http://hooks.example.com/x', /must use https/],
    ['file:///etc/passwd', /not allowed/],
  ] as const) {
    const res = await call('POST', '/webhook', { target_url: url, event_types: ['*'] });
    assert.equal(res.status, 400, url);
    assert.equal(res.body.code, 'TESSERA_VALIDATION_FAILED');
    assert.match(res.body.message, /^target_url is not allowed: /);
    assert.match(res.body.message, rule, url);
  }
  const ok = (await call('POST', '/webhook', { target_url: 'https://hooks.example.com/x', event_types: ['*'] })).body;
  const patch = await call('PATCH', `/webhook/${ok.id}`, { target_url: 'https://192.168.0.1/' });
  assert.equal(patch.status, 400);
  assert.match(patch.body.message, /private address/);
  await call('DELETE', `/webhook/${ok.id}`);
});

test("another environment's webhooks are 404 everywhere, and its id in a filter finds nothing", async () => {
  const mine = (await call('POST', '/webhook', { target_url: receiver.url, event_types: ['*'] })).body;
  const env = await ensureEnvironment(stack.services.store, `other-${randomUUID()}`);
  const { token } = await issueApiToken(stack.services.store, env.id, 'other');
  for (const [method, path, body] of [
    ['GET', `/webhook/${mine.id}`],
    ['PATCH', `/webhook/${mine.id}`, { is_active: false }],
    ['DELETE', `/webhook/${mine.id}`],
    ['POST', '/webhook/test', { id: mine.id }],
  ] as const) {
    const res = await call(method, path, body, token);
    assert.equal(res.status, 404, `${method} ${path}`);
  }
  assert.deepEqual((await call('GET', '/webhook', undefined, token)).body.result, []);
  assert.deepEqual((await call('GET', `/webhook?environment_id=${env.id}`)).body.result, [], 'asking for another environment');
  const own = await call('GET', `/webhook?environment_id=${mine.environment_id}&id=${mine.id}`);
  assert.equal(own.body.result.length, 1);
  const foreign = await call('POST', '/webhook', { target_url: receiver.url, event_types: ['*'], environment_id: env.id });
  assert.equal(foreign.status, 404);
  assert.equal((await call('GET', `/webhook/${mine.id}`)).status, 200, 'untouched');
  await call('DELETE', `/webhook/${mine.id}`);
});

test('account events are delivered signed, with the documented body and headers, and no secret', async () => {
  receiver.received.length = 0;
  const created = (await call('POST', '/webhook', { target_url: receiver.url, event_types: ['*'] })).body;
  const onlyDeleted = (await call('POST', '/webhook', { target_url: receiver.url, event_types: ['integrated_account:deleted'] })).body;
  const account = await stack.connect('neon', { tenant_id: 'webhooks', context: neonContext });
  const [first, second] = await receiver.waitFor(2, (r) => r.body.payload?.id === account && r.body.webhook_id === created.id);
  assert.deepEqual([first.body.event, second.body.event].sort(), ['integrated_account:active', 'integrated_account:created']);
  for (const r of [first, second]) {
    assert.ok(receiver.verified(r, created.secret), 'signature verifies with the secret from creation');
    assert.ok(!receiver.verified(r, onlyDeleted.secret));
    assert.match(r.headers['x-truto-signature'] as string, /^format=sha256,v=[0-9a-f]{64}$/);
    assert.match(r.headers['x-tessera-delivery-id'] as string, /^[0-9a-f-]{36}$/);
    assert.equal(r.headers['x-tessera-delivery-attempt'], '1');
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['user-agent'], 'truto');
    assert.deepEqual(Object.keys(r.body).sort(), ['created_at', 'environment_id', 'event', 'id', 'payload', 'webhook_id']);
    assert.equal(r.body.webhook_id, created.id);
    assert.equal(r.body.environment_id, created.environment_id);
    assert.equal(r.body.payload.context.api_key, '********');
    assert.ok(!r.raw.toString().includes(String(neonContext.api_key)), 'no credential in the body');
  }
  assert.notEqual(first.body.id, second.body.id);

  assert.equal((await call('PATCH', `/integrated-account/${account}`, { tenant_id: 'webhooks-renamed' })).status, 200);
  const [updated] = await receiver.waitFor(1, (r) => r.body.event === 'integrated_account:updated' && r.body.payload.id === account);
  assert.equal(updated.body.payload.tenant_id, 'webhooks-renamed');

  assert.equal((await call('DELETE', `/integrated-account/${account}`)).status, 200);
  const deleted = await receiver.waitFor(2, (r) => r.body.event === 'integrated_account:deleted' && r.body.payload.id === account);
  assert.deepEqual(deleted.map((r) => r.body.webhook_id).sort(), [created.id, onlyDeleted.id].sort(), 'one delivery per subscribed webhook');
  assert.ok(
    receiver.verified(
      deleted.find((r) => r.body.webhook_id === onlyDeleted.id)!,
      onlyDeleted.secret,
    ),
  );

  // The receiver has answered; the worker records each outcome just after.
  const rows = await settled(created.id, 4);
  assert.equal(rows.length, 4, 'created, active, updated, deleted');
  for (const r of rows) assert.deepEqual([r.state, r.attempts, r.last_status, r.claimed_by], ['delivered', 1, 200, null]);
  for (const h of [created, onlyDeleted]) await call('DELETE', `/webhook/${h.id}`);
});

test('a remote 401 marks the account needs_reauth and announces integrated_account:authentication_error', async () => {
  receiver.received.length = 0;
  const hook = (await call('POST', '/webhook', { target_url: receiver.url, event_types: ['integrated_account:authentication_error'] })).body;
  const account = await stack.connect('neon', { tenant_id: 'reauth', context: neonContext });
  // The key is revoked at the provider: the stored one stops working.
  await stack.services.store.updateIntegratedAccount(account, { context: { ...neonContext, api_key: 'revoked-key' } });
  const res = await call('GET', `/unified/usage-metering/users?integrated_account_id=${account}`);
  assert.equal(res.status, 401, res.text);
  const [event] = await receiver.waitFor(1, (r) => r.body.payload?.id === account && r.body.webhook_id === hook.id);
  assert.equal(event.body.event, 'integrated_account:authentication_error');
  assert.equal(event.body.payload.status, 'needs_reauth');
  assert.equal(event.body.payload.context.api_key, '********');
  assert.equal(receiver.received.filter((r) => r.body.webhook_id === hook.id).length, 1, 'nothing it did not subscribe to');
  await call('DELETE', `/webhook/${hook.id}`);
});

test('POST /webhook/test sends a signed webhook:test now and answers the outcome', async () => {
  receiver.received.length = 0;
  const hook = (await call('POST', '/webhook', { target_url: receiver.url, event_types: ['integrated_account:created'], is_active: false })).body;
  const ok = await call('POST', '/webhook/test', { id: hook.id });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.success, true);
  assert.equal(ok.body.status, 200);
  assert.equal(typeof ok.body.duration_ms, 'number');
  const [r] = await receiver.waitFor(1, (x) => x.body.webhook_id === hook.id);
  assert.equal(r.body.event, 'webhook:test');
  assert.equal(r.body.webhook_id, hook.id);
  assert.ok(receiver.verified(r, hook.secret));
  assert.equal(r.headers['x-tessera-delivery-id'], ok.body.delivery_id);

  receiver.statuses = [503];
  const failed = await call('POST', '/webhook/test', { id: hook.id });
  assert.equal(failed.status, 200);
  assert.deepEqual([failed.body.success, failed.body.status], [false, 503]);
  assert.match(failed.body.error, /the receiver answered 503/);

  assert.equal((await call('POST', '/webhook/test', { id: randomUUID() })).status, 404);
  assert.equal((await call('POST', '/webhook/test', { id: 'not-a-uuid' })).status, 404);
  assert.equal((await call('POST', '/webhook/test', {})).status, 400);
  await call('DELETE', `/webhook/${hook.id}`);
});
