import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import pg from 'pg';
import { SecretBox } from '../secret-box.ts';
import type { Store } from '../types.ts';
import { migrationProvider } from './migrations.ts';
import { openPostgresStore, openSqliteStore } from './sql-store.ts';

/**
 * One behavioural suite, run against every engine the store supports: SQLite always, Postgres
 * when one is reachable (TESSERA_TEST_POSTGRES_URL, default the local `test` database).
 */
const box = new SecretBox(SecretBox.generateKey());
const PLAINTEXT_KEY = 'napi_plaintext_key_that_must_never_hit_disk_0123456789';

async function postgresUrl(): Promise<string | undefined> {
  const base = process.env.TESSERA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: base, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    // A schema per run keeps concurrent runs and earlier runs out of each other's way.
    const schema = `tessera_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    await client.query(`CREATE SCHEMA ${schema}`);
    cleanups.push(async () => {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    });
    return `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups) await c();
});

const sqliteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-store-'));
const sqliteFile = path.join(sqliteDir, 'tessera.db');
cleanups.push(async () => fs.rmSync(sqliteDir, { recursive: true, force: true }));

const engines: [string, () => Promise<Store | undefined>][] = [
  ['sqlite', () => openSqliteStore(sqliteFile, box)],
  [
    'postgres',
    async () => {
      const url = await postgresUrl();
      return url ? openPostgresStore(url, box) : undefined;
    },
  ],
];

