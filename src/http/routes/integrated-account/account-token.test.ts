import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CLIENT_ID, CLIENT_SECRET, startOAuthProvider, type OAuthProvider } from '../../../../test/fixtures/oauth2/server.ts';
import { startCustomStack, type CustomStack } from '../../../../test/helpers/custom-stack.ts';
import { startTestStack, type TestStack } from '../../../../test/helpers/stack.ts';
import { ensureEnvironment, issueApiToken } from '../../../services/tokens.ts';

/** Integrated-account tokens and the routes beside them (docs/platform.md), over a real socket. */
let stack: TestStack;
before(async () => {
  stack = await startTestStack();
});
after(async () => {
  await stack?.close();
});

const bearer = (token: string, init: RequestInit = {}): RequestInit => ({
  ...init,
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers as Record<string, string>) },
});
const call = (token: string, pathAndQuery: string, init: RequestInit = {}) => fetch(`${stack.apiUrl}${pathAndQuery}`, bearer(token, init));
const json = async (res: Response) => (await res.json()) as Record<string, any>;

/** A second Neon account on the sandbox simulator, with the sandbox account's own (valid) key. */
async function anotherNeonAccount(tenant: string): Promise<string> {
  const sandbox = await stack.services.store.getIntegratedAccount(stack.accounts.neon);
  return stack.connect('neon', { tenant_id: tenant, context: sandbox!.context });
}

async function accountToken(accountId: string): Promise<{ integrated_account_token: string; expires_at: string }> {
  const res = await stack.api('/integrated-account/token', { method: 'POST', body: JSON.stringify({ integrated_account_id: accountId }) });
  const body = await json(res);
  assert.equal(res.status, 200, JSON.stringify(body));
  return body as { integrated_account_token: string; expires_at: string };
}

describe('POST /integrated-account/token', () => {
  test('a 15-minute token for one account, whose data plane it reaches with the account implied', async () => {
    const neon = stack.accounts.neon;
    const issued = await accountToken(neon);
    const minutes = (Date.parse(issued.expires_at) - Date.now()) / 60_000;
    assert.ok(minutes > 14 && minutes <= 15, `expires in ${minutes} min`);
    const token = issued.integrated_account_token;

    const implied = await call(token, '/unified/usage-metering/users');
    assert.equal(implied.status, 200, await implied.clone().text());
    const named = await call(token, `/unified/usage-metering/users?integrated_account_id=${neon.toUpperCase()}`);
    assert.equal(named.status, 200, 'its own id, in any case, is accepted');
    assert.deepEqual((await json(implied)).result, (await json(named)).result);
    const proxy = await call(token, '/proxy/members');
    assert.equal(proxy.status, 200, await proxy.clone().text());

    const me = await call(token, '/integrated-account/me');
    assert.equal(me.status, 200);
    const view = await json(me);
    assert.equal(view.id, neon);
    assert.equal(view.context.api_key, '********', 'credentials stay redacted');
  });

  test('another account, the admin API and the token routes are refused with 403 saying why', async () => {
    const other = await anotherNeonAccount('token-other');
    const { integrated_account_token: token } = await accountToken(stack.accounts.neon);
    const cross = await call(token, `/unified/usage-metering/users?integrated_account_id=${other}`);
    assert.equal(cross.status, 403);
    assert.match((await json(cross)).message, /bound to account/);
    for (const [method, p] of [
      ['GET', '/integrated-account'],
      ['GET', `/integrated-account/${stack.accounts.neon}`],
      ['POST', '/integrated-account/token'],
      ['DELETE', '/integrated-account/me'],
      ['GET', '/integration'],
      ['POST', '/batch-request'],
    ]) {
      const res = await call(token, p, { method, body: method === 'GET' || method === 'DELETE' ? undefined : '{}' });
      assert.equal(res.status, 403, `${method} ${p}`);
      const body = await json(res);
      assert.equal(body.statusCode, 403);
      assert.match(body.message, /integrated-account token may call only/);
    }
  });

  test('PATCH /me changes the context only; an API token on /me gets 403', async () => {
    const id = await anotherNeonAccount('token-me');
    const { integrated_account_token: token } = await accountToken(id);
    const patched = await call(token, '/integrated-account/me', { method: 'PATCH', body: JSON.stringify({ context: { nickname: 'ops' } }) });
    assert.equal(patched.status, 200, await patched.clone().text());
    assert.equal((await json(patched)).context.nickname, 'ops');
    assert.equal((await stack.services.store.getIntegratedAccount(id))!.context.nickname, 'ops');
    const override = await call(token, '/integrated-account/me', {
      method: 'PATCH',
      body: JSON.stringify({ integration_override: { base_url: 'https://example.com' } }),
    });
    assert.equal(override.status, 400, 'overrides are not the end customer’s to change');
    const withApiToken = await stack.api('/integrated-account/me');
    assert.equal(withApiToken.status, 403);
    assert.match((await json(withApiToken)).message, /needs an integrated-account token/);
  });

  test("the token dies with its account, and never reaches another environment's account", async () => {
    const id = await anotherNeonAccount('token-delete');
    const { integrated_account_token: token } = await accountToken(id);
    assert.equal((await stack.api(`/integrated-account/${id}`, { method: 'DELETE' })).status, 200);
    const after = await call(token, '/unified/usage-metering/users');
    assert.equal(after.status, 401);

    const env = await ensureEnvironment(stack.services.store, 'token-elsewhere');
    const { token: foreign } = await issueApiToken(stack.services.store, env.id, 'elsewhere');
    const res = await call(foreign, '/integrated-account/token', { method: 'POST', body: JSON.stringify({ integrated_account_id: stack.accounts.neon }) });
    assert.equal(res.status, 404);
  });

  test('an expired token is a 401 that says how to get a new one', async () => {
    const { token } = await issueApiToken(stack.services.store, (await stack.services.store.getIntegratedAccount(stack.accounts.neon))!.environment_id, 'x', {
      role: 'integrated_account',
      integrated_account_id: stack.accounts.neon,
      expires_at: '2026-01-01T00:00:00.000Z',
    });
    const res = await call(token, '/unified/usage-metering/users');
    assert.equal(res.status, 401);
    assert.match((await json(res)).message, /expired at 2026-01-01T00:00:00.000Z; request a new one with POST \/integrated-account\/token/);
  });

  test('bad bodies are 400s naming the field', async () => {
    for (const body of ['{}', '{"integrated_account_id":"nope"}', '{"integrated_account_id":"' + stack.accounts.neon + '","x":1}']) {
      const res = await stack.api('/integrated-account/token', { method: 'POST', body });
      assert.equal(res.status, 400, body);
      assert.equal((await json(res)).statusCode, 400);
    }
  });
});

