import assert from 'node:assert/strict';
import fs from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { loadConfig } from '../../config.ts';
import { createLogger } from '../../logger.ts';
import { SecretBox } from '../../store/secret-box.ts';
import type { WebhookDeliveryRecord } from '../../store/webhook-rows.ts';
import { createAppServices, type AppServices } from '../app-services.ts';
import { ensureEnvironment } from '../tokens.ts';
import { outcomeOf, retryDelay } from './outbox-worker.ts';
import { startReceiver, type TestReceiver } from './receiver.test-kit.ts';
import type { SendResult } from './sender.ts';
import { postgresSchemaUrl } from '../../../test/helpers/store-engines.ts';

/** The outbox: backoff, giving up, surviving a restart and a crashed claimant, and two replicas on one Postgres. */
const silent = createLogger('silent');
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-outbox-'));
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function services(env: Record<string, string>): Promise<AppServices> {
  const s = await createAppServices(
    loadConfig({ PORT: '0', TESSERA_LOG_LEVEL: 'silent', TESSERA_WEBHOOK_ALLOW_LOCALHOST: 'true', TESSERA_WEBHOOK_POLL_MS: '50', ...env }),
    silent,
  );
  cleanups.push(() => s.close());
  return s;
}

async function receiverFor(statuses: number[] = []): Promise<TestReceiver> {
  const r = await startReceiver(statuses);
  cleanups.push(() => r.close());
  return r;
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const row = (over: Partial<WebhookDeliveryRecord> = {}): WebhookDeliveryRecord => ({
  id: 'd',
  webhook_id: 'w',
  environment_id: 'e',
  event_type: 'integrated_account:created',
  payload: '{}',
  state: 'pending',
  attempts: 0,
  next_attempt_at: '2026-01-01T00:00:00.000Z',
  claimed_by: 'me',
  claimed_until: null,
  last_status: null,
  last_error: null,
  delivered_at: null,
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
  ...over,
});
const failed: SendResult = { ok: false, status: 500, duration_ms: 3, error: 'the receiver answered 500', refused: false };

test('the backoff follows the schedule with ±20 % jitter, then gives up', () => {
  const schedule = [30_000, 120_000, 600_000, 3_600_000, 21_600_000, 21_600_000, 21_600_000];
  assert.equal(
    retryDelay(schedule, 1, () => 0.5),
    30_000,
  );
  assert.equal(
    retryDelay(schedule, 1, () => 0),
    24_000,
  );
  assert.equal(
    retryDelay(schedule, 2, () => 1),
    144_000,
  );
  const at = new Date('2026-01-01T00:00:00.000Z');
  const next = outcomeOf(row({ attempts: 2 }), failed, schedule, at, () => 0.5);
  assert.deepEqual(next, {
    state: 'pending',
    attempts: 3,
    next_attempt_at: '2026-01-01T00:10:00.000Z',
    last_status: 500,
    last_error: 'the receiver answered 500',
    delivered_at: null,
  });
  assert.equal(outcomeOf(row({ attempts: 6 }), failed, schedule, at).state, 'pending', 'the 7th attempt fails: one more');
  assert.equal(outcomeOf(row({ attempts: 7 }), failed, schedule, at).state, 'failed', 'the 8th attempt was the last');
  assert.equal(outcomeOf(row(), { ...failed, status: null, refused: true }, schedule, at).state, 'failed', 'a refused target is not retried');
  const done = outcomeOf(row({ attempts: 1 }), { ok: true, status: 204, duration_ms: 2, error: null, refused: false }, schedule, at);
  assert.deepEqual([done.state, done.attempts, done.delivered_at], ['delivered', 2, at.toISOString()]);
});

test('a receiver that fails twice gets the event a third time, after the backoff; each attempt is logged', async () => {
  const receiver = await receiverFor([500, 502]);
  const app = await services({ TESSERA_DATA_DIR: tempDir(), TESSERA_WEBHOOK_RETRY_SCHEDULE_S: '0.3,0.6' });
  const env = await ensureEnvironment(app.store, 'outbox');
  const hook = await app.webhooks.service.create(env.id, { target_url: receiver.url, event_types: ['*'], is_active: true });
  app.webhooks.worker.start();
  assert.equal(await app.webhooks.events.emit(env.id, 'integrated_account:updated', { id: 'acc-1' }), 1);
  const got = await receiver.waitFor(3);
  assert.deepEqual(
    got.map((r) => r.headers['x-tessera-delivery-attempt']),
    ['1', '2', '3'],
  );
  assert.equal(new Set(got.map((r) => r.headers['x-tessera-delivery-id'])).size, 1, 'one delivery, three attempts');
  assert.ok(
    got.every((r) => receiver.verified(r, hook.secret) && r.raw.equals(got[0].raw)),
    'the same signed body each time',
  );
  assert.ok(got[1].at - got[0].at >= 240, `first wait ${got[1].at - got[0].at} ms (0.3 s − 20 %)`);
  assert.ok(got[2].at - got[1].at >= 480, `second wait ${got[2].at - got[1].at} ms (0.6 s − 20 %)`);
  const [delivery] = await until('the outcome', async () => {
    const rows = await app.store.webhooks.listDeliveries(hook.id);
    return rows[0]?.state === 'delivered' ? rows : undefined;
  });
  assert.deepEqual([delivery.attempts, delivery.last_status, delivery.last_error], [3, 200, null]);
  // The request log (GET /log?log_type=webhook) gets one row per attempt, when its store is there.
  try {
    const logs = await until('three log rows', async () => {
      const rows = await app.store.requestLogs.list({ environment_id: env.id, log_type: 'webhook', limit: 10 });
      return rows.length >= 3 ? rows : undefined;
    });
    assert.deepEqual(logs.map((l) => l.status).sort(), [200, 500, 502]);
    for (const l of logs) {
      assert.equal(l.request_id, delivery.id);
      assert.equal(l.integrated_account_id, 'acc-1');
      assert.equal(l.path, receiver.url);
      assert.equal((l.detail as { webhook_id: string }).webhook_id, hook.id);
      assert.ok(!JSON.stringify(l).includes(hook.secret));
    }
  } catch (e) {
    if (!/not implemented/.test((e as Error).message)) throw e;
  }
});

test('after the last attempt the delivery is failed, with the reason', async () => {
  const receiver = await receiverFor([500, 500, 500]);
  const app = await services({ TESSERA_DATA_DIR: tempDir(), TESSERA_WEBHOOK_RETRY_SCHEDULE_S: '0.05' });
  const env = await ensureEnvironment(app.store, 'outbox');
  const hook = await app.webhooks.service.create(env.id, { target_url: receiver.url, event_types: ['integrated_account:deleted'], is_active: true });
  app.webhooks.worker.start();
  assert.equal(await app.webhooks.events.emit(env.id, 'integrated_account:created', { id: 'x' }), 0, 'not subscribed');
  await app.webhooks.events.emit(env.id, 'integrated_account:deleted', { id: 'x' });
  const [delivery] = await until('giving up', async () => {
    const rows = await app.store.webhooks.listDeliveries(hook.id);
    return rows[0]?.state === 'failed' ? rows : undefined;
  });
  assert.equal(delivery.attempts, 2);
  assert.equal(delivery.last_status, 500);
  assert.match(delivery.last_error!, /the receiver answered 500: try later/);
  assert.equal(receiver.received.length, 2);
});

test('a pending delivery survives a restart; a crashed claimant’s row is taken once its lease lapses', async () => {
  const receiver = await receiverFor();
  const dir = tempDir();
  const first = await services({ TESSERA_DATA_DIR: dir });
  const env = await ensureEnvironment(first.store, 'outbox');
  const hook = await first.webhooks.service.create(env.id, { target_url: receiver.url, event_types: ['*'], is_active: true });
  // No server, so no worker: the events wait in the outbox.
  await first.webhooks.events.emit(env.id, 'integrated_account:created', { id: 'before-restart' });
  await first.webhooks.events.emit(env.id, 'integrated_account:active', { id: 'claimed-by-a-crashed-replica' });
  const crashedRow = (await first.store.webhooks.listDeliveries(hook.id)).find((r) => r.event_type === 'integrated_account:active')!;
  const now = Date.now();
  // A replica claimed one row and died: its lease runs for another 700 ms.
  const leaseEnd = new Date(now + 700).toISOString();
  const claimed = await first.store.webhooks.claimDue('crashed-replica', new Date(now + 1).toISOString(), leaseEnd, 100);
  for (const r of claimed) if (r.id !== crashedRow.id) await first.store.webhooks.finish(r.id, 'crashed-replica', { ...r, state: 'pending' });
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(receiver.received.length, 0);
  await first.close();

  // The process starts again on the same SQLite file; its worker starts (the server does it, http/server.ts).
  const second = await services({ TESSERA_DATA_DIR: dir });
  second.webhooks.worker.start();
  const [restarted] = await receiver.waitFor(1, (r) => r.body.payload.id === 'before-restart');
  assert.ok(receiver.verified(restarted, hook.secret), 'signed with the secret shown at creation');
  const [taken] = await receiver.waitFor(1, (r) => r.body.payload.id === 'claimed-by-a-crashed-replica');
  assert.ok(taken.at >= Date.parse(leaseEnd), 'not before the lease lapsed');
  assert.equal(receiver.received.length, 2);
});

test('stop lets the attempt in progress finish and be recorded, then claims nothing more', async () => {
  let arrived!: () => void;
  const inFlight = new Promise<void>((resolve) => (arrived = resolve));
  let hits = 0;
  const slow = createServer((req, res) => {
    hits++;
    req.resume();
    arrived();
    setTimeout(() => res.writeHead(204).end(), 300);
  });
  await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    slow.closeAllConnections();
    await new Promise<void>((resolve) => slow.close(() => resolve()));
  });
  const app = await services({ TESSERA_DATA_DIR: tempDir() });
  const env = await ensureEnvironment(app.store, 'outbox');
  const target = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/`;
  const hook = await app.webhooks.service.create(env.id, { target_url: target, event_types: ['*'], is_active: true });
  app.webhooks.worker.start();
  await app.webhooks.events.emit(env.id, 'integrated_account:updated', { id: 'a' });
  await inFlight;
  await app.webhooks.worker.stop();
  const [done] = await app.store.webhooks.listDeliveries(hook.id);
  assert.deepEqual([done.state, done.last_status, done.claimed_by], ['delivered', 204, null], 'recorded before stop resolved');
  await app.webhooks.events.emit(env.id, 'integrated_account:updated', { id: 'b' });
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(hits, 1, 'a stopped worker sends nothing');
  assert.equal((await app.store.webhooks.listDeliveries(hook.id)).filter((d) => d.state === 'pending').length, 1, 'the new event waits in the outbox');
});

describe('two replicas on one Postgres', () => {
  test('deliver each event exactly once between them', async (t) => {
    // Looked up here, not when the file loads: another test's start would hold the event loop past the connect timeout.
    const url = await postgresSchemaUrl((drop) => cleanups.unshift(drop));
    if (!url) return t.skip('Postgres is not reachable');
    const receiver = await receiverFor();
    const env = { TESSERA_DATABASE_URL: url!, TESSERA_ENCRYPTION_KEY: SecretBox.generateKey(), TESSERA_DATA_DIR: tempDir() };
    const a = await services(env);
    const b = await services(env);
    const environment = await ensureEnvironment(a.store, 'replicas');
    const hook = await a.webhooks.service.create(environment.id, { target_url: receiver.url, event_types: ['*'], is_active: true });
    a.webhooks.worker.start();
    b.webhooks.worker.start();
    const events = 40;
    await Promise.all(
      Array.from({ length: events }, (_, i) => (i % 2 ? a : b).webhooks.events.emit(environment.id, 'integrated_account:updated', { id: `acc-${i}` })),
    );
    await receiver.waitFor(events);
    const rows = await until('every outcome recorded', async () => {
      const r = await a.store.webhooks.listDeliveries(hook.id);
      return r.every((d) => d.state === 'delivered') ? r : undefined;
    });
    // Both keep polling meanwhile: nothing arrives twice.
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(receiver.received.length, events);
    assert.equal(new Set(receiver.received.map((r) => r.headers['x-tessera-delivery-id'])).size, events);
    assert.ok(rows.every((d) => d.attempts === 1));
    assert.ok(receiver.received.every((r) => receiver.verified(r, hook.secret)));
    await Promise.all([a.webhooks.worker.stop(), b.webhooks.worker.stop()]);
  });
});
