import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createCipheriv, randomBytes } from 'node:crypto';
import { KeyNotConfiguredError, keyIdOf, openContext, REDACTED, redactContext, sealContext, SecretBox } from './secret-box.ts';

const box = new SecretBox(SecretBox.generateKey());

test('round-trips a value and uses a fresh IV every time', () => {
  const a = box.encrypt('napi_secret');
  const b = box.encrypt('napi_secret');
  assert.notEqual(a, b);
  assert.equal(box.decrypt(a), 'napi_secret');
  assert.match(a, new RegExp(`^v2:${box.keyId}:[\\w-]{16}:[\\w-]{22}:[\\w-]+$`));
});

test('a tampered ciphertext is rejected by the auth tag', () => {
  const sealed = box.encrypt('secret');
  const parts = sealed.split(':');
  parts[4] = Buffer.from('xxxxxx').toString('base64url');
  assert.throws(() => box.decrypt(parts.join(':')));
});

test('a key that is not 32 bytes is refused with advice', () => {
  assert.throws(() => new SecretBox(Buffer.alloc(16).toString('base64')), /32 bytes/);
});

test('seals protected keys at any depth and leaves the rest readable', () => {
  const context = { api_key: 'k1', org_id: 'org-1', oauth: { token: { access_token: 'at', refresh_token: 'rt', expires_at: 5 } } };
  const sealed = sealContext(context, box);
  const text = JSON.stringify(sealed);
  for (const secret of ['"k1"', '"at"', '"rt"']) assert.equal(text.includes(secret), false);
  assert.equal((sealed as any).org_id, 'org-1');
  assert.deepEqual(openContext(sealed, box), context);
});

test('redaction masks every protected value', () => {
  assert.deepEqual(redactContext({ api_key: 'k', password: 'p', org_id: 'o' }), { api_key: REDACTED, password: REDACTED, org_id: 'o' });
});

/** A value in the format written before key ids (`v1:<iv>:<tag>:<ct>`), as the earlier SecretBox sealed it. */
function sealV1(keyBase64: string, plaintext: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(keyBase64, 'base64'), iv);
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join(':');
}

test('values sealed before key ids (v1) still open, with the current key or a previous one', () => {
  const a = SecretBox.generateKey();
  const b = SecretBox.generateKey();
  assert.equal(new SecretBox(a).decrypt(sealV1(a, 'old')), 'old');
  const rotated = new SecretBox(b, [a]);
  const opened = rotated.open(sealV1(a, 'old'));
  assert.deepEqual(opened, { plaintext: 'old', keyId: keyIdOf(a), current: false });
  assert.equal(rotated.open(sealV1(b, 'x')).current, false, 'a v1 value is re-sealed even under the current key');
  assert.throws(() => new SecretBox(SecretBox.generateKey()).decrypt(sealV1(a, 'old')), KeyNotConfiguredError);
});

test('a box seals with the current key and opens with previous ones by key id', () => {
  const a = SecretBox.generateKey();
  const b = SecretBox.generateKey();
  const c = SecretBox.generateKey();
  const underA = new SecretBox(a).encrypt('secret-a');
  const rotated = new SecretBox(b, [c, a]);
  assert.deepEqual(rotated.previousKeyIds, [keyIdOf(c), keyIdOf(a)]);
  assert.deepEqual(rotated.open(underA), { plaintext: 'secret-a', keyId: keyIdOf(a), current: false });
  assert.equal(rotated.isCurrent(underA), false);
  const underB = rotated.encrypt('secret-b');
  assert.ok(underB.startsWith(`v2:${keyIdOf(b)}:`));
  assert.equal(rotated.isCurrent(underB), true);
  assert.deepEqual(rotated.open(underB), { plaintext: 'secret-b', keyId: keyIdOf(b), current: true });
  // B alone cannot open A's value: the message names A's key id and both settings, never the value.
  assert.throws(
    () => new SecretBox(b).decrypt(underA),
    (e: Error) =>
      e instanceof KeyNotConfiguredError &&
      e.message === `sealed with key id ${keyIdOf(a)}, which is neither TESSERA_ENCRYPTION_KEY nor in TESSERA_ENCRYPTION_KEY_PREVIOUS`,
  );
});

test('the key id is authenticated: a value relabelled with another key id does not open', () => {
  const a = SecretBox.generateKey();
  const b = SecretBox.generateKey();
  const box2 = new SecretBox(b, [a]);
  const parts = new SecretBox(a).encrypt('x').split(':');
  parts[1] = keyIdOf(b);
  assert.throws(() => box2.decrypt(parts.join(':')), /does not authenticate/);
  const truncated = new SecretBox(a).encrypt('x').split(':');
  truncated[3] = truncated[3]!.slice(0, 6);
  assert.throws(() => box2.decrypt(truncated.join(':')), /does not authenticate/, 'a truncated tag is refused');
});

test('previous keys are checked like the key, naming the setting; the current key repeated is ignored', () => {
  const a = SecretBox.generateKey();
  assert.throws(() => new SecretBox(a, ['c2hvcnQ=']), /^Error: TESSERA_ENCRYPTION_KEY_PREVIOUS must be 32 bytes/);
  assert.throws(() => new SecretBox(a, [a, 'c2hvcnQ=']), /^Error: TESSERA_ENCRYPTION_KEY_PREVIOUS \(key 2 of 2\) must be 32 bytes/);
  assert.deepEqual(new SecretBox(a, [a]).previousKeyIds, []);
});
