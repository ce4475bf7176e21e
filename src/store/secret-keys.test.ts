import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isWellKnownSecretKey, secretKeyPredicate, withoutSecrets } from './secret-keys.ts';

test('a secret is recognised by its name in any spelling', () => {
  for (const key of [
    'api_key',
    'apiKey',
    'API-KEY',
    'client_secret_2',
    'clientSecret',
    'x-auth-token',
    'refresh_token',
    'Password',
    'private_key',
    'sessionId',
  ])
    assert.equal(isWellKnownSecretKey(key), true, key);
  for (const key of ['org', 'org_id', 'site', 'team_name', 'token_type', 'tokenUrl', 'expires_at', 'region'])
    assert.equal(isWellKnownSecretKey(key), false, key);
});

test('declared password fields are secrets whatever their name, matched without case or separators', () => {
  const isSecret = secretKeyPredicate(['admin_key', 'dd_site_pin']);
  assert.equal(isSecret('admin_key'), true);
  assert.equal(isSecret('AdminKey'), true);
  assert.equal(isSecret('ddSitePin'), true);
  assert.equal(isSecret('org'), false);
});

test('withoutSecrets drops secret keys at any depth and keeps everything else', () => {
  const isSecret = secretKeyPredicate(['admin_key']);
  const context = {
    org: 'acme',
    admin_key: 'k',
    apiKey: 'k2',
    oauth: { token: { access_token: 'at' }, grant: { refresh_token: 'rt', token_type: 'Bearer', expires_at: '2030-01-01' } },
    list: [{ client_secret_2: 's', name: 'n' }],
    credentials: { anything: 'x' },
  };
  assert.deepEqual(withoutSecrets(context, isSecret), {
    org: 'acme',
    // `token` is itself a secret's name: the whole object goes.
    oauth: { grant: { token_type: 'Bearer', expires_at: '2030-01-01' } },
    list: [{ name: 'n' }],
  });
  assert.equal(context.admin_key, 'k', 'the input is not modified');
});
