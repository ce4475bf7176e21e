import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { CANARY_SETTING, checkEncryptionCanary, verifyEncryptionCanary } from './canary.ts';
import { SecretBox } from './secret-box.ts';
import { LATEST_MIGRATION } from './sql/migrations.ts';
import { openSqliteStore } from './sql/sql-store.ts';

test('the canary is sealed at the first start, opens with the same key, and refuses another key naming the setting', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-canary-'));
  const keyText = SecretBox.generateKey();
  const key = new SecretBox(keyText);
  const store = await openSqliteStore(path.join(dir, 'tessera.db'), key);
  try {
    await store.migrate();
    assert.equal(await store.getSetting(CANARY_SETTING), undefined);
    assert.equal(await verifyEncryptionCanary(store, key), 'current');
    const sealed = await store.getSetting(CANARY_SETTING);
    assert.match(sealed!, new RegExp(`^v2:${key.keyId}:`), 'stored sealed, not as plain text');
    await verifyEncryptionCanary(store, key);
    assert.equal(await store.getSetting(CANARY_SETTING), sealed, 'a second start keeps the first canary');
    await checkEncryptionCanary(store, key);

    const other = new SecretBox(SecretBox.generateKey());
    await assert.rejects(
      verifyEncryptionCanary(store, other),
      /^Error: TESSERA_ENCRYPTION_KEY does not match the key the data in this database was sealed with, and TESSERA_ENCRYPTION_KEY_PREVIOUS is not set/,
    );
    // Rotation in progress: the new key with the old one as previous starts, and says so.
    const rotating = new SecretBox(SecretBox.generateKey(), [keyText]);
    assert.equal(await verifyEncryptionCanary(store, rotating), 'pending');
    assert.equal(await checkEncryptionCanary(store, rotating), 'pending');
    await assert.rejects(
      verifyEncryptionCanary(store, new SecretBox(SecretBox.generateKey(), [SecretBox.generateKey()])),
      /and neither does any of the 1 key\(s\) in TESSERA_ENCRYPTION_KEY_PREVIOUS/,
    );
    await assert.rejects(checkEncryptionCanary(store, other), /opens with neither TESSERA_ENCRYPTION_KEY nor TESSERA_ENCRYPTION_KEY_PREVIOUS/);

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
    // The newest migration, whichever it is: a new one must not break this test.
    await assert.rejects(store.checkHealth(), new RegExp(`migration ${LATEST_MIGRATION} has not run`));
    await store.migrate();
    await store.checkHealth();
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
