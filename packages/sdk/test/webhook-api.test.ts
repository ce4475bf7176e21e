import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestStack, type TestStack } from '../../../test/helpers/stack.ts';
import { startReceiver, type TestReceiver } from '../../../src/services/webhooks/receiver.test-kit.ts';
import { Tessera, TesseraError, type RequestInfo } from '../src/index.ts';

/** tessera.webhook against a real server and a real receiver: the requests it sends, and what they do. */
let stack: TestStack;
let tessera: Tessera;
let receiver: TestReceiver;
const requests: RequestInfo[] = [];

before(async () => {
  stack = await startTestStack();
  receiver = await startReceiver();
  tessera = new Tessera({ token: stack.token, baseUrl: stack.apiUrl, hooks: { onRequest: (info) => requests.push(info) } });
});
after(async () => {
  await receiver?.close();
  await stack?.close();
});

test('create returns the secret once; list, get, update, test and delete', async () => {
  const created = await tessera.webhook.create({ target_url: receiver.url, event_types: ['integrated_account:created'] });
  assert.match(created.secret, /^[0-9a-f]{64}$/);
  assert.equal(created.is_active, true);
  const listed = await tessera.webhook.list({ id: [created.id], is_active: true }).toArray();
  assert.deepEqual(
    listed.map((w) => w.id),
    [created.id],
  );
  assert.equal((listed[0] as unknown as Record<string, unknown>).secret, undefined);
  assert.match(requests.at(-1)!.url, /\/webhook\?id%5B0%5D=[0-9a-f-]+&is_active=true$/);
  const got = await tessera.webhook.get(created.id);
  assert.deepEqual(got.event_types, ['integrated_account:created']);
  const updated = await tessera.webhook.update(created.id, { event_types: ['*'], is_active: false });
  assert.deepEqual([updated.event_types, updated.is_active], [['*'], false]);

  const outcome = await tessera.webhook.test(created.id);
  assert.deepEqual([outcome.success, outcome.status], [true, 200]);
  assert.equal((await tessera.webhook.test({ id: created.id })).success, true, "Truto's call form");
  const got2 = await receiver.waitFor(2);
  assert.ok(got2.every((r) => r.body.event === 'webhook:test' && receiver.verified(r, created.secret)));

  assert.deepEqual(await tessera.webhook.delete(created.id), { id: created.id });
  await assert.rejects(tessera.webhook.get(created.id), (e: unknown) => e instanceof TesseraError && e.statusCode === 404);
});

test('a refused target is a 400 naming the rule', async () => {
  await assert.rejects(
    tessera.webhook.create({ target_url: 'https://10.1.1.1/hook', event_types: ['*'] }),
    (e: unknown) => e instanceof TesseraError && e.statusCode === 400 && /private address/.test(e.message),
  );
});
