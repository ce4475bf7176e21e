import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isInheritedName, isUuid, nameText, normaliseUuid, ownValue, queryText, storedText, textProblem } from './safe-input.ts';

test('normaliseUuid lower-cases a UUID in any case and refuses anything else', () => {
  assert.equal(normaliseUuid('0B7C3F2E-2B1A-4C3D-9E8F-112233445566'), '0b7c3f2e-2b1a-4c3d-9e8f-112233445566');
  assert.equal(normaliseUuid('0b7c3f2e-2b1a-4c3d-9e8f-112233445566'), '0b7c3f2e-2b1a-4c3d-9e8f-112233445566');
  for (const bad of [
    '',
    'x',
    '0b7c3f2e2b1a4c3d9e8f112233445566',
    '0b7c3f2e-2b1a-4c3d-9e8f-112233445566\u0000',
    ' 0b7c3f2e-2b1a-4c3d-9e8f-112233445566',
    42,
    undefined,
    ['a'],
  ]) {
    assert.equal(normaliseUuid(bad), undefined, String(bad));
    assert.equal(isUuid(bad), false);
  }
});

test('inherited names are every member plain objects inherit, and only those', () => {
  for (const name of ['__proto__', 'constructor', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__', '__lookupSetter__']) {
    assert.equal(isInheritedName(name), true, name);
  }
  for (const name of ['users', 'list', 'prototype', 'create', 'members', 'proto']) assert.equal(isInheritedName(name), false, name);
  const table: Record<string, number> = { users: 1 };
  assert.equal(ownValue(table, 'users'), 1);
  assert.equal(ownValue(table, 'constructor'), undefined);
  assert.equal(ownValue(table, '__proto__'), undefined);
  assert.equal(ownValue(undefined, 'users'), undefined);
});

test('stored and looked-up text: bounded, and no control characters', () => {
  assert.equal(textProblem('tenant-1 ünï 😀', { maxLength: 255 }), undefined);
  assert.match(textProblem('x'.repeat(256), { maxLength: 255 })!, /at most 255 characters \(got 256\)/);
  for (const bad of ['a\u0000b', 'a\nb', '\u001b[31m', 'a\u007f']) assert.match(textProblem(bad, { maxLength: 255 })!, /control characters/);
  assert.equal(queryText(undefined, 'tenant_id', { maxLength: 5 }), undefined);
  assert.equal(queryText('abc', 'tenant_id', { maxLength: 5 }), 'abc');
  assert.throws(() => queryText(['a'], 'tenant_id', { maxLength: 5 }), /tenant_id must be a single string, got a list/);
  assert.throws(() => queryText({ a: '1' }, 'tenant_id', { maxLength: 5 }), /got an object/);
  assert.throws(
    () => queryText('abcdef', 'tenant_id', { maxLength: 5 }),
    (e: any) => e.status === 400 && e.code === 'TESSERA_INVALID_QUERY',
  );
});

test('body field schemas refuse what the store or a lookup cannot take', () => {
  const tenant = storedText({ maxLength: 255 });
  assert.equal(tenant.parse('acme'), 'acme');
  for (const bad of ['', 't'.repeat(256), 'a\u0000', 'a\r\nb']) assert.equal(tenant.safeParse(bad).success, false, JSON.stringify(bad));
  const name = nameText();
  assert.equal(name.parse('usage-metering'), 'usage-metering');
  for (const bad of ['constructor', '__proto__', 'toString', 'n'.repeat(129), 'a\tb']) assert.equal(name.safeParse(bad).success, false, bad);
});
