import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CLIENT_ID, CLIENT_SECRET, startOAuthProvider, type OAuthProvider } from '../../../../test/fixtures/oauth2/server.ts';
import { startCustomStack, type CustomStack } from '../../../../test/helpers/custom-stack.ts';

/** The connect page's OAuth button: the provider's consent, the callback, back to the page's result (docs/connect.md). */
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

async function follow(url: string) {
  const res = await fetch(url, { redirect: 'manual' });
  return { status: res.status, location: res.headers.get('location') ?? undefined, headers: res.headers, text: await res.text() };
}

test('Continue → provider consent → callback → the result page; the token is used up', async () => {
  const res = await stack.api('/link-token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      tenant_id: 'acme',
      integration: 'oauth-code',
      context: { client_id: CLIENT_ID, client_secret: CLIENT_SECRET },
      integration_override: { base_url: provider.url, credentials: { config: { auth: { tokenHost: provider.url } } } },
      scopes: ['items.read'],
      redirect_uri: 'https://app.example.com/back',
    }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const { connect_url, link_token } = (await res.json()) as { connect_url: string; link_token: string };

  const page = await follow(connect_url);
  assert.equal(page.status, 200);
  const href = /<a class="button" href="([^"]+)">Continue to/.exec(page.text)![1].replace(/&amp;/g, '&');
  assert.doesNotMatch(page.text, /<form/, 'no credential form for an OAuth integration');

  const start = await follow(new URL(href, stack.apiUrl).href);
  assert.equal(start.status, 302);
  assert.equal(start.headers.get('referrer-policy'), 'no-referrer');
  const authorize = new URL(start.location!);
  assert.equal(authorize.origin + authorize.pathname, `${provider.url}/oauth/authorize`);
  assert.equal(authorize.searchParams.get('scope'), 'items.read', "the token's scopes");

  const consent = await follow(authorize.href);
  assert.equal(consent.status, 302);
  const callback = await follow(consent.location!);
  assert.equal(callback.status, 302, callback.text);
  const back = new URL(callback.location!);
  assert.equal(back.pathname, '/connect-account/oauth-return');
  assert.equal(back.searchParams.get('link_token'), link_token);

  const result = await follow(back.href);
  assert.equal(result.status, 200, result.text);
  assert.match(result.text, /is connected/);
  const accountId = back.searchParams.get('integrated_account_id')!;
  const data = JSON.parse(/<script type="application\/json" id="connect-result">([^<]*)<\/script>/.exec(result.text)![1]);
  assert.deepEqual(data.message, { result: 'success', integration: 'oauth-code', integrated_account_id: accountId, is_truto: true });
  assert.equal(data.redirect, `https://app.example.com/back?integrated_account_id=${accountId}&integration=oauth-code`);
  const account = (await stack.services.store.getIntegratedAccount(accountId))!;
  assert.equal(account.status, 'active');
  assert.equal(account.tenant_id, 'acme');

  assert.equal((await follow(back.href)).status, 410, 'the return page is single use too');
  assert.equal((await follow(connect_url)).status, 410);
});

test("the return page refuses an account that is not the token's", async () => {
  const other = await stack.services.store.createIntegratedAccount({
    id: crypto.randomUUID(),
    tenant_id: 'someone-else',
    environment_id: stack.environmentId,
    integration: 'oauth-code',
    status: 'active',
    is_sandbox: false,
    is_blocked: false,
    authentication_method: 'oauth2',
    region: 'wnam',
    context: {},
    unified_model_override: {},
    integration_override: {},
    last_error: null,
  });
  const res = await stack.api('/link-token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant_id: 'acme', integration: 'oauth-code' }),
  });
  const { link_token } = (await res.json()) as { link_token: string };
  const page = await follow(`${stack.apiUrl}/connect-account/oauth-return?link_token=${link_token}&integration=oauth-code&integrated_account_id=${other.id}`);
  assert.equal(page.status, 404);
  assert.match(page.headers.get('content-type')!, /text\/html/);
  assert.equal((await follow(`${stack.apiUrl}/connect-account?link_token=${link_token}`)).status, 200, 'the token is still usable');
});
