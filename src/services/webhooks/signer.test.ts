import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { signatureOf, verifySignature } from './signer.ts';

test('the signature is format=sha256,v=<hex HMAC-SHA256 of the raw body>', () => {
  const body = '{"event":"integrated_account:created"}';
  const hex = createHmac('sha256', 's3cret').update(body).digest('hex');
  assert.equal(signatureOf(body, 's3cret'), `format=sha256,v=${hex}`);
});

test('verification accepts the exact body under the right secret only', () => {
  const body = '{"a":1}';
  const header = signatureOf(body, 'k');
  assert.equal(verifySignature(body, header, 'k'), true);
  assert.equal(verifySignature(Buffer.from(body), header, 'k'), true);
  assert.equal(verifySignature('{"a": 1}', header, 'k'), false, 'a re-serialised body does not verify');
  assert.equal(verifySignature(body, header, 'other'), false);
  assert.equal(verifySignature(body, undefined, 'k'), false);
  assert.equal(verifySignature(body, header.replace('sha256', 'sha1'), 'k'), false);
});
