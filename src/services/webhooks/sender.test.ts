import assert from 'node:assert/strict';
import type dns from 'node:dns';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, test } from 'node:test';
import { startReceiver } from './receiver.test-kit.ts';
import { sendWebhook } from './sender.ts';
import { WebhookTargetPolicy } from './target-policy.ts';

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups) await c();
});
const request = (target_url: string) => ({ target_url, secret: 'k', body: '{"event":"webhook:test"}', delivery_id: 'd-1', attempt: 2 });

test('a 2xx is a delivery, with the signature and delivery headers', async () => {
  const receiver = await startReceiver();
  cleanups.push(() => receiver.close());
  const result = await sendWebhook(request(receiver.url), new WebhookTargetPolicy([], true), 2000);
  assert.deepEqual([result.ok, result.status, result.error, result.refused], [true, 200, null, false]);
  const [r] = receiver.received;
  assert.ok(receiver.verified(r, 'k'));
  assert.equal(r.headers['x-tessera-delivery-id'], 'd-1');
  assert.equal(r.headers['x-tessera-delivery-attempt'], '2');
});

test('a loopback target is refused at send time when the allowance is off; nothing is sent', async () => {
  const receiver = await startReceiver();
  cleanups.push(() => receiver.close());
  const result = await sendWebhook(request(receiver.url), new WebhookTargetPolicy([], false), 2000);
  assert.deepEqual([result.ok, result.status, result.refused], [false, null, true]);
  assert.match(result.error!, /refused by the egress policy: .*loopback/);
  assert.equal(receiver.received.length, 0);
});

test('a public name that resolves to a loopback address is refused when the connection opens (DNS rebinding)', async () => {
  const receiver = await startReceiver();
  cleanups.push(() => receiver.close());
  const port = new URL(receiver.url).port;
  // hooks.example.com passed the by-name check when saved; now it resolves to 127.0.0.1.
  const rebinding = ((_host: string, options: dns.LookupOptions, cb: (...args: unknown[]) => void) =>
    options.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)) as unknown as typeof dns.lookup;
  const policy = new WebhookTargetPolicy([], false, rebinding);
  assert.equal(policy.check(`https://hooks.example.com:${port}/x`).allowed, true, 'the name itself is public');
  const result = await sendWebhook(request(`https://hooks.example.com:${port}/x`), policy, 2000);
  assert.deepEqual([result.ok, result.refused], [false, true]);
  assert.match(result.error!, /resolves to a loopback address/);
  assert.equal(receiver.received.length, 0);
  await policy.close();
});

test('no answer within the timeout is a failed attempt that names the timeout; an error answer is quoted', async () => {
  const hung = createServer(() => {});
  await new Promise<void>((resolve) => hung.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    hung.closeAllConnections();
    await new Promise<void>((resolve) => hung.close(() => resolve()));
  });
  const policy = new WebhookTargetPolicy([], true);
  const timedOut = await sendWebhook(request(`http://127.0.0.1:${(hung.address() as AddressInfo).port}/`), policy, 200);
  assert.deepEqual([timedOut.ok, timedOut.status, timedOut.refused], [false, null, false]);
  assert.match(timedOut.error!, /no answer within 200 ms/);

  const receiver = await startReceiver([410]);
  cleanups.push(() => receiver.close());
  const gone = await sendWebhook(request(receiver.url), policy, 2000);
  assert.deepEqual([gone.ok, gone.status], [false, 410]);
  assert.equal(gone.error, 'the receiver answered 410: try later');
});
