import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import path from 'node:path';
import { CLIENT_ID, CLIENT_SECRET, startOAuthProvider } from '../../test/fixtures/oauth2/server.ts';
import { startCustomStack, type CustomStack } from '../../test/helpers/custom-stack.ts';
import { startTestStack, type TestStack } from '../../test/helpers/stack.ts';

/** GET /metrics over a real socket, after real requests through the sandbox's simulators. */

let stack: TestStack;
before(async () => {
  stack = await startTestStack();
});
after(async () => {
  await stack?.close();
});

const usersUrl = (account: string, query = '') => `/unified/usage-metering/users?integrated_account_id=${account}${query ? `&${query}` : ''}`;

async function scrape(s: TestStack | CustomStack, init?: RequestInit): Promise<{ status: number; type: string | null; text: string }> {
  const res = await fetch(`${s.apiUrl}/metrics`, init);
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

/** The value of one series, by its exact label set as prom-client prints it. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** Every secret-shaped value of every sandbox account's stored context. */
async function secretsOf(s: TestStack): Promise<string[]> {
  const secrets: string[] = [s.token];
  for (const id of Object.values(s.accounts)) {
    const account = await s.services.store.getIntegratedAccount(id);
    for (const [key, v] of Object.entries(account?.context ?? {})) {
      if (s.services.engineServices.isSecret(key) && typeof v === 'string' && v.length >= 6) secrets.push(v);
    }
  }
  return secrets;
}

describe('GET /metrics', () => {
  test('counts a unified list by route pattern and its upstream calls by integration, without ids or secrets', async () => {
    const res = await stack.api(usersUrl(stack.accounts.neon));
    assert.equal(res.status, 200, await res.text());
    const custom = await stack.api(`/custom/users/me?integrated_account_id=${stack.accounts.neon}`);
    assert.equal(custom.status, 200, await custom.text());
    const missing = await stack.api('/no/such/route/12345');
    assert.equal(missing.status, 404);

    const { status, type, text } = await scrape(stack); // no token: public by default
    assert.equal(status, 200);
    assert.match(type ?? '', /^text\/plain; version=0\.0\.4/);
    assert.ok((value(text, 'tessera_http_requests_total{method="GET",route="/unified/:model/:resource",status="200"}') ?? 0) >= 1, text);
    assert.ok((value(text, 'tessera_upstream_requests_total{integration="neon",status="200",role="main"}') ?? 0) >= 1);
    assert.ok((value(text, 'tessera_upstream_request_duration_seconds_count{integration="neon"}') ?? 0) >= 1);
    assert.ok((value(text, 'tessera_http_request_duration_seconds_count{method="GET",route="/unified/:model/:resource"}') ?? 0) >= 1);
    assert.ok((value(text, 'tessera_http_requests_total{method="GET",route="/custom/*",status="200"}') ?? 0) >= 1, 'an app.all handler is a route');
    // An unmatched path is one series, whatever the path: never the raw URL.
    assert.ok((value(text, 'tessera_http_requests_total{method="GET",route="unmatched",status="404"}') ?? 0) >= 1);
    assert.equal(text.includes('12345'), false);
    assert.equal(value(text, 'tessera_active_streams'), 0);
    assert.ok(text.includes('process_cpu_user_seconds_total'), 'default process metrics on the same registry');
    for (const name of ['tessera_upstream_retries_total', 'tessera_rate_limit_rejections_total', 'tessera_oauth_token_refreshes_total']) {
      assert.ok(text.includes(`# TYPE ${name} counter`), name);
    }
    for (const id of Object.values(stack.accounts)) assert.equal(text.includes(id), false, 'an account id in the metrics');
    for (const secret of await secretsOf(stack)) assert.equal(text.includes(secret), false, 'a secret in the metrics');
  });

  test('an NDJSON stream is counted when it ends, and leaves the active-streams gauge at zero', async () => {
    const before = value((await scrape(stack)).text, 'tessera_http_requests_total{method="GET",route="/unified/:model/:resource",status="200"}') ?? 0;
    const res = await stack.api(usersUrl(stack.accounts.neon, 'truto_response_format=stream'));
    assert.equal(res.status, 200);
    assert.ok((await res.text()).trim().split('\n').length >= 1);
    const { text } = await scrape(stack);
    assert.equal(value(text, 'tessera_http_requests_total{method="GET",route="/unified/:model/:resource",status="200"}'), before + 1);
    assert.equal(value(text, 'tessera_active_streams'), 0);
  });

  test('a retried upstream call counts each attempt and the retry', async () => {
    const sim = new URL(stack.simulators.neon).origin;
    const fault = await fetch(`${sim}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/api/v2/organizations/*/members', status: 503, count: 1 }),
    });
    assert.ok(fault.status < 300);
    const res = await stack.api(usersUrl(stack.accounts.neon));
    assert.equal(res.status, 200, await res.text());
    const { text } = await scrape(stack);
    assert.ok((value(text, 'tessera_upstream_requests_total{integration="neon",status="503",role="main"}') ?? 0) >= 1);
    assert.ok((value(text, 'tessera_upstream_retries_total{integration="neon"}') ?? 0) >= 1);
  });
});

describe('TESSERA_METRICS', () => {
  test('`token` asks for an API token; rate-limit rejections are counted by scope; each app has its own registry', async () => {
    const guarded = await startTestStack({ TESSERA_METRICS: 'token', TESSERA_RATE_LIMIT_TOKEN: '1' });
    try {
      assert.equal((await scrape(guarded)).status, 401);
      assert.equal((await guarded.api('/integrated-account')).status, 200);
      const limited = await guarded.api('/integrated-account');
      assert.equal(limited.status, 429);
      // Scrapes are not charged to the token's rate limit.
      const { status, text } = await scrape(guarded, { headers: { authorization: `Bearer ${guarded.token}` } });
      assert.equal(status, 200);
      assert.equal(value(text, 'tessera_rate_limit_rejections_total{scope="token"}'), 1);
      // The other server's unified list is not in this registry.
      assert.equal(text.includes('route="/unified/:model/:resource"'), false);
    } finally {
      await guarded.close();
    }
  });

  test('`off` serves no /metrics', async () => {
    const off = await startTestStack({ TESSERA_METRICS: 'off' });
    try {
      // Without a token an unknown path is a 401, like any path past /health; with one, a 404.
      assert.equal((await scrape(off)).status, 401);
      assert.equal((await off.api('/metrics')).status, 404);
    } finally {
      await off.close();
    }
  });
});

describe('OAuth2 token refreshes', () => {
  test('are counted by integration and outcome, with no token in the metrics', async () => {
    const provider = await startOAuthProvider();
    const oauth = await startCustomStack(path.join(import.meta.dirname, '../../test/fixtures/oauth2/catalog'));
    try {
      const account = async () => {
        const old = provider.mint(-30);
        const context = {
          client_id: CLIENT_ID,
          client_secret: CLIENT_SECRET,
          oauth: { token: { access_token: old.access_token, refresh_token: old.refresh_token, expires_at: new Date(Date.now() - 60_000).toISOString() } },
        };
        const integration_override = { base_url: provider.url, credentials: { config: { auth: { tokenHost: provider.url } } } };
        const res = await oauth.api('/integrated-account', {
          method: 'POST',
          body: JSON.stringify({ tenant_id: 'acme', integration: 'oauth-code', context, integration_override }),
        });
        const text = await res.text();
        assert.equal(res.status, 200, text);
        return (JSON.parse(text) as { id: string }).id;
      };
      assert.equal((await oauth.api(`/proxy/items?integrated_account_id=${await account()}`)).status, 200);
      provider.knobs.refuseRefresh = true;
      assert.equal((await oauth.api(`/proxy/items?integrated_account_id=${await account()}`)).status, 401);

      const { text } = await scrape(oauth);
      assert.equal(value(text, 'tessera_oauth_token_refreshes_total{integration="oauth-code",outcome="success"}'), 1);
      assert.equal(value(text, 'tessera_oauth_token_refreshes_total{integration="oauth-code",outcome="failure"}'), 1);
      assert.ok((value(text, 'tessera_http_requests_total{method="GET",route="/proxy/:resource",status="401"}') ?? 0) >= 1);
      for (const secret of [...provider.issuedSecrets(), CLIENT_SECRET, oauth.token]) assert.equal(text.includes(secret), false, 'a secret in the metrics');
    } finally {
      await oauth.close();
      await provider.close();
    }
  });
});
