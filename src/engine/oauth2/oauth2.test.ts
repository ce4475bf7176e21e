import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import pg from 'pg';
import { CLIENT_ID, CLIENT_SECRET, startOAuthProvider, type OAuthProvider } from '../../../test/fixtures/oauth2/server.ts';
import { startCustomStack, type CustomStack } from '../../../test/helpers/custom-stack.ts';
import { SecretBox } from '../../store/secret-box.ts';

/**
 * oauth2 credentials over real sockets (docs/oauth2.md): a Tessera over the test catalog in
 * test/fixtures/oauth2/catalog, against the tiny OAuth provider in test/fixtures/oauth2/server.ts.
 */
const CATALOG = path.join(import.meta.dirname, '../../../test/fixtures/oauth2/catalog');
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
const past = () => new Date(Date.now() - 60_000).toISOString();

async function createAccount(on: CustomStack, integration: string, token?: Record<string, unknown>): Promise<string> {
  const context: Record<string, unknown> = { client_id: CLIENT_ID, client_secret: CLIENT_SECRET };
  if (token) context.oauth = { token };
  const res = await on.api('/integrated-account', {
    method: 'POST',
    body: JSON.stringify({ tenant_id: 'acme', integration, context, integration_override: override() }),
  });
  const body = (await res.json()) as { id: string; status: string };
  assert.equal(res.status, 200, JSON.stringify(body));
  assert.equal(body.status, 'active');
  return body.id;
}

async function items(id: string, on: CustomStack = stack) {
  const res = await on.api(`/proxy/items?integrated_account_id=${id}`);
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) };
}

async function storedToken(id: string, on: CustomStack = stack) {
  const account = await on.services.store.getIntegratedAccount(id);
  return (account!.context.oauth as { token: Record<string, unknown> }).token;
}

function assertNoSecrets(text: string, what: string) {
  for (const secret of [...provider.issuedSecrets(), CLIENT_SECRET]) assert.ok(!text.includes(secret), `${what} contains a credential`);
}

test('an expired access token is refreshed before the call, and the new pair is stored', async () => {
  const old = provider.mint(-30);
  const id = await createAccount(stack, 'oauth-code', { access_token: old.access_token, refresh_token: old.refresh_token, expires_at: past() });
  const res = await items(id);
  assert.equal(res.status, 200, res.text);
  assert.equal(provider.tokenCalls.length, 1);
  assert.deepEqual(provider.tokenCalls[0], {
    grant_type: 'refresh_token',
    client_auth: 'body',
    format: 'form',
    refresh_token: old.refresh_token,
    scope: undefined,
  });
  // One upstream call, already with the new token: refreshed before, not after a 401.
  assert.equal(provider.apiCalls.length, 1);
  assert.equal(provider.apiCalls[0].status, 200);
  assert.ok(provider.apiCalls[0].token_serial > old.serial);
  const token = await storedToken(id);
  assert.equal(provider.serialOf(String(token.access_token)), provider.apiCalls[0].token_serial);
  assert.notEqual(token.refresh_token, old.refresh_token, 'the provider rotated it');
  assert.ok(Date.parse(String(token.expires_at)) > Date.now() + 3000_000);
  assertNoSecrets(res.text, 'the response');
});

test('ten concurrent requests with an expired token make exactly one token request', async () => {
  const old = provider.mint(-30);
  const id = await createAccount(stack, 'oauth-code', { access_token: old.access_token, refresh_token: old.refresh_token, expires_at: past() });
  provider.knobs.tokenDelayMs = 150;
  const results = await Promise.all(Array.from({ length: 10 }, () => items(id)));
  for (const r of results) assert.equal(r.status, 200, r.text);
  assert.equal(provider.tokenCalls.length, 1);
  assert.equal(provider.apiCalls.length, 10);
  const serials = new Set(provider.apiCalls.map((c) => c.token_serial));
  assert.equal(serials.size, 1, 'every request used the one refreshed token');
  assert.ok(!serials.has(old.serial));
});