for (const [name, open] of engines) {
  describe(`SqlStore on ${name}`, async () => {
    const store = await open();
    if (!store) {
      test(`${name} is not reachable here`, { skip: 'no Postgres server; set TESSERA_TEST_POSTGRES_URL' }, () => {});
      return;
    }
    after(() => store.close());
    await store.migrate();
    await store.migrate(); // idempotent: a second start runs nothing
    const ts = new Date().toISOString();
    const env = await store.createEnvironment({ id: randomUUID(), name: `env-${randomUUID()}`, created_at: ts, updated_at: ts });

    const newAccount = (tenant: string) =>
      store.createIntegratedAccount({
        id: randomUUID(),
        tenant_id: tenant,
        environment_id: env.id,
        integration: 'acme-analytics',
        status: 'active',
        is_sandbox: false,
        is_blocked: false,
        authentication_method: 'api_key',
        region: 'wnam',
        context: { api_key: PLAINTEXT_KEY, org_id: 'org-1' },
        unified_model_override: {},
        integration_override: {},
        last_error: null,
      });

    test('stores and reads an account with its credentials decrypted', async () => {
      const created = await newAccount('acme');
      const read = await store.getIntegratedAccount(created.id);
      assert.equal(read?.context.api_key, PLAINTEXT_KEY);
      assert.equal(read?.is_sandbox, false);
      assert.equal(typeof read?.is_blocked, 'boolean');
    });

    test('updates, filters, pages by keyset and deletes', async () => {
      const a = await newAccount('page-1');
      const b = await newAccount('page-2');
      const updated = await store.updateIntegratedAccount(a.id, { status: 'needs_reauth', last_error: 'bad key' });
      assert.equal(updated?.status, 'needs_reauth');
      assert.equal((await store.listIntegratedAccounts({ environment_id: env.id, status: 'needs_reauth', limit: 10 })).length, 1);
      const first = await store.listIntegratedAccounts({ environment_id: env.id, limit: 1 });
      const rest = await store.listIntegratedAccounts({ environment_id: env.id, limit: 100, after: { created_at: first[0].created_at, id: first[0].id } });
      assert.equal(
        rest.some((r) => r.id === first[0].id),
        false,
      );
      assert.equal(await store.deleteIntegratedAccount(b.id), true);
      assert.equal(await store.getIntegratedAccount(b.id), undefined);
    });

    test('text filters: equality, any of, none of, an empty list matches nothing', async () => {
      const [x, y] = [await newAccount('match-x'), await newAccount('match-y')];
      const tenants = async (filter: Partial<Parameters<typeof store.listIntegratedAccounts>[0]>) =>
        (await store.listIntegratedAccounts({ environment_id: env.id, limit: 100, ...filter }))
          .map((r) => r.tenant_id)
          .filter((t) => t.startsWith('match-'))
          .sort();
      assert.deepEqual(await tenants({ tenant_id: 'match-x' }), ['match-x']);
      assert.deepEqual(await tenants({ tenant_id: { in: ['match-x', 'match-y'] } }), ['match-x', 'match-y']);
      assert.deepEqual(await tenants({ tenant_id: { in: ['match-x', 'match-y'], nin: ['match-y'] } }), ['match-x']);
      assert.deepEqual(await tenants({ id: { in: [y.id] } }), ['match-y'], 'ids compare as the column type stores them');
      assert.deepEqual(await tenants({ id: { nin: [x.id] }, tenant_id: { in: ['match-x', 'match-y'] } }), ['match-y']);
      assert.deepEqual(await tenants({ tenant_id: { in: [] } }), []);
    });

    test('tokens are looked up by hash', async () => {
      await store.createApiToken({
        id: randomUUID(),
        environment_id: env.id,
        name: 't',
        token_hash: `h-${name}`,
        expires_at: null,
        revoked_at: null,
        role: 'admin',
        integrated_account_id: null,
        created_by: null,
        created_at: ts,
        updated_at: ts,
      });
      assert.equal((await store.findApiTokenByHash(`h-${name}`))?.environment_id, env.id);
      assert.equal(await store.findApiTokenByHash('nope'), undefined);
    });

    test('an Idempotency-Key is claimed once however many claimants race, and only its owner settles it', async () => {
      const key = `idem-${randomUUID()}`;
      const at = new Date().toISOString();
      const expires_at = new Date(Date.now() + 60_000).toISOString();
      const rows = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.claimIdempotency({ key, request_hash: 'h', owner: `replica/${i}`, at, expires_at })),
      );
      const owners = new Set(rows.map((r) => r?.owner));
      assert.equal(owners.size, 1, 'every claimant reads the same winner');
      const winner = [...owners][0]!;
      assert.equal(rows[0]?.state, 'in_progress');
      assert.equal(await store.heartbeatIdempotency(key, 'replica/other', at), false);
      assert.equal(await store.heartbeatIdempotency(key, winner, new Date().toISOString()), true);
      const outcome = { state: 'completed' as const, status: 201, body: '{"id":1}', headers: '{}', expires_at };
      assert.equal(await store.finishIdempotency(key, 'replica/other', outcome), false);
      assert.equal(await store.finishIdempotency(key, winner, outcome), true);
      await store.releaseIdempotency(key, winner); // a finished row is not released
      const read = await store.getIdempotency(key, new Date().toISOString());
      assert.equal(read?.state, 'completed');
      assert.equal(read?.body, '{"id":1}');

      const released = `idem-${randomUUID()}`;
      await store.claimIdempotency({ key: released, request_hash: 'h', owner: 'a/1', at, expires_at });
      await store.releaseIdempotency(released, 'a/1');
      assert.equal((await store.claimIdempotency({ key: released, request_hash: 'h', owner: 'b/1', at, expires_at }))?.owner, 'b/1');

      const expired = `idem-${randomUUID()}`;
      await store.claimIdempotency({ key: expired, request_hash: 'h', owner: 'a/1', at, expires_at: at });
      const later = new Date(Date.now() + 1000).toISOString();
      assert.equal(
        (await store.claimIdempotency({ key: expired, request_hash: 'h', owner: 'b/1', at: later, expires_at }))?.owner,
        'b/1',
        'an expired row is swept',
      );
    });

    if (name === 'sqlite') {
      test('a copy of the database file holds no plaintext credential', async () => {
        await newAccount('disk-check');
        const bytes = Buffer.concat(fs.readdirSync(sqliteDir).map((f) => fs.readFileSync(path.join(sqliteDir, f))));
        assert.equal(bytes.includes(Buffer.from(PLAINTEXT_KEY)), false);
        assert.equal(bytes.includes(Buffer.from('org-1')), true, 'non-secret context is stored in the clear, so the check above is meaningful');
      });
    }
  });
}

test('a database from before Idempotency-Key claims migrates forward: its stored responses stay replayable', async () => {
  const file = path.join(sqliteDir, 'before-claims.db');
  const old = new Kysely<any>({ dialect: new SqliteDialect({ database: new BetterSqlite3(file) }) });
  const { error } = await new Migrator({ db: old, provider: migrationProvider }).migrateTo('0002_environment_mappings');
  assert.equal(error, undefined);
  const expires_at = new Date(Date.now() + 60_000).toISOString();
  await old.insertInto('idempotency_keys').values({ key: 'k-old', request_hash: 'h', status: 201, body: '{}', headers: '{}', expires_at }).execute();
  await old.destroy();

  const store = await openSqliteStore(file, box);
  try {
    await store.migrate();
    const row = await store.getIdempotency('k-old', new Date().toISOString());
    assert.equal(row?.state, 'completed');
    assert.equal(row?.status, 201);
  } finally {
    await store.close();
  }
});
