import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { ensureEnvironment } from '../services/tokens.ts';
import { CANARY_SETTING } from './canary.ts';
import { formatRotationReport, openRotationDatabase, rotateSealedValues } from './key-rotation.ts';
import { openStore } from './open-store.ts';
import { keyIdOf, SecretBox } from './secret-box.ts';

const silent = createLogger('silent');

/** SQLite in a temp dir: five accounts sealed under key A, and the settings of a rotation to B. */
async function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-rotation-'));
  const keyA = SecretBox.generateKey();
  const keyB = SecretBox.generateKey();
  const env = (key: string, previous: string) => ({ TESSERA_DATA_DIR: dir, TESSERA_ENCRYPTION_KEY: key, TESSERA_ENCRYPTION_KEY_PREVIOUS: previous });
  const { store } = await openStore(loadConfig(env(keyA, '')), silent);
  const environmentId = (await ensureEnvironment(store, 'rotation')).id;
  const ids = Array.from({ length: 5 }, () => randomUUID()).sort();
  for (const [n, id] of ids.entries()) {
    await store.createIntegratedAccount({
      id,
      tenant_id: 't',
      environment_id: environmentId,
      integration: 'neon',
      status: 'active',
      is_sandbox: false,
      is_blocked: false,
      authentication_method: 'api_key',
      region: 'us',
      context: { api_key: `secret-k${n}`, org_id: `o${n}` },
      unified_model_override: {},
      integration_override: {},
      last_error: null,
    });
  }
  await store.close();
  // A replica still sealing with A (step 1 of the procedure: B is only a previous key there).
  const oldReplica = (await openStore(loadConfig(env(keyA, keyB)), silent)).store;
  const db = await openRotationDatabase(loadConfig(env(keyB, keyA)));
  const box = new SecretBox(keyB, [keyA]);
  return {
    ids,
    keyB,
    oldReplica,
    db,
    box,
    async newKeyOnly() {
      return (await openStore(loadConfig(env(keyB, '')), silent)).store;
    },
    async cleanup() {
      await oldReplica.close();
      await db.destroy();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('a row another replica rewrites between the read and the write is read again, not overwritten', async () => {
  const s = await setup();
  try {
    let writes = 0;
    const report = await rotateSealedValues(s.db, s.box, {
      batchSize: 2,
      beforeWrite: async (table, ids) => {
        // Once: the old replica refreshes the first account's key, sealing it with A.
        if (table === 'integrated_accounts' && ids.includes(s.ids[0]!) && writes++ === 0) {
          await s.oldReplica.updateIntegratedAccount(s.ids[0]!, { context: { api_key: 'refreshed', org_id: 'o0' } });
        }
      },
    });
    assert.deepEqual(report.failures, []);
    assert.deepEqual(report.tables, {
      integrated_accounts: { resealed: 5, current: 0, failed: 0 },
      webhooks: { resealed: 0, current: 0, failed: 0 },
      link_tokens: { resealed: 0, current: 0, failed: 0 },
      settings: { resealed: 1, current: 0, failed: 0 },
    });
    const store = await s.newKeyOnly();
    try {
      assert.deepEqual((await store.getIntegratedAccount(s.ids[0]!))!.context, { api_key: 'refreshed', org_id: 'o0' }, 'the concurrent write survived');
      for (const [n, id] of s.ids.entries())
        if (n > 0) assert.deepEqual((await store.getIntegratedAccount(id))!.context, { api_key: `secret-k${n}`, org_id: `o${n}` });
    } finally {
      await store.close();
    }
    const canary = await s.db.selectFrom('settings').select('value').where('key', '=', CANARY_SETTING).executeTakeFirstOrThrow();
    assert.ok(canary.value.startsWith(`v2:${keyIdOf(s.keyB)}:`));
  } finally {
    await s.cleanup();
  }
});

test('a row that changes on every attempt is reported, and the canary waits for it', async () => {
  const s = await setup();
  try {
    let n = 0;
    const report = await rotateSealedValues(s.db, s.box, {
      beforeWrite: async (table, ids) => {
        if (table === 'integrated_accounts' && ids.includes(s.ids[3]!)) {
          await s.oldReplica.updateIntegratedAccount(s.ids[3]!, { context: { api_key: `busy-${n++}` } });
        }
      },
    });
    assert.deepEqual(report.tables.integrated_accounts, { resealed: 4, current: 0, failed: 1 });
    assert.deepEqual(report.failures, [
      { table: 'integrated_accounts', id: s.ids[3], reason: 'changed by another writer on each of 5 attempts; run keys rotate again' },
    ]);
    assert.equal(report.canaryDeferred, true);
    assert.deepEqual(report.tables.settings, { resealed: 0, current: 0, failed: 0 });
    const text = formatRotationReport(report);
    assert.match(text, /the encryption canary stays under its old key/);
    // No value from a context (the key ids are random base64url and may well contain `k1`).
    assert.doesNotMatch(text, /busy-|secret-k\d/);

    // Run again when the writer is quiet: the rest is current, the last row and the canary are re-sealed.
    const again = await rotateSealedValues(s.db, s.box);
    assert.deepEqual(again.tables, {
      integrated_accounts: { resealed: 1, current: 4, failed: 0 },
      webhooks: { resealed: 0, current: 0, failed: 0 },
      link_tokens: { resealed: 0, current: 0, failed: 0 },
      settings: { resealed: 1, current: 0, failed: 0 },
    });
  } finally {
    await s.cleanup();
  }
});

test('webhook signing secrets are re-sealed with the current key and still open', async () => {
  const s = await setup();
  try {
    // Two webhooks created by a replica sealing with A.
    const environmentId = (await ensureEnvironment(s.oldReplica, 'rotation')).id;
    const ts = new Date().toISOString();
    const hooks = ['whsec-one', 'whsec-two'].map((secret) => ({
      id: randomUUID(),
      environment_id: environmentId,
      target_url: 'https://hooks.example.com/x',
      event_types: ['*'],
      is_active: true,
      secret,
      created_at: ts,
      updated_at: ts,
    }));
    for (const h of hooks) await s.oldReplica.webhooks.create(h);
    const report = await rotateSealedValues(s.db, s.box);
    assert.deepEqual(report.failures, []);
    assert.deepEqual(report.tables.webhooks, { resealed: 2, current: 0, failed: 0 });
    const rows = await s.db.selectFrom('webhooks').select(['id', 'secret']).execute();
    for (const row of rows) assert.ok(row.secret.startsWith(`v2:${keyIdOf(s.keyB)}:`), 'sealed under B');
    // A replica with B alone opens them: A can be retired.
    const store = await s.newKeyOnly();
    try {
      for (const h of hooks) assert.equal((await store.webhooks.get(h.id))!.secret, h.secret);
    } finally {
      await store.close();
    }
    const again = await rotateSealedValues(s.db, s.box);
    assert.deepEqual(again.tables.webhooks, { resealed: 0, current: 2, failed: 0 });
  } finally {
    await s.cleanup();
  }
});

test("link tokens' contexts are re-sealed with the current key and still open", async () => {
  const s = await setup();
  try {
    const environmentId = (await ensureEnvironment(s.oldReplica, 'rotation')).id;
    const ts = new Date().toISOString();
    const token = {
      id: randomUUID(),
      token_hash: randomUUID(),
      environment_id: environmentId,
      tenant_id: 'acme',
      integration: 'neon',
      integrated_account_id: null,
      redirect_uri: null,
      region: null,
      context: { api_key: 'napi-in-a-link-token', team: 'blue' },
      persist_previous_context: false,
      integration_override: {},
      scopes: null,
      expires_at: new Date(Date.now() + 60_000).toISOString(),
      used_at: null,
      created_at: ts,
    };
    await s.oldReplica.linkTokens.create(token);
    const report = await rotateSealedValues(s.db, s.box);
    assert.deepEqual(report.failures, []);
    assert.deepEqual(report.tables.link_tokens, { resealed: 1, current: 0, failed: 0 });
    const row = await s.db.selectFrom('link_tokens').select('context').executeTakeFirstOrThrow();
    assert.match(row.context, new RegExp(`v2:${keyIdOf(s.keyB)}:`));
    assert.doesNotMatch(row.context, /napi-in-a-link-token/);
    const store = await s.newKeyOnly();
    try {
      assert.deepEqual((await store.linkTokens.findByHash(token.token_hash))!.context, token.context);
    } finally {
      await store.close();
    }
  } finally {
    await s.cleanup();
  }
});