test('a refresh without a refresh_token keeps the old one, sealed at rest and redacted in responses', async () => {
  provider.knobs.omitRefreshTokenOnRefresh = true;
  const old = provider.mint(-30);
  const id = await createAccount(stack, 'oauth-code', {
    access_token: old.access_token,
    refresh_token: old.refresh_token,
    expires_in: 3600,
    expires_at: past(),
  });
  assert.equal((await items(id)).status, 200);
  const token = await storedToken(id);
  assert.equal(token.refresh_token, old.refresh_token);
  assert.notEqual(token.access_token, old.access_token);
  assert.equal(token.expires_in, 3600);

  // The kept refresh token is the one used next time.
  await stack.services.store.updateIntegratedAccount(id, {
    context: { ...(await stack.services.store.getIntegratedAccount(id))!.context, oauth: { token: { ...token, expires_at: past() } } },
  });
  assert.equal((await items(id)).status, 200);
  assert.equal(provider.tokenCalls.length, 2);
  assert.equal(provider.tokenCalls[1].refresh_token, old.refresh_token);

  // Never in plaintext on disk (database and WAL), never in the API's view of the account.
  const dataDir = stack.services.config.dataDir;
  const disk = fs
    .readdirSync(dataDir)
    .filter((f) => f.startsWith('tessera.db'))
    .map((f) => fs.readFileSync(path.join(dataDir, f)).toString('latin1'))
    .join('\n');
  assert.ok(disk.length > 0);
  for (const secret of [old.refresh_token, old.access_token, String((await storedToken(id)).access_token), CLIENT_SECRET])
    assert.ok(!disk.includes(secret), 'a credential is on disk in plaintext');
  const view = (await (await stack.api(`/integrated-account/${id}`)).json()) as {
    context: { oauth: { token: unknown }; client_secret: string };
  };
  // `token` is a secret's name: the whole token object is sealed and masked as one value.
  assert.equal(view.context.oauth.token, '********');
  assert.equal(view.context.client_secret, '********');
});

test('a refused refresh makes the account needs_reauth; later calls get 401 without reaching the provider', async () => {
  provider.knobs.refuseRefresh = true;
  const old = provider.mint(-30);
  const id = await createAccount(stack, 'oauth-code', { access_token: old.access_token, refresh_token: old.refresh_token, expires_at: past() });
  const first = await items(id);
  assert.equal(first.status, 401);
  assert.match(
    first.body.message,
    /refused to refresh the OAuth access token \(invalid_grant: The refresh token is invalid or revoked\)\. The integrated account needs re-authentication/,
  );
  assert.equal(provider.apiCalls.length, 0, 'the stale token was never sent');
  assertNoSecrets(first.text, 'the error');

  const account = (await (await stack.api(`/integrated-account/${id}`)).json()) as { status: string; last_error: string };
  assert.equal(account.status, 'needs_reauth');
  assert.match(account.last_error, /invalid_grant/);

  const calls = provider.tokenCalls.length;
  const later = await items(id);
  assert.equal(later.status, 401);
  assert.deepEqual(later.body, {
    statusCode: 401,
    error: 'Unauthorized',
    message: 'Integrated account needs re-authentication',
    code: 'TESSERA_ACCOUNT_NEEDS_REAUTH',
  });
  assert.equal(provider.tokenCalls.length, calls);
  assert.equal(provider.apiCalls.length, 0);
});

test('client credentials: a token is fetched on first use and reused until it nears expiry', async () => {
  provider.knobs.expiresIn = 4; // the refresh skew is capped at half the lifetime: stale after 2 s
  const id = await createAccount(stack, 'oauth-m2m');
  assert.equal((await items(id)).status, 200);
  assert.deepEqual(provider.tokenCalls, [
    { grant_type: 'client_credentials', client_auth: 'basic', format: 'json', refresh_token: undefined, scope: 'items.read' },
  ]);
  const firstSerial = provider.apiCalls[0].token_serial;
  assert.equal(provider.serialOf(String((await storedToken(id)).access_token)), firstSerial, 'the fetched token is stored');

  assert.equal((await items(id)).status, 200);
  assert.equal(provider.tokenCalls.length, 1, 'reused while fresh');
  assert.equal(provider.apiCalls[1].token_serial, firstSerial);

  await new Promise((r) => setTimeout(r, 2100));
  assert.equal((await items(id)).status, 200);
  assert.equal(provider.tokenCalls.length, 2, 'renewed once stale');
  assert.ok(provider.apiCalls[2].token_serial > firstSerial);
  assert.equal(
    provider.apiCalls.every((c) => c.status === 200),
    true,
  );
});