describe('bulk-delete and credentials', () => {
  test('bulk-delete is all or nothing', async () => {
    const a = await anotherNeonAccount('bulk-a');
    const b = await anotherNeonAccount('bulk-b');
    const missing = '00000000-0000-4000-8000-000000000000';
    const refused = await stack.api('/integrated-account/bulk-delete', { method: 'POST', body: JSON.stringify({ ids: [a, missing] }) });
    assert.equal(refused.status, 404);
    assert.ok(await stack.services.store.getIntegratedAccount(a), 'nothing deleted');
    const done = await stack.api('/integrated-account/bulk-delete', { method: 'POST', body: JSON.stringify({ ids: [a, b] }) });
    assert.deepEqual(await json(done), { success: true });
    assert.equal(await stack.services.store.getIntegratedAccount(a), undefined);
    assert.equal(await stack.services.store.getIntegratedAccount(b), undefined);
  });

  test('PATCH /{id}/credentials validates new credentials with the provider before keeping them', async () => {
    const id = await anotherNeonAccount('creds');
    const bad = await stack.api(`/integrated-account/${id}/credentials`, { method: 'PATCH', body: JSON.stringify({ context: { api_key: 'not-a-key' } }) });
    assert.equal(bad.status, 422, await bad.clone().text());
    const sandbox = await stack.services.store.getIntegratedAccount(stack.accounts.neon);
    assert.equal((await stack.services.store.getIntegratedAccount(id))!.context.api_key, sandbox!.context.api_key, 'the stored key stays');
  });

  test('POST /{id}/validate asks the provider now and records its verdict either way', async () => {
    const sandbox = await stack.services.store.getIntegratedAccount(stack.accounts.neon);
    // Connected with a key the simulator refuses, kept as validation_error.
    const id = await stack.connect('neon', { tenant_id: 'validate', context: { api_key: 'not-a-key' } }, '?keep_on_validation_error=true');
    const refused = await stack.api(`/integrated-account/${id}/validate`, { method: 'POST' });
    const refusedBody = await json(refused);
    assert.equal(refused.status, 200, JSON.stringify(refusedBody));
    assert.equal(refusedBody.status, 'validation_error');
    assert.ok(refusedBody.last_error, 'the refusal says why');
    assert.equal(refusedBody.context.api_key, '********', 'the key is masked in the answer');
    // The key fixed behind the API's back (no validation on the way): the next check makes it active.
    await stack.services.store.updateIntegratedAccount(id, {
      context: { ...(await stack.services.store.getIntegratedAccount(id))!.context, api_key: sandbox!.context.api_key },
    });
    const accepted = await json(await stack.api(`/integrated-account/${id}/validate`, { method: 'POST' }));
    assert.equal(accepted.status, 'active');
    assert.equal(accepted.last_error, null);
    assert.equal((await stack.services.store.getIntegratedAccount(id))!.status, 'active', 'the verdict is stored');
    // Another environment's account, or no account at all, is a 404.
    const other = await ensureEnvironment(stack.services.store, 'validate-other');
    const { token } = await issueApiToken(stack.services.store, other.id, 'other');
    assert.equal((await call(token, `/integrated-account/${id}/validate`, { method: 'POST' })).status, 404);
    assert.equal((await stack.api('/integrated-account/00000000-0000-4000-8000-000000000000/validate', { method: 'POST' })).status, 404);
  });

  test('refresh-credentials on an API-key account says there is nothing to refresh', async () => {
    const res = await stack.api('/integrated-account/refresh-credentials', { method: 'POST', body: JSON.stringify({ id: stack.accounts.neon }) });
    assert.equal(res.status, 400);
    assert.match((await json(res)).message, /no token to refresh/);
  });
});

