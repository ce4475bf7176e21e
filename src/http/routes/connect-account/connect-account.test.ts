import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startTestStack, type TestStack } from '../../../../test/helpers/stack.ts';
import { DEFAULT_NEON_KEYS } from '../../../providers/neon/simulator/default-seed.ts';
import { hashToken } from '../../../services/tokens.ts';
import { loadConfig } from '../../../config.ts';
import { pageHeaders } from './connect-account.ts';

/** The hosted connect page over HTTP (docs/connect.md); test/browser/connect-account.test.ts drives it in Chromium. */
let stack: TestStack;
before(async () => {
  stack = await startTestStack();
});
after(() => stack?.close());

async function linkToken(body: Record<string, unknown> = {}) {
  const res = await stack.api('/link-token', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant_id: 'acme', integration: 'neon', integration_override: { base_url: stack.simulators.neon }, ...body }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  return (await res.json()) as { link_token: string; connect_url: string; id: string };
}

const unescape = (s: string) =>
  s
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

async function open(url: string, init?: RequestInit) {
  const res = await fetch(url, { redirect: 'manual', ...init });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

function formNonce(html: string): string {
  const m = /name="form_nonce" value="([^"]+)"/.exec(html);
  assert.ok(m, 'the form carries a nonce');
  return unescape(m[1]);
}

async function submit(token: string, nonce: string, fields: Record<string, string>, integration = 'neon') {
  const body = new URLSearchParams({ link_token: token, integration, form_nonce: nonce });
  for (const [k, v] of Object.entries(fields)) body.set(`field:${k}`, v);
  return open(`${stack.apiUrl}/connect-account`, { method: 'POST', body });
}

describe('GET /connect-account', () => {
  test('HTML under a strict CSP whose nonce is on the one script and style; not framable; no referrer, no cache', async () => {
    const { connect_url } = await linkToken();
    const page = await open(connect_url);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type')!, /^text\/html; charset=utf-8/);
    const csp = page.headers.get('content-security-policy')!;
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.match(csp, /form-action 'self'/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.equal(page.headers.get('referrer-policy'), 'no-referrer');
    assert.equal(page.headers.get('cache-control'), 'no-store');
    assert.equal([...page.text.matchAll(/<script(?![^>]*type="application\/json")[^>]*>/g)].length, 1);
    assert.ok(page.text.includes(`<script nonce="${nonce}">`));
    assert.ok(page.text.includes(`<style nonce="${nonce}">`));
    assert.match(page.text, /<html lang="en">/);
    // The declared fields: the password masked, labels tied to inputs, help text described-by.
    assert.match(page.text, /<legend>Neon details<\/legend>/);
    assert.match(page.text, /<label for="f-api_key">API key \(required\)<\/label>/);
    assert.match(page.text, /<input type="password" id="f-api_key" name="field:api_key" required aria-required="true" aria-describedby="f-api_key-help"/);
    const second = await open(connect_url);
    assert.notEqual(/'nonce-([^']+)'/.exec(second.headers.get('content-security-policy')!)![1], nonce, 'a nonce per response');
  });

  test('without an integration on the token: the list of the environment’s integrations, narrowed by integrations=', async () => {
    const { link_token } = await linkToken({ integration: undefined, integration_override: undefined });
    const all = await open(`${stack.apiUrl}/connect-account?link_token=${link_token}`);
    assert.equal(all.status, 200);
    assert.match(all.text, /Connect Neon/);
    assert.match(all.text, /Connect OpenAI/);
    const some = await open(`${stack.apiUrl}/connect-account?link_token=${link_token}&integrations=neon`);
    assert.match(some.text, /Connect Neon/);
    assert.doesNotMatch(some.text, /Connect OpenAI/);
    const form = await open(`${stack.apiUrl}/connect-account?link_token=${link_token}&integration=neon`);
    assert.match(form.text, /Back to all services/);
    const unknown = await open(`${stack.apiUrl}/connect-account?link_token=${link_token}&integration=nope`);
    assert.equal(unknown.status, 404);
    assert.match(unknown.headers.get('content-type')!, /text\/html/);
  });

  test('unknown, expired and used tokens are HTML error pages (404, 410, 410), never JSON; an API token is no credential here', async () => {
    const unknown = await open(`${stack.apiUrl}/connect-account?link_token=tlk_nope`, { headers: { authorization: `Bearer ${stack.token}` } });
    assert.equal(unknown.status, 404);
    assert.match(unknown.headers.get('content-type')!, /text\/html/);
    assert.match(unknown.text, /This link does not work/);
    const missing = await open(`${stack.apiUrl}/connect-account`, { headers: { authorization: `Bearer ${stack.token}` } });
    assert.equal(missing.status, 404);

    const { link_token, id } = await linkToken();
    const record = (await stack.services.store.linkTokens.findByHash(hashToken(link_token)))!;
    const expiredToken = 'tlk_expired_for_the_test';
    await stack.services.store.linkTokens.create({
      ...record,
      id: crypto.randomUUID(),
      token_hash: hashToken(expiredToken),
      expires_at: '2020-01-01T00:00:00.000Z',
    });
    const expired = await open(`${stack.apiUrl}/connect-account?link_token=${expiredToken}`);
    assert.equal(expired.status, 410);
    assert.match(expired.text, /This link has expired/);

    assert.equal(await stack.services.store.linkTokens.claim(id, new Date().toISOString()), true);
    const used = await open(`${stack.apiUrl}/connect-account?link_token=${link_token}`);
    assert.equal(used.status, 410);
    assert.match(used.text, /already used/);
  });
});

