import assert from 'node:assert/strict';
import { test } from 'node:test';
import { secretKeyPredicate } from '../store/secret-keys.ts';
import { redactBody, redactHeaders, redactUrl } from './redact.ts';

const isSecret = secretKeyPredicate(['admin_key']);

test('debug output masks what the installation calls a secret, not only the well-known names', () => {
  assert.equal(redactUrl('https://api.example.com/x?admin_key=k1&org=acme', isSecret), 'https://api.example.com/x?admin_key=********&org=acme');
  assert.equal(redactUrl('https://api.example.com/x?AdminKey=k1', isSecret), 'https://api.example.com/x?AdminKey=********');
  assert.equal(redactUrl('https://u:p@api.example.com/x'), 'https://u:********@api.example.com/x');
});

test('a secret in a body is masked whole, whatever its type', () => {
  assert.deepEqual(redactBody({ admin_key: 'k', nested: { apiKey: ['a', 'b'], client_secret: { v: 1 } }, name: 'n' }, isSecret), {
    admin_key: '********',
    nested: { apiKey: '********', client_secret: '********' },
    name: 'n',
  });
});

test('authorization keeps its scheme, other credential headers are masked', () => {
  assert.deepEqual(redactHeaders({ authorization: 'Bearer abc', 'x-api-key': 'k', accept: 'application/json' }), {
    authorization: 'Bearer ********',
    'x-api-key': '********',
    accept: 'application/json',
  });
});