describe('POST /integrated-account/refresh-credentials on OAuth', () => {
  let provider: OAuthProvider;
  let custom: CustomStack;
  before(async () => {
    provider = await startOAuthProvider();
    custom = await startCustomStack(path.join(import.meta.dirname, '../../../../test/fixtures/oauth2/catalog'));
  });
  after(async () => {
    await custom?.close();
    await provider?.close();
  });

  test('runs the refresh now, stores the new pair, and says when there is no refresh token', async () => {
    const old = provider.mint(3600);
    const override = { base_url: provider.url, credentials: { config: { auth: { tokenHost: provider.url } } } };
    const create = async (token: Record<string, unknown>) => {
      const res = await custom.api('/integrated-account', {
        method: 'POST',
        body: JSON.stringify({
          tenant_id: 'acme',
          integration: 'oauth-code',
          context: { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, oauth: { token } },
          integration_override: override,
        }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      return ((await res.json()) as { id: string }).id;
    };
    const id = await create({ access_token: old.access_token, refresh_token: old.refresh_token });
    const before = provider.tokenCalls.length;
    const res = await custom.api('/integrated-account/refresh-credentials', { method: 'POST', body: JSON.stringify({ id }) });
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(await res.json(), { success: true });
    assert.equal(provider.tokenCalls.length, before + 1, 'one token request, though the token was still valid');
    const stored = (await custom.services.store.getIntegratedAccount(id))!.context.oauth as { token: { access_token: string } };
    assert.notEqual(stored.token.access_token, old.access_token);

    // The environment-integration's override (docs/platform.md) moves the provider for every
    // account of the environment: an account with no override of its own refreshes through it.
    const installed = (await (await custom.api('/environment-integration?integration_id=oauth-code')).json()) as { result: { id: string }[] };
    const patched = await custom.api(`/environment-integration/${installed.result[0].id}`, { method: 'PATCH', body: JSON.stringify({ override }) });
    assert.equal(patched.status, 200, await patched.clone().text());
    const viaEnvironment = await (async () => {
      const t = provider.mint(3600);
      const res = await custom.api('/integrated-account', {
        method: 'POST',
        body: JSON.stringify({
          tenant_id: 'env-layer',
          integration: 'oauth-code',
          context: { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, oauth: { token: { access_token: t.access_token, refresh_token: t.refresh_token } } },
        }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      return ((await res.json()) as { id: string }).id;
    })();
    const calls = provider.tokenCalls.length;
    const viaEnv = await custom.api('/integrated-account/refresh-credentials', { method: 'POST', body: JSON.stringify({ id: viaEnvironment }) });
    assert.equal(viaEnv.status, 200, await viaEnv.clone().text());
    assert.equal(provider.tokenCalls.length, calls + 1, 'the refresh went to the host the environment override names');

    const bare = provider.mint(3600);
    const noRefresh = await create({ access_token: bare.access_token });
    const refused = await custom.api('/integrated-account/refresh-credentials', { method: 'POST', body: JSON.stringify({ id: noRefresh }) });
    assert.equal(refused.status, 409);
    assert.match(((await refused.json()) as { message: string }).message, /no refresh token/);
  });
});
