import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { test } from 'node:test';
import { CursorCodec } from './cursor.ts';

const secret = Buffer.from('0123456789abcdef0123456789abcdef');
const scope = { account: 'acc-1', target: 'crm/contacts' };

test('a cursor round-trips its state, and its tag is the HMAC of the payload with the raw secret', () => {
  const codec = new CursorCodec(secret);
  const state = { page: 3, url: 'https://api.test/next?x=1' };
  const cursor = codec.encode(scope, state);
  assert.deepEqual(codec.decode(scope, cursor), state);
  // Cursors issued before the key was imported once still verify (same tag for the same secret).
  const [payload, tag] = cursor.split('.');
  assert.equal(tag, createHmac('sha256', secret).update(payload).digest('base64url').slice(0, 22));
  assert.deepEqual(new CursorCodec(Buffer.from(secret)).decode(scope, cursor), state);
});

test('a forged, re-scoped or foreign cursor is refused', () => {
  const codec = new CursorCodec(secret);
  const cursor = codec.encode(scope, { page: 2 });
  const [payload, tag] = cursor.split('.');
  const forged = Buffer.from(JSON.stringify({ v: 1, a: scope.account, t: scope.target, p: { page: 99 } })).toString('base64url');
  for (const bad of [`${forged}.${tag}`, `${payload}.${tag.slice(0, -1)}${tag.endsWith('A') ? 'B' : 'A'}`, payload, '', 'x.y']) {
    assert.throws(
      () => codec.decode(scope, bad),
      (e: any) => e.code !== undefined,
      bad,
    );
  }
  assert.throws(() => codec.decode({ ...scope, account: 'acc-2' }, cursor));
  assert.throws(() => codec.decode({ ...scope, target: 'crm/companies' }, cursor));
  assert.throws(() => new CursorCodec(Buffer.from('another secret')).decode(scope, cursor));
});
