import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, describe, test } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { SecretBox } from '../secret-box.ts';
import type { LinkTokenRecord } from '../link-token-rows.ts';
import { storeEngines } from '../../../test/helpers/store-engines.ts';

/** The link-token rows on both engines: SQLite always, Postgres when the local `test` database answers. */
const box = new SecretBox(SecretBox.generateKey());
const SECRET = 'napi_link_token_context_secret_0123456789';
const engines = storeEngines(box, 'link');

for (const [name, open] of engines) {
  describe(`link-token rows on ${name}`, async () => {
    const store = await open();
    if (!store) {
      test(`${name} is not reachable here`, { skip: 'no Postgres server; set TESSERA_TEST_POSTGRES_URL' }, () => {});
      return;
    }
    after(() => store.close());
    await store.migrate();
    const ts = new Date().toISOString();
    const env = await store.createEnvironment({ id: randomUUID(), name: `env-${randomUUID()}`, created_at: ts, updated_at: ts });
    const record = (over: Partial<LinkTokenRecord> = {}): LinkTokenRecord => ({
      id: randomUUID(),
      token_hash: randomUUID(),
      environment_id: env.id,
      tenant_id: 'acme',
      integration: 'neon',
      integrated_account_id: null,
      redirect_uri: 'https://app.example.com/done',
      region: 'eu',
      context: { api_key: SECRET, team: 'blue' },
      persist_previous_context: true,
      integration_override: { base_url: 'https://neon.example.com/api/v2' },
      scopes: ['read', 'write'],
      expires_at: new Date(Date.now() + 60_000).toISOString(),
      used_at: null,
      created_at: ts,
      ...over,
    });

    test('round-trips a token by its hash, the context sealed at rest', async () => {
      const r = await store.linkTokens.create(record());
      assert.deepEqual(await store.linkTokens.findByHash(r.token_hash), r);
      assert.equal(await store.linkTokens.findByHash('nope'), undefined);
      // The store's own connection: what a database dump would show.
      const db = (store as unknown as { db: Kysely<unknown> }).db;
      const raw = (await sql<{ context: string }>`select context from link_tokens where id = ${r.id}`.execute(db)).rows[0].context;
      assert.ok(!raw.includes(SECRET), 'the secret is sealed');
      assert.ok(raw.includes('blue'), 'what is not a secret stays readable');
    });

    test('a token is claimed once; a released claim can be claimed again', async () => {
      const r = await store.linkTokens.create(record({ scopes: null, integration: null }));
      const at = new Date().toISOString();
      const results = await Promise.all([1, 2, 3].map(() => store.linkTokens.claim(r.id, at)));
      assert.deepEqual(results.filter(Boolean).length, 1);
      assert.equal((await store.linkTokens.findByHash(r.token_hash))!.used_at, at);
      await store.linkTokens.release(r.id, 'another-claim');
      assert.equal((await store.linkTokens.findByHash(r.token_hash))!.used_at, at, 'only the claimant releases');
      await store.linkTokens.release(r.id, at);
      assert.equal((await store.linkTokens.findByHash(r.token_hash))!.used_at, null);
      assert.equal(await store.linkTokens.claim(r.id, at), true);
    });

    test('expired tokens are deleted', async () => {
      const old = await store.linkTokens.create(record({ expires_at: '2000-01-01T00:00:00.000Z' }));
      const fresh = await store.linkTokens.create(record());
      assert.ok((await store.linkTokens.deleteExpired(new Date().toISOString())) >= 1);
      assert.equal(await store.linkTokens.findByHash(old.token_hash), undefined);
      assert.ok(await store.linkTokens.findByHash(fresh.token_hash));
    });
  });
}
