import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_NEON_BIG_ORG_ID, DEFAULT_NEON_EXTRA_KEYS, DEFAULT_NEON_KEYS, DEFAULT_NEON_ORG_ID } from '../../providers/neon/simulator/index.ts';
import { postgresSchemaUrl } from '../../../test/helpers/store-engines.ts';
import { simulatorOrigin, startTestStack, type TestStack } from '../../../test/helpers/stack.ts';
import { REQUEST_PATH_CACHE_TTL_MS } from './request-path-caches.ts';

/**
 * The caches on the request path (token, account, environment integration) over real servers:
 * a write through a replica is seen by its next call; a write through another replica on the same
 * database within REQUEST_PATH_CACHE_TTL_MS.
 */
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

async function stackOn(env: Record<string, string> = {}): Promise<TestStack> {
  const stack = await startTestStack(env);
  cleanups.push(() => stack.close());
  return stack;
}

const call = (stack: TestStack, method: string, p: string, body?: unknown, token = stack.token) =>
  fetch(stack.apiUrl + p, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** The organization the account's first user belongs to: which credentials the call ran with. */
async function firstUserOrg(stack: TestStack, accountId: string, token = stack.token): Promise<string> {
  const res = await call(stack, 'GET', `/unified/usage-metering/users?integrated_account_id=${accountId}&limit=1`, undefined, token);
  assert.equal(res.status, 200, await res.clone().text());
  return ((await res.json()) as { result: { organization: { id: string } }[] }).result[0].organization.id;
}

async function newToken(stack: TestStack): Promise<{ id: string; token: string }> {
  const res = await call(stack, 'POST', '/api-token', { name: `cache-${randomBytes(3).toString('hex')}`, role: 'standard' });
  assert.equal(res.status, 200);
  return (await res.json()) as { id: string; token: string };
}

const neonAccount = (stack: TestStack) =>
  stack.connect('neon', {
    context: { api_key: DEFAULT_NEON_KEYS.personal, org_id: DEFAULT_NEON_ORG_ID },
    tenant_id: `cache-${randomBytes(3).toString('hex')}`,
  });

const bigOrgContext = { context: { api_key: DEFAULT_NEON_EXTRA_KEYS.bigOrg, org_id: DEFAULT_NEON_BIG_ORG_ID } };

/** Polls until `probe` is true; returns the milliseconds it took, or fails after `withinMs`. */
async function seenWithin(withinMs: number, probe: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  for (;;) {
    if (await probe()) return Date.now() - started;
    if (Date.now() - started > withinMs) assert.fail(`not seen within ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('one replica: a deleted token, a changed account and a disabled integration are seen by the very next call', async () => {
  const stack = await stackOn();
  const account = await neonAccount(stack);
  const { id, token } = await newToken(stack);
  // Cached by these calls.
  assert.equal(await firstUserOrg(stack, account, token), DEFAULT_NEON_ORG_ID);
  assert.equal(await firstUserOrg(stack, account, token), DEFAULT_NEON_ORG_ID);

  assert.equal((await call(stack, 'PATCH', `/integrated-account/${account}`, bigOrgContext)).status, 200);
  assert.equal(await firstUserOrg(stack, account, token), DEFAULT_NEON_BIG_ORG_ID, 'the updated context is used at once');

  assert.equal((await call(stack, 'DELETE', `/api-token/${id}`)).status, 200);
  const refused = await call(stack, 'GET', `/unified/usage-metering/users?integrated_account_id=${account}&limit=1`, undefined, token);
  assert.equal(refused.status, 401, 'a deleted token stops working at once');

  // An account marked needs_reauth (what a refused OAuth refresh does) is refused at once.
  await stack.services.store.updateIntegratedAccount(account, { status: 'needs_reauth' });
  assert.equal((await call(stack, 'GET', `/unified/usage-metering/users?integrated_account_id=${account}&limit=1`)).status, 401);
  await stack.services.store.updateIntegratedAccount(account, { status: 'active' });
  assert.equal(await firstUserOrg(stack, account), DEFAULT_NEON_BIG_ORG_ID);

  const integrations = (await (await call(stack, 'GET', '/environment-integration')).json()) as { result: { id: string; integration_id: string }[] };
  const neon = integrations.result.find((r) => r.integration_id === 'neon');
  assert.ok(neon, 'the environment lists neon');
  assert.equal((await call(stack, 'PATCH', `/environment-integration/${neon.id}`, { is_enabled: false })).status, 200);
  assert.equal((await call(stack, 'GET', `/unified/usage-metering/users?integrated_account_id=${account}&limit=1`)).status, 409);
  assert.equal((await call(stack, 'PATCH', `/environment-integration/${neon.id}`, { is_enabled: true })).status, 200);
  assert.equal(await firstUserOrg(stack, account), DEFAULT_NEON_BIG_ORG_ID);

  // An account deleted is gone at once, though it was cached a moment ago.
  assert.equal((await call(stack, 'DELETE', `/integrated-account/${account}`)).status, 200);
  assert.equal((await call(stack, 'GET', `/unified/usage-metering/users?integrated_account_id=${account}&limit=1`)).status, 404);
});

/** Two Tesseras on one database: what A writes, B sees within the TTL (and A at once). */
async function twoReplicas(env: Record<string, string>) {
  const a = await stackOn(env);
  const b = await stackOn(env);
  // The account points at A's simulator; B may call it too.
  b.services.egress.allowOrigin(simulatorOrigin(a.simulators.neon));
  const account = await neonAccount(a);
  const { id, token } = await newToken(a);
  assert.equal(await firstUserOrg(b, account, token), DEFAULT_NEON_ORG_ID, 'B caches the account and the token');

  assert.equal((await call(a, 'PATCH', `/integrated-account/${account}`, bigOrgContext)).status, 200);
  assert.equal(await firstUserOrg(a, account, token), DEFAULT_NEON_BIG_ORG_ID, 'the writer sees its write at once');
  const bound = REQUEST_PATH_CACHE_TTL_MS + 1_500;
  await seenWithin(bound, async () => (await firstUserOrg(b, account, token)) === DEFAULT_NEON_BIG_ORG_ID);

  assert.equal((await call(a, 'DELETE', `/api-token/${id}`)).status, 200);
  await seenWithin(
    bound,
    async () => (await call(b, 'GET', `/unified/usage-metering/users?integrated_account_id=${account}&limit=1`, undefined, token)).status === 401,
  );
}

test('two replicas on one SQLite file see each other’s writes within the TTL', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-cache-'));
  cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  await twoReplicas({ TESSERA_DATA_DIR: dir });
});

test('two replicas on one Postgres see each other’s writes within the TTL', async (t) => {
  const url = await postgresSchemaUrl((fn) => cleanups.push(fn));
  if (!url) return t.skip('no Postgres answers (TESSERA_TEST_POSTGRES_URL)');
  await twoReplicas({ TESSERA_DATABASE_URL: url, TESSERA_ENCRYPTION_KEY: randomBytes(32).toString('base64') });
});
