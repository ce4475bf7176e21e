import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CANARY_SETTING, checkEncryptionCanary, verifyEncryptionCanary } from './canary.ts';
import { SecretBox } from './secret-box.ts';
import { openSqliteStore } from './sql/sql-store.ts';

test('the canary is sealed at the first start, opens with the same key, and refuses another key naming the setting', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-canary-'));
  const key = new SecretBox(SecretBox.generateKey());
  const store = await openSqliteStore(path.join(dir, 'tessera.db'), key);
  try {
    await store.migrate();
    assert.equal(await store.getSetting(CANARY_SETTING), undefined);
    await verifyEncryptionCanary(store, key);
    const sealed = await store.getSetting(CANARY_SETTING);
    assert.match(sealed!, /^v1:/, 'stored sealed, not as plain text');
    await verifyEncryptionCanary(store, key);
    assert.equal(await store.getSetting(CANARY_SETTING), sealed, 'a second start keeps the first canary');
    await checkEncryptionCanary(store, key);

    const other = new SecretBox(SecretBox.generateKey());
    await assert.rejects(
      verifyEncryptionCanary(store, other),
      /^Error: TESSERA_ENCRYPTION_KEY does not match the key the data in this database was sealed with/,
    );
    await assert.rejects(checkEncryptionCanary(store, other), /does not open/);

    // Two replicas starting together: the first insert wins, the second is a no-op.
    await store.putSettingIfAbsent(CANARY_SETTING, 'v1:something:else:entirely');
    assert.equal(await store.getSetting(CANARY_SETTING), sealed);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('checkHealth: fails before the migrations ran, passes after', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-canary-'));
  const store = await openSqliteStore(path.join(dir, 'tessera.db'), new SecretBox(SecretBox.generateKey()));
  try {
    await store.ping();
    await assert.rejects(store.checkHealth(), /migration 0004_settings has not run/);
    await store.migrate();
    await store.checkHealth();
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