test('an upstream 401 forces one refresh and one retry; debug output carries no token', async () => {
  const current = provider.mint(3600);
  const id = await createAccount(stack, 'oauth-code', {
    access_token: current.access_token,
    refresh_token: current.refresh_token,
    expires_in: 3600,
    expires_at: new Date(Date.now() + 3600_000).toISOString(),
  });
  provider.revoke(current.access_token);
  const res = await stack.api(`/unified/usage-metering/users?integrated_account_id=${id}&truto_response_format=debug`);
  const text = await res.text();
  assert.equal(res.status, 200, text);
  assert.deepEqual(
    JSON.parse(text).result.map((u: { id: string }) => u.id),
    ['u-1', 'u-2'],
  );
  assert.equal(provider.tokenCalls.length, 1);
  assert.equal(provider.tokenCalls[0].refresh_token, current.refresh_token);
  assert.deepEqual(
    provider.apiCalls.map((c) => c.status),
    [401, 200],
  );
  assert.equal(provider.apiCalls[0].token_serial, current.serial);
  assert.ok(provider.apiCalls[1].token_serial > current.serial);
  assertNoSecrets(text, 'the debug envelope');
  const account = (await (await stack.api(`/integrated-account/${id}`)).json()) as { status: string };
  assert.equal(account.status, 'active');
});

test('an authorization-code account needs a token to be created', async () => {
  const res = await stack.api('/integrated-account', {
    method: 'POST',
    body: JSON.stringify({ tenant_id: 'acme', integration: 'oauth-code', context: { client_id: CLIENT_ID } }),
  });
  const body = (await res.json()) as { message: string };
  assert.equal(res.status, 400);
  assert.match(body.message, /POST \/oauth2\/authorize/);
});

/** Two Tessera instances on one Postgres share nothing but the database, like two processes. */
describe('across processes on one Postgres database', async () => {
  const base = process.env.TESSERA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `tessera_oauth_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  let url: string | undefined;
  const client = new pg.Client({ connectionString: base, connectionTimeoutMillis: 1500 });
  try {
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    url = `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  } catch {
    url = undefined;
  } finally {
    await client.end().catch(() => {});
  }
  const stacks: CustomStack[] = [];
  after(async () => {
    for (const s of stacks) await s.close();
    if (!url) return;
    const c = new pg.Client({ connectionString: base });
    await c.connect();
    await c.query(`DROP SCHEMA ${schema} CASCADE`);
    await c.end();
  });

  test('ten concurrent requests split over two instances make exactly one token request', { skip: url ? false : 'no Postgres reachable' }, async () => {
    const env = { TESSERA_DATABASE_URL: url!, TESSERA_ENCRYPTION_KEY: SecretBox.generateKey() };
    stacks.push(await startCustomStack(CATALOG, env));
    stacks.push(await startCustomStack(CATALOG, env));
    const [a, b] = stacks;
    const old = provider.mint(-30);
    const id = await createAccount(a, 'oauth-code', { access_token: old.access_token, refresh_token: old.refresh_token, expires_at: past() });
    provider.knobs.tokenDelayMs = 300;
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => items(id, i % 2 ? b : a)));
    for (const r of results) assert.equal(r.status, 200, r.text);
    assert.equal(provider.tokenCalls.length, 1);
    assert.equal(new Set(provider.apiCalls.map((c) => c.token_serial)).size, 1);
    assert.equal(provider.serialOf(String((await storedToken(id, b)).access_token)), provider.apiCalls[0].token_serial);
  });
});
