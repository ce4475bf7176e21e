import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { CLIENT_ID, CLIENT_SECRET, startOAuthProvider, type OAuthProvider } from '../../../../test/fixtures/oauth2/server.ts';
import { startCustomStack, type CustomStack } from '../../../../test/helpers/custom-stack.ts';

/** /oauth2/authorize and /oauth2/callback: connecting authorization-code accounts (docs/oauth2.md). */
const CATALOG = path.join(import.meta.dirname, '../../../../test/fixtures/oauth2/catalog');
let provider: OAuthProvider;
let stack: CustomStack;

before(async () => {
  provider = await startOAuthProvider();
  stack = await startCustomStack(CATALOG);
});
after(async () => {
  await stack?.close();
  await provider?.close();
});
beforeEach(() => provider.reset());

const override = () => ({ base_url: provider.url, credentials: { config: { auth: { tokenHost: provider.url } } } });

async function authorize(body: Record<string, unknown>) {
  const res = await stack.api('/oauth2/authorize', { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as any };
}

/** What a browser does: open the provider's authorize URL, follow its redirect to Tessera. */
async function consent(authorizeUrl: string): Promise<string> {
  const res = await fetch(authorizeUrl, { redirect: 'manual' });
  assert.equal(res.status, 302);
  return res.headers.get('location')!;
}

async function callback(location: string) {
  const res = await fetch(location, { redirect: 'manual' });
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, body: text ? JSON.parse(text) : undefined };
}

const newAccount = (extra: Record<string, unknown> = {}) => ({
  integration: 'oauth-code',
  tenant_id: 'acme',
  context: { client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
  integration_override: override(),
  ...extra,
});

test('authorize, consent and callback create an active account whose token works', async () => {
  const started = await authorize(newAccount());
  assert.equal(started.status, 200, JSON.stringify(started.body));
  assert.equal(started.body.redirect_uri, `${stack.apiUrl}/oauth2/callback`);
  const url = new URL(started.body.authorize_url);
  assert.equal(url.origin + url.pathname, `${provider.url}/oauth/authorize`);
  assert.equal(url.searchParams.get('response_type'), 'code');
  assert.equal(url.searchParams.get('client_id'), CLIENT_ID);
  assert.equal(url.searchParams.get('redirect_uri'), started.body.redirect_uri);
  assert.equal(url.searchParams.get('scope'), 'items.read offline_access');
  assert.equal(url.searchParams.get('access_type'), 'offline');
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
  assert.equal(url.searchParams.get('state'), started.body.state);
  assert.ok(!started.body.authorize_url.includes(CLIENT_SECRET), 'the sealed state hides the context it carries');

  const location = await consent(started.body.authorize_url);
  assert.ok(location.startsWith(`${stack.apiUrl}/oauth2/callback?`));
  const done = await callback(location);
  assert.equal(done.status, 200, done.text);
  assert.equal(done.body.status, 'active');
  assert.equal(done.body.tenant_id, 'acme');
  assert.equal(done.body.integration.name, 'oauth-code');
  assert.equal(done.body.authentication_method, 'oauth2');
  // `token` is a secret's name: the access and refresh tokens are masked as one value.
  assert.equal(done.body.context.oauth.token, '********');
  for (const secret of provider.issuedSecrets()) assert.ok(!done.text.includes(secret));
  // The fixture checked the PKCE verifier and the redirect_uri against the authorize request.
  assert.deepEqual(
    provider.tokenCalls.map((c) => [c.grant_type, c.client_auth]),
    [['authorization_code', 'body']],
  );

  const stored = await stack.services.store.getIntegratedAccount(done.body.id);
  const token = (stored!.context.oauth as { token: Record<string, string> }).token;
  assert.ok(provider.serialOf(token.access_token) > 0);
  assert.match(token.refresh_token, /^rt_/);
  assert.ok(Date.parse(token.expires_at) > Date.now());

  const items = await stack.api(`/proxy/items?integrated_account_id=${done.body.id}`);
  assert.equal(items.status, 200);
  assert.equal(provider.apiCalls.at(-1)!.token_serial, provider.serialOf(token.access_token));
  assert.equal(provider.tokenCalls.length, 1, 'a fresh token needs no refresh');

  const replay = await callback(location);
  assert.equal(replay.status, 400, 'a code works once');
  assert.match(replay.body.message, /did not exchange the authorization code/);
});

test('return_url: the callback sends the browser back with the account id', async () => {
  const started = await authorize(newAccount({ return_url: 'https://app.example.test/connected?x=1' }));
  const done = await callback(await consent(started.body.authorize_url));
  assert.equal(done.status, 302);
  const back = new URL(done.headers.get('location')!);
  assert.equal(back.origin + back.pathname, 'https://app.example.test/connected');
  assert.equal(back.searchParams.get('x'), '1');
  assert.equal(back.searchParams.get('status'), 'active');
  const account = await stack.services.store.getIntegratedAccount(back.searchParams.get('integrated_account_id')!);
  assert.equal(account?.tenant_id, 'acme');
});

test('reconnecting an account that needs re-authentication makes it active again', async () => {
  const old = provider.mint(-30);
  const created = await stack.api('/integrated-account', {
    method: 'POST',
    body: JSON.stringify({
      ...newAccount(),
      context: { client_id: CLIENT_ID, client_secret: CLIENT_SECRET, oauth: { token: { ...old, expires_at: new Date(0).toISOString() } } },
    }),
  });
  const id = ((await created.json()) as { id: string }).id;
  provider.knobs.refuseRefresh = true;
  assert.equal((await stack.api(`/proxy/items?integrated_account_id=${id}`)).status, 401);
  assert.equal((await stack.services.store.getIntegratedAccount(id))?.status, 'needs_reauth');

  const started = await authorize({ integrated_account_id: id });
  assert.equal(started.status, 200, JSON.stringify(started.body));
  const done = await callback(await consent(started.body.authorize_url));
  assert.equal(done.status, 200, done.text);
  assert.equal(done.body.id, id);
  assert.equal(done.body.status, 'active');
  const items = await stack.api(`/proxy/items?integrated_account_id=${id}`);
  assert.equal(items.status, 200);
  assert.equal(provider.apiCalls.at(-1)!.status, 200);
});

test('a declined consent, a forged state and a wrong grant are clear 4xx errors', async () => {
  const before = (await stack.services.store.listIntegratedAccounts({ environment_id: stack.environmentId, limit: 1000 })).length;
  const started = await authorize(newAccount());
  const declined = await callback(await consent(`${started.body.authorize_url}&deny=1`));
  assert.equal(declined.status, 400);
  assert.match(declined.body.message, /did not authorize the connection \(access_denied: The user declined\)/);

  const location = new URL(await consent(started.body.authorize_url));
  location.searchParams.set('state', started.body.state.slice(0, -4) + 'AAAA');
  const forged = await callback(location.href);
  assert.equal(forged.status, 400);
  assert.match(forged.body.message, /not one this server issued/);
  assert.equal((await stack.services.store.listIntegratedAccounts({ environment_id: stack.environmentId, limit: 1000 })).length, before);

  const m2m = await authorize({ ...newAccount(), integration: 'oauth-m2m' });
  assert.equal(m2m.status, 400);
  assert.match(m2m.body.message, /does not use the OAuth authorization-code grant/);

  const anonymous = await fetch(`${stack.apiUrl}/oauth2/authorize`, { method: 'POST', body: JSON.stringify(newAccount()) });
  assert.equal(anonymous.status, 401);
  assert.equal(provider.tokenCalls.length, 0);
});
