import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TesseraError } from '../errors/catalogue.ts';
import { secretKeyPredicate } from '../store/secret-keys.ts';
import { checkIntegrationOverride, checkOverrideSecrets, secretPlaceholders } from './override-secrets.ts';

const isSecret = secretKeyPredicate(['admin_key']);
const rules = { isSecret, hostAllowed: (url: string) => new URL(url).hostname === 'allowed.internal' };

function refusal(fn: () => void): TesseraError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof TesseraError);
    return e;
  }
  assert.fail('expected a refusal');
}

test('placeholders that read a credential are found, others are not', () => {
  assert.deepEqual(secretPlaceholders('{{credentials.api_key}}', isSecret), ['credentials.api_key']);
  assert.deepEqual(secretPlaceholders('x {{context.org}} {{context.admin_key}}', isSecret), ['context.admin_key']);
  assert.deepEqual(secretPlaceholders('{{context.org|credentials.token:str}}', isSecret), ['credentials.token']);
  assert.deepEqual(secretPlaceholders('{{context.oauth.token.access_token}}', isSecret), ['context.oauth.token.access_token']);
  assert.deepEqual(secretPlaceholders('{{context.org}}/{{id}}', isSecret), []);
  // Pattern segments and the whole context could reach a secret whatever they are called.
  assert.deepEqual(secretPlaceholders('{{context./key/}}', isSecret), ['context./key/']);
  assert.deepEqual(secretPlaceholders('{{context.*}}', isSecret), ['context.*']);
  assert.deepEqual(secretPlaceholders('{{context:json}}', isSecret), ['context']);
});

test('a mapping override naming a credential in a placeholder is refused with its path', () => {
  const e = refusal(() => checkOverrideSecrets({ users: { list: { query: { q: '{{context.apiKey}}' } } } }, 'unified_model_override', rules));
  assert.equal(e.status, 400);
  assert.match(e.message, /unified_model_override\.users\.list\.query\.q: placeholder \{\{context\.apiKey\}\} could read a credential/);
  checkOverrideSecrets({ users: { list: { response_mapping: '{ "id": id }', query: { org: '{{context.org}}' } } } }, 'x', rules);
});

test('an integration override cannot change authorization, send calls to a host the operator has not allowed, or template a URL', () => {
  assert.match(refusal(() => checkIntegrationOverride({ authorization: { format: 'bearer' } }, 'integration_override', rules)).message, /authorized/);
  assert.match(
    refusal(() => checkIntegrationOverride({ resources: { a: { list: { authorization: { format: 'basic' } } } } }, 'integration_override', rules)).message,
    /integration_override\.resources\.a\.list\.authorization/,
  );
  assert.match(refusal(() => checkIntegrationOverride({ credentials: {} }, 'integration_override', rules)).message, /authorized/);
  assert.match(
    refusal(() => checkIntegrationOverride({ credentials: { config: { client: { secret: 'x' } } } }, 'integration_override', rules)).message,
    /integration_override\.credentials\.config\.client\.secret: an override cannot change how requests are authorized/,
  );
  assert.match(
    refusal(() => checkIntegrationOverride({ credentials: { config: { auth: { tokenHost: 'https://evil.example' } } } }, 'integration_override', rules))
      .message,
    /evil\.example is not an allowed upstream host/,
  );
  // A self-hosted provider: the operator allowed its host, so its OAuth2 endpoints may move there.
  checkIntegrationOverride(
    { credentials: { config: { auth: { tokenHost: 'https://allowed.internal', tokenPath: '/o/token' } } } },
    'integration_override',
    rules,
  );
  assert.match(
    refusal(() => checkIntegrationOverride({ base_url: 'http://127.0.0.1:9/x' }, 'integration_override', rules)).message,
    /127\.0\.0\.1:9 is not an allowed upstream host.*TESSERA_UPSTREAM_ALLOW/,
  );
  assert.match(
    refusal(() => checkIntegrationOverride({ base_url: 'https://{{context.host}}' }, 'integration_override', rules)).message,
    /host from a placeholder/,
  );
  assert.match(
    refusal(() => checkIntegrationOverride({ base_url: 'https://a.{{context.host}}:443/x' }, 'integration_override', rules)).message,
    /host from a placeholder/,
  );
  assert.match(
    refusal(() => checkIntegrationOverride({ base_url: 'https://x@{{context.host}}' }, 'integration_override', rules)).message,
    /host from a placeholder/,
  );
  // An allowed host whose port or path comes from the account's (non-secret) context.
  checkIntegrationOverride({ base_url: 'http://allowed.internal:{{context.port}}/v/{{context.org}}' }, 'integration_override', rules);
  assert.match(
    refusal(() => checkIntegrationOverride({ headers: { 'x-k': '{{credentials.admin_key}}' } }, 'integration_override', rules)).message,
    /could read a credential/,
  );
  checkIntegrationOverride({ base_url: 'https://allowed.internal/v2', headers: { 'x-trace': 'on' } }, 'integration_override', rules);
  checkIntegrationOverride({ base_url: null }, 'integration_override', rules);
});
