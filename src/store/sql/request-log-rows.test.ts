import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { SecretBox } from '../secret-box.ts';
import type { RequestLogRecord } from '../request-log-rows.ts';
import { storeEngines } from '../../../test/helpers/store-engines.ts';

/** The request-log rows on both engines: SQLite always, Postgres when one is reachable. */
const box = new SecretBox(SecretBox.generateKey());
const engines = storeEngines(box, 'logs');

const at = (minutesAgo: number) => new Date(Date.UTC(2026, 0, 10, 12, 0, 0) - minutesAgo * 60_000).toISOString();

function row(environment_id: string, over: Partial<RequestLogRecord> = {}): RequestLogRecord {
  return {
    id: randomUUID(),
    environment_id,
    log_type: 'unified_proxy_api',
    integrated_account_id: randomUUID(),
    integration: 'neon',
    request_id: randomUUID(),
    method: 'GET',
    path: '/unified/usage-metering/users?integrated_account_id=x',
    status: 200,
    duration_ms: 12,
    error: null,
    detail: { model: 'usage-metering', upstream: [{ method: 'GET', url: 'https://h/x', status: 200 }], upstream_calls: 1 },
    created_at: at(0),
    ...over,
  };
}

for (const [name, open] of engines) {
  describe(`SqlRequestLogRows on ${name}`, async () => {
    const store = await open();
    if (!store) {
      test(`${name} is not reachable here`, { skip: 'no Postgres server; set TESSERA_TEST_POSTGRES_URL' }, () => {});
      return;
    }
    after(() => store.close());
    await store.migrate();
    const env = randomUUID();
    const other = randomUUID();
    const account = randomUUID();
    const rows = [
      row(env, { created_at: at(30), integrated_account_id: account, status: 200 }),
      row(env, { created_at: at(20), integrated_account_id: account, status: 404, error: 'No such user', path: '/proxy/users/1' }),
      row(env, { created_at: at(10), integration: 'github', method: 'POST', status: 502 }),
      // Same instant: the id breaks the tie, so paging never skips or repeats one.
      row(env, { created_at: at(5), id: '00000000-0000-4000-8000-000000000001' }),
      row(env, { created_at: at(5), id: '00000000-0000-4000-8000-000000000002' }),
      row(env, { log_type: 'webhook', created_at: at(1), detail: { webhook_id: 'w1', event: 'integrated_account:created', attempt: 1 } }),
      row(other, { created_at: at(1) }),
    ];
    await store.requestLogs.insertMany(rows);
    await store.requestLogs.insertMany([]);

    test('lists one environment and type, newest first, with detail as it was written', async () => {
      const got = await store.requestLogs.list({ environment_id: env, log_type: 'unified_proxy_api', limit: 100 });
      assert.deepEqual(
        got.map((r) => r.created_at),
        [at(5), at(5), at(10), at(20), at(30)],
      );
      assert.deepEqual(
        got.slice(0, 2).map((r) => r.id),
        ['00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000001'],
      );
      assert.deepEqual(got[4], rows[0]);
      const hooks = await store.requestLogs.list({ environment_id: env, log_type: 'webhook', limit: 100 });
      assert.deepEqual(hooks, [rows[5]]);
    });

    test('filters by account, integration, method, status, path prefix and time', async () => {
      const base = { environment_id: env, log_type: 'unified_proxy_api' as const, limit: 100 };
      const ids = async (f: Partial<Parameters<typeof store.requestLogs.list>[0]>) => (await store.requestLogs.list({ ...base, ...f })).map((r) => r.id);
      assert.deepEqual(await ids({ integrated_account_id: account }), [rows[1].id, rows[0].id]);
      assert.deepEqual(await ids({ integration: { in: ['github'] } }), [rows[2].id]);
      assert.equal((await ids({ integration: { nin: ['github'] } })).length, 4);
      assert.deepEqual(await ids({ method: 'POST' }), [rows[2].id]);
      assert.deepEqual(await ids({ status: [404, 502] }), [rows[2].id, rows[1].id]);
      assert.equal((await ids({ status: { nin: [200] } })).length, 2);
      assert.deepEqual(await ids({ status: [] }), []);
      assert.deepEqual(await ids({ path_prefix: ['/proxy/'] }), [rows[1].id]);
      assert.deepEqual(await ids({ created_at: { gte: at(20), lt: at(5) } }), [rows[2].id, rows[1].id]);
      assert.deepEqual(await ids({ request_id: rows[0].request_id! }), [rows[0].id]);
    });

    test('pages by (created_at, id) without gaps or repeats', async () => {
      const seen: string[] = [];
      let before: { created_at: string; id: string } | undefined;
      for (;;) {
        const page = await store.requestLogs.list({ environment_id: env, log_type: 'unified_proxy_api', limit: 2, before });
        seen.push(...page.map((r) => r.id));
        if (page.length < 2) break;
        before = { created_at: page[1].created_at, id: page[1].id };
      }
      assert.equal(seen.length, 5);
      assert.equal(new Set(seen).size, 5);
    });

    test('prune deletes rows older than the bound, in every environment, and says how many', async () => {
      assert.equal(await store.requestLogs.prune(at(15)), 2);
      const left = await store.requestLogs.list({ environment_id: env, log_type: 'unified_proxy_api', limit: 100 });
      assert.equal(left.length, 3);
      assert.equal(await store.requestLogs.prune(at(15)), 0);
    });

    test('a batch larger than one statement takes is written whole', async () => {
      const many = Array.from({ length: 1203 }, (_, i) => row(other, { created_at: new Date(Date.UTC(2026, 1, 1) + i).toISOString() }));
      await store.requestLogs.insertMany(many);
      const first = await store.requestLogs.list({ environment_id: other, log_type: 'unified_proxy_api', limit: 5000 });
      assert.equal(first.length, 1204);
    });
  });
}
