import assert from 'node:assert/strict';
import { test } from 'node:test';
import { openContext, REDACTED, redactContext, sealContext, SecretBox } from './secret-box.ts';

const box = new SecretBox(SecretBox.generateKey());

test('round-trips a value and uses a fresh IV every time', () => {
  const a = box.encrypt('napi_secret');
  const b = box.encrypt('napi_secret');
  assert.notEqual(a, b);
  assert.equal(box.decrypt(a), 'napi_secret');
  assert.match(a, /^v1:[\w-]{16}:[\w-]{22}:[\w-]+$/);
});

test('a tampered ciphertext is rejected by the auth tag', () => {
  const sealed = box.encrypt('secret');
  const parts = sealed.split(':');
  parts[3] = Buffer.from('xxxxxx').toString('base64url');
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
