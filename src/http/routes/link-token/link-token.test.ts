import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestStack, type TestStack } from '../../../../test/helpers/stack.ts';
import { DEFAULT_NEON_KEYS } from '../../../providers/neon/simulator/default-seed.ts';
import { ensureEnvironment, hashToken, issueApiToken } from '../../../services/tokens.ts';

/** POST /link-token (docs/connect.md), sent exactly as Truto's TS SDK sends it. */
let stack: TestStack;
before(async () => {
  stack = await startTestStack();
});
after(() => stack?.close());

/** ApiClient.create in @truto/truto-ts-sdk: `POST /link-token?` (an empty query string), these headers, JSON.stringify(body). */
function sdkCreate(body: Record<string, unknown>, token = stack.token) {
  return fetch(`${stack.apiUrl}/link-token?`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

describe('POST /link-token', () => {
  test('createForNewIntegration: {tenant_id} (unified_model_id left undefined) gives a token, stored only as its hash', async () => {
    const res = await sdkCreate({ tenant_id: 'acme', unified_model_id: undefined });
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, string>;
    assert.match(body.link_token, /^tlk_[A-Za-z0-9_-]{40,}$/);
    assert.equal(body.tenant_id, 'acme');
    assert.equal(body.integration, null);
    assert.equal(new URL(body.connect_url).pathname, '/connect-account');
    assert.equal(new URL(body.connect_url).searchParams.get('link_token'), body.link_token);
    const days = (Date.parse(body.expires_at) - Date.parse(body.created_at)) / 86_400_000;
    assert.equal(days, 7);
    const stored = await stack.services.store.linkTokens.findByHash(hashToken(body.link_token));
    assert.equal(stored?.id, body.id);
    assert.ok(!JSON.stringify(stored).includes(body.link_token), 'the token itself is not stored');
  });

  test('every contract field is accepted (context, redirect_uri, region, scopes, environment_unified_model_id, unified_model_id)', async () => {
    const res = await sdkCreate({
      tenant_id: 'acme',
      integration: 'neon',
      context: { team: 'blue', api_key: 'napi_secret_in_context' },
      redirect_uri: 'https://app.example.com/connected?x=1',
      region: 'eu',
      scopes: ['read'],
      environment_unified_model_id: 'usage-metering',
      unified_model_id: 'usage-metering',
      truto_static_gate_id: null,
    });
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as Record<string, string>;
    assert.equal(body.integration, 'neon');
    assert.equal(body.redirect_uri, 'https://app.example.com/connected?x=1');
    assert.ok(!JSON.stringify(body).includes('napi_secret_in_context'), 'context is never echoed');
    const stored = await stack.services.store.linkTokens.findByHash(hashToken(body.link_token));
    assert.deepEqual(stored?.context, { team: 'blue', api_key: 'napi_secret_in_context' });
    assert.equal(stored?.region, 'eu');
  });

  test('createForExistingIntegratedAccount: {integrated_account_id} takes the account’s tenant and integration', async () => {
    const accountId = await stack.connect('neon', { tenant_id: 'reconnect-me', context: { api_key: DEFAULT_NEON_KEYS.personal } });
    const res = await sdkCreate({ integrated_account_id: accountId, persist_previous_context: true });
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as Record<string, string>;
    assert.equal(body.integrated_account_id, accountId);
    assert.equal(body.tenant_id, 'reconnect-me');
    assert.equal(body.integration, 'neon');
  });

  test("another environment's account is a 404", async () => {
    const other = await ensureEnvironment(stack.services.store, 'other-env');
    const { token } = await issueApiToken(stack.services.store, other.id, 'other');
    const res = await sdkCreate({ integrated_account_id: stack.accounts.neon }, token);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { code: string }).code, 'TESSERA_ACCOUNT_NOT_FOUND');
  });

  test('refusals: no tenant, a relative or javascript: redirect_uri, an unknown integration, an unknown field, no token', async () => {
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{}, 400, /tenant_id/],
      [{ tenant_id: 'a', redirect_uri: '/relative' }, 400, /redirect_uri/],
      [{ tenant_id: 'a', redirect_uri: 'javascript:alert(1)' }, 400, /http\(s\)/],
      [{ tenant_id: 'a', integration: 'nope' }, 404, /nope/],
      [{ tenant_id: 'a', surprise: 1 }, 400, /surprise/],
      [{ tenant_id: 'a', persist_previous_context: true }, 400, /integrated_account_id/],
      [{ tenant_id: 'a', context: { $enc: 'x' } }, 400, /\$enc/],
    ];
    for (const [body, status, message] of cases) {
      const res = await sdkCreate(body);
      const text = await res.text();
      assert.equal(res.status, status, `${JSON.stringify(body)} → ${text}`);
      assert.match(text, message);
    }
    const anonymous = await fetch(`${stack.apiUrl}/link-token`, { method: 'POST', body: '{"tenant_id":"a"}' });
    assert.equal(anonymous.status, 401);
  });
});
