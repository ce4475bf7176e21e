import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { SecretBox } from '../secret-box.ts';
import type { Store } from '../types.ts';
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

    test('tokens are looked up by hash', async () => {
      await store.createApiToken({
        id: randomUUID(),
        environment_id: env.id,
        name: 't',
        token_hash: `h-${name}`,
        expires_at: null,
        revoked_at: null,
        created_at: ts,
        updated_at: ts,
      });
      assert.equal((await store.findApiTokenByHash(`h-${name}`))?.environment_id, env.id);
      assert.equal(await store.findApiTokenByHash('nope'), undefined);
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
