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

/** The full-parse masking, as redactUrl did it for every URL before its shortcut. */
function parsedRedaction(url: string, isSecretKey: (key: string) => boolean): string {
  try {
    const u = new URL(url);
    let changed = false;
    for (const key of [...u.searchParams.keys()]) {
      if (isSecretKey(key) || /token|secret|password|api_?key|^sig$|signature/i.test(key)) {
        u.searchParams.set(key, '********');
        changed = true;
      }
    }
    if (u.password) {
      u.password = '********';
      changed = true;
    }
    return changed ? u.href : url;
  } catch {
    return url;
  }
}

test('URLs with nothing to mask come back unchanged without a parse; anything doubtful is parsed', () => {
  const urls = [
    'https://api.example.com/v1/users',
    'https://api.example.com/v1/users?limit=10&cursor=abc',
    'https://api.example.com/v1/users?limit=10&access_token=abc',
    'https://api.example.com/v1/users?admin%5Fkey=k',
    'https://api.example.com/v1/users?admin+key=k&x',
    'https://api.example.com/v1/users?to%6Ben=k',
    'https://api.example.com/v1/users?to\nken=k',
    'https://api.example.com/v1/users?to\tken=k&a=1',
    'https://api.example.com/v1/users?api_key =k',
    'https://api.example.com/v1/users?bad%zz=1&token=2',
    'https://api.example.com/v1/users?%E0%A4%A=1',
    'https://api.example.com/v1/users#frag?token=1',
    'https://api.example.com/v1/users?a=1#token=2',
    'https://api.example.com/v1/users?&&sig=abc',
    'https://api.example.com/v1/users?Signature=abc',
    'https://u:p@api.example.com/x',
    'https://u@api.example.com/x?token=1',
    'http://[::1]:8080/x?q=1',
    'not a url?token=1',
    '/relative?token=1',
    'https://api.example.com/ünïcode?token=1',
    'https://api.example.com/x?admin_key=k1&org=acme',
  ];
  for (const url of urls) {
    for (const predicate of [isSecret, () => false]) assert.equal(redactUrl(url, predicate), parsedRedaction(url, predicate), url);
  }
  assert.equal(redactUrl('https://api.example.com/v1/users?to%6Ben=k'), 'https://api.example.com/v1/users?token=********');
  assert.match(redactUrl('https://api.example.com/v1/users?to\nken=k'), /token=\*{8}/);
});