describe('POST /connect-account', () => {
  test('a refused key answers the form again, announced, other fields kept, the secret not; the token still works once', async () => {
    const { connect_url, link_token } = await linkToken({ redirect_uri: 'https://app.example.com/done?from=tessera' });
    const nonce = formNonce((await open(connect_url)).text);
    const refused = await submit(link_token, nonce, { api_key: 'napi_wrong_key_typed_by_hand', org_id: 'org-kept-123' });
    assert.equal(refused.status, 422);
    assert.match(refused.text, /<title>Error: Connect Neon<\/title>/);
    assert.match(refused.text, /id="error-summary" role="alert" tabindex="-1"/);
    assert.match(refused.text, /Neon did not accept these details/);
    assert.match(refused.text, /aria-describedby="f-api_key-help f-api_key-error" aria-invalid="true"/);
    assert.ok(!refused.text.includes('napi_wrong_key_typed_by_hand'), 'the typed secret is never sent back');
    assert.match(refused.text, /value="org-kept-123"/);

    const ok = await submit(link_token, formNonce(refused.text), { api_key: DEFAULT_NEON_KEYS.personal });
    assert.equal(ok.status, 200, ok.text);
    const result = JSON.parse(unescape(/<script type="application\/json" id="connect-result">([^<]*)<\/script>/.exec(ok.text)![1]));
    assert.equal(result.message.result, 'success');
    assert.equal(result.message.integration, 'neon');
    assert.equal(result.message.is_truto, true);
    const redirect = new URL(result.redirect);
    assert.equal(redirect.origin + redirect.pathname, 'https://app.example.com/done');
    assert.equal(redirect.searchParams.get('from'), 'tessera');
    assert.equal(redirect.searchParams.get('integration'), 'neon');
    const accountId = redirect.searchParams.get('integrated_account_id')!;
    assert.equal(result.message.integrated_account_id, accountId);
    const account = (await (await stack.api(`/integrated-account/${accountId}`)).json()) as Record<string, any>;
    assert.equal(account.status, 'active');
    assert.equal(account.tenant_id, 'acme');

    const again = await submit(link_token, formNonce(refused.text), { api_key: DEFAULT_NEON_KEYS.personal });
    assert.equal(again.status, 410);
    assert.match(again.text, /already used/);
  });

  test('a missing required field is named; a forged or missing form nonce is refused', async () => {
    const { connect_url, link_token } = await linkToken();
    const nonce = formNonce((await open(connect_url)).text);
    const empty = await submit(link_token, nonce, { api_key: '' });
    assert.equal(empty.status, 400);
    assert.match(empty.text, /<a href="#f-api_key">API key is required<\/a>/);
    const forged = await submit(link_token, 'v2:forged', { api_key: DEFAULT_NEON_KEYS.personal });
    assert.equal(forged.status, 400);
    assert.match(forged.text, /reload the page/);
    const { link_token: other } = await linkToken();
    const foreign = await submit(other, nonce, { api_key: DEFAULT_NEON_KEYS.personal });
    assert.equal(foreign.status, 400, 'a nonce is bound to its token');
  });

  test('two submissions racing with one token connect one account', async () => {
    const { connect_url, link_token } = await linkToken({ tenant_id: 'racer' });
    const nonce = formNonce((await open(connect_url)).text);
    const results = await Promise.all([1, 2, 3].map(() => submit(link_token, nonce, { api_key: DEFAULT_NEON_KEYS.personal })));
    assert.deepEqual(results.map((r) => r.status).sort(), [200, 410, 410]);
    const list = (await (await stack.api('/integrated-account?tenant_id=racer')).json()) as { result: unknown[] };
    assert.equal(list.result.length, 1);
  });

  test('a reconnect replaces the credentials of the token’s account; persist_previous_context keeps the rest of its context', async () => {
    const accountId = await stack.connect('neon', { tenant_id: 'again', context: { api_key: DEFAULT_NEON_KEYS.personal, note: 'keep-me' } });
    for (const persist of [true, false]) {
      const res = await stack.api('/link-token', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ integrated_account_id: accountId, persist_previous_context: persist }),
      });
      const { link_token, connect_url } = (await res.json()) as { link_token: string; connect_url: string };
      const page = await open(connect_url);
      assert.match(page.text, /Reconnect Neon/);
      assert.doesNotMatch(page.text, /Back to all services/);
      const ok = await submit(link_token, formNonce(page.text), { api_key: DEFAULT_NEON_KEYS.org });
      assert.equal(ok.status, 200, ok.text);
      assert.match(ok.text, /Neon is reconnected/);
      const account = (await stack.services.store.getIntegratedAccount(accountId))!;
      assert.equal(account.context.api_key, DEFAULT_NEON_KEYS.org);
      assert.equal(account.context.note, persist ? 'keep-me' : undefined);
      assert.equal(account.status, 'active');
    }
  });
});

describe('framing (TESSERA_CONNECT_FRAME_ANCESTORS)', () => {
  test('none by default; the listed origins exactly when set, without X-Frame-Options; anything but origins refused', () => {
    assert.deepEqual(loadConfig({}).connectFrameAncestors, []);
    const origins = loadConfig({ TESSERA_CONNECT_FRAME_ANCESTORS: 'https://app.example.com, http://localhost:3000' }).connectFrameAncestors;
    assert.deepEqual(origins, ['https://app.example.com', 'http://localhost:3000']);
    const framed = pageHeaders('n', origins);
    assert.match(framed['content-security-policy'], /frame-ancestors https:\/\/app\.example\.com http:\/\/localhost:3000$/);
    assert.equal(framed['x-frame-options'], undefined);
    assert.equal(pageHeaders('n', [])['x-frame-options'], 'DENY');
    for (const bad of ['*', 'https://app.example.com/path', "https://a.com; script-src 'unsafe-inline'", 'app.example.com'])
      assert.throws(() => loadConfig({ TESSERA_CONNECT_FRAME_ANCESTORS: bad }), /TESSERA_CONNECT_FRAME_ANCESTORS/);
  });
});
