import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { SecretBox } from '../secret-box.ts';
import type { EnvironmentIntegrationRecord } from '../environment-integration-rows.ts';
import { storeEngines } from '../../../test/helpers/store-engines.ts';

/** environment_integrations on SQLite always, and on Postgres when one is reachable (as sql-store.test.ts). */
const box = new SecretBox(SecretBox.generateKey());
const engines = storeEngines(box, 'envint');

for (const [name, open] of engines) {
  describe(`environment_integrations on ${name}`, async () => {
    const store = await open();
    if (!store) {
      test(`${name} is not reachable here`, { skip: 'no Postgres server; set TESSERA_TEST_POSTGRES_URL' }, () => {});
      return;
    }
    after(() => store.close());
    await store.migrate();
    const ts = new Date().toISOString();
    const env = await store.createEnvironment({ id: randomUUID(), name: `env-${randomUUID()}`, created_at: ts, updated_at: ts });
    const other = await store.createEnvironment({ id: randomUUID(), name: `env-${randomUUID()}`, created_at: ts, updated_at: ts });
    const record = (environment_id: string, integration: string, patch: Partial<EnvironmentIntegrationRecord> = {}): EnvironmentIntegrationRecord => ({
      id: randomUUID(),
      environment_id,
      integration,
      override: {},
      is_enabled: true,
      show_in_catalog: true,
      is_installed: true,
      created_at: ts,
      updated_at: ts,
      ...patch,
    });

    test('an absent pair reads as undefined', async () => {
      assert.equal(await store.environmentIntegrations.get(env.id, 'neon'), undefined);
      assert.deepEqual(await store.environmentIntegrations.list(env.id), []);
    });

    test('upsert inserts, then replaces the flags and override but keeps id and created_at', async () => {
      const first = await store.environmentIntegrations.upsert(record(env.id, 'neon', { override: { base_url: 'https://a.example' }, is_enabled: false }));
      assert.deepEqual(first.override, { base_url: 'https://a.example' });
      assert.equal(first.is_enabled, false);
      assert.equal(first.is_installed, true);
      const later = new Date(Date.now() + 1000).toISOString();
      const second = await store.environmentIntegrations.upsert(
        record(env.id, 'neon', { id: randomUUID(), override: {}, is_installed: false, created_at: later, updated_at: later }),
      );
      assert.equal(second.id, first.id);
      assert.equal(second.created_at, first.created_at);
      assert.equal(second.updated_at, later);
      assert.equal(second.is_installed, false);
      assert.equal(second.is_enabled, true);
      assert.deepEqual(second.override, {});
    });

    test('rows stay in their environment', async () => {
      await store.environmentIntegrations.upsert(record(other.id, 'neon', { show_in_catalog: false }));
      await store.environmentIntegrations.upsert(record(env.id, 'github'));
      assert.deepEqual(
        (await store.environmentIntegrations.list(env.id)).map((r) => r.integration),
        ['github', 'neon'],
      );
      const theirs = await store.environmentIntegrations.list(other.id);
      assert.equal(theirs.length, 1);
      assert.equal(theirs[0].show_in_catalog, false);
      assert.equal((await store.environmentIntegrations.get(env.id, 'neon'))?.show_in_catalog, true);
    });
  });
}
