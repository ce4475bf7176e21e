import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { SecretBox } from '../secret-box.ts';
import type { WebhookRecord } from '../webhook-rows.ts';
import type { Database } from './schema.ts';
import { storeEngines } from '../../../test/helpers/store-engines.ts';

/** The webhook rows on SQLite always, and on Postgres when one is reachable (TESSERA_TEST_POSTGRES_URL, default the local `test` database). */
const box = new SecretBox(SecretBox.generateKey());
const engines = storeEngines(box, 'webhooks');

for (const [engine, open] of engines) {
  describe(`webhook rows on ${engine}`, async () => {
    const store = await open();
    if (!store) {
      test(`${engine} is not reachable`, { skip: true }, () => {});
      return;
    }
    await store.migrate();
    after(() => store.close());
    const ts = () => new Date().toISOString();
    const env = { id: randomUUID(), name: `env-${randomUUID()}`, created_at: ts(), updated_at: ts() };
    const other = { id: randomUUID(), name: `env-${randomUUID()}`, created_at: ts(), updated_at: ts() };
    await store.createEnvironment(env);
    await store.createEnvironment(other);
    const hook = (over: Partial<WebhookRecord> = {}): WebhookRecord => ({
      id: randomUUID(),
      environment_id: env.id,
      target_url: 'https://hooks.example.com/a',
      event_types: ['integrated_account:created'],
      is_active: true,
      secret: `whsec_${randomUUID()}`,
      created_at: ts(),
      updated_at: ts(),
      ...over,
    });

    test('a webhook round-trips; its secret is sealed at rest', async () => {
      const h = hook({ event_types: ['*', 'integrated_account:deleted'] });
      await store.webhooks.create(h);
      assert.deepEqual(await store.webhooks.get(h.id), h);
      // What is on disk, read past the store.
      const db = (store as unknown as { db: Kysely<Database> }).db;
      const raw = await sql<{ secret: string }>`select secret from webhooks where id = ${h.id}`.execute(db);
      assert.ok(raw.rows[0].secret.startsWith('v2:'), 'sealed');
      assert.ok(!raw.rows[0].secret.includes(h.secret));
    });

    test('list filters by id, target_url and is_active within one environment, in pages', async () => {
      const a = hook({ target_url: 'https://a.example.com/' });
      const b = hook({ target_url: 'https://b.example.com/', is_active: false });
      const c = hook({ environment_id: other.id });
      for (const h of [a, b, c]) await store.webhooks.create(h);
      const ids = async (f: Partial<Parameters<typeof store.webhooks.list>[0]>) =>
        (await store.webhooks.list({ environment_id: env.id, limit: 100, ...f })).map((h) => h.id);
      assert.ok(!(await ids({})).includes(c.id), 'another environment');
      assert.deepEqual(await ids({ target_url: { in: ['https://b.example.com/'] } }), [b.id]);
      assert.deepEqual(await ids({ id: { in: [a.id, b.id] }, is_active: true }), [a.id]);
      assert.deepEqual(await ids({ id: { in: [a.id, b.id] }, is_active: false }), [b.id]);
      const first = await store.webhooks.list({ environment_id: env.id, id: { in: [a.id, b.id] }, limit: 1 });
      const rest = await store.webhooks.list({ environment_id: env.id, id: { in: [a.id, b.id] }, limit: 5, after: first[0] });
      assert.deepEqual([...first, ...rest].map((h) => h.id).sort(), [a.id, b.id].sort());
    });

    test('update changes only what is given; delete takes the deliveries with it', async () => {
      const h = hook();
      await store.webhooks.create(h);
      const updated = await store.webhooks.update(h.id, { is_active: false });
      assert.equal(updated!.is_active, false);
      assert.equal(updated!.target_url, h.target_url);
      assert.equal(updated!.secret, h.secret);
      await store.webhooks.enqueue([{ id: randomUUID(), webhook_id: h.id, environment_id: env.id, event_type: 'e', payload: '{}', next_attempt_at: ts() }]);
      assert.equal(await store.webhooks.delete(h.id), true);
      assert.equal(await store.webhooks.get(h.id), undefined);
      assert.deepEqual(await store.webhooks.listDeliveries(h.id), []);
      assert.equal(await store.webhooks.update(h.id, { is_active: true }), undefined);
      assert.equal(await store.webhooks.delete(h.id), false);
    });

    test('claims: due rows only, each to one of two racing workers, a lapsed lease taken over, the outcome written by the holder only', async () => {
      const h = hook();
      await store.webhooks.create(h);
      const now = new Date();
      const later = new Date(now.getTime() + 60_000).toISOString();
      const rows = Array.from({ length: 30 }, (_, i) => ({
        id: randomUUID(),
        webhook_id: h.id,
        environment_id: env.id,
        event_type: 'integrated_account:created',
        payload: `{"n":${i}}`,
        next_attempt_at: i < 25 ? now.toISOString() : later,
      }));
      await store.webhooks.enqueue(rows);
      const at = new Date(now.getTime() + 1).toISOString();
      const until = new Date(now.getTime() + 30_000).toISOString();
      const [a, b] = await Promise.all([store.webhooks.claimDue('a', at, until, 25), store.webhooks.claimDue('b', at, until, 25)]);
      const claimed = [...a, ...b].map((r) => r.id);
      assert.equal(claimed.length, 25, 'every due row once');
      assert.equal(new Set(claimed).size, 25, 'no row twice');
      assert.ok(a.every((r) => r.claimed_by === 'a' && r.claimed_until === until));
      assert.deepEqual(await store.webhooks.claimDue('c', at, until, 50), [], 'held rows and future rows are not claimed');

      const row = (a[0] ?? b[0])!;
      const holder = row.claimed_by!;
      const outcome = { state: 'delivered' as const, attempts: 1, next_attempt_at: row.next_attempt_at, last_status: 200, last_error: null, delivered_at: at };
      assert.equal(await store.webhooks.finish(row.id, 'someone-else', outcome), false);
      assert.equal(await store.webhooks.finish(row.id, holder, outcome), true);
      const done = await store.webhooks.getDelivery(row.id);
      assert.equal(done!.state, 'delivered');
      assert.equal(done!.claimed_by, null);

      // The holders crash: after their lease, another worker takes the rest.
      const afterLease = new Date(now.getTime() + 31_000).toISOString();
      const taken = await store.webhooks.claimDue('c', afterLease, new Date(now.getTime() + 90_000).toISOString(), 50);
      assert.equal(taken.length, 24, 'the 24 undelivered due rows');
      assert.ok(taken.every((r) => r.claimed_by === 'c'));
    });
  });
}
