import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_NEON_KEYS, DEFAULT_NEON_ORG_ID } from '../../../providers/neon/simulator/index.ts';
import { simulatorOrigin, startTestStack, type TestStack } from '../../../../test/helpers/stack.ts';

let stack: TestStack;
before(async () => {
  stack = await startTestStack();
});
after(() => stack?.close());

async function call(method: string, p: string, body?: unknown) {
  const res = await stack.api(p, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
}

const create = (tenant: string, context: Record<string, unknown> = { api_key: DEFAULT_NEON_KEYS.personal, org_id: DEFAULT_NEON_ORG_ID }) =>
  call('POST', '/integrated-account', { tenant_id: tenant, integration: 'neon', context, integration_override: { base_url: stack.simulators.neon } });

test('create validates the credentials against the provider and never returns them', async () => {
  const res = await create('acme');
  assert.equal(res.status, 200);
  assert.equal(res.body.status, 'active');
  assert.equal(res.body.context.api_key, '********');
  assert.equal(res.body.context.org_id, DEFAULT_NEON_ORG_ID);
  assert.deepEqual(res.body.integration, { id: 'neon', name: 'neon', category: 'usage-metering' });
  assert.match(res.body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(res.text.includes(DEFAULT_NEON_KEYS.personal), false);
});

test('a key the provider refuses is a 422 with its reason, and no account is kept unless asked', async () => {
  const bad = { api_key: 'revoked-or-unknown-key', org_id: DEFAULT_NEON_ORG_ID };
  const refused = await create('refused', bad);
  assert.equal(refused.status, 422, refused.text);
  assert.equal(refused.body.code, 'TESSERA_ACCOUNT_VALIDATION_FAILED');
  assert.match(refused.body.message, /^Validation of the Neon credentials failed: /);
  assert.equal(refused.body.truto_is_remote_error, true);
  assert.ok(refused.body.raw_response, 'the provider body comes back');
  assert.deepEqual(refused.body.details, { integration: 'neon', provider_status: 401 });
  assert.deepEqual((await call('GET', '/integrated-account?tenant_id=refused')).body.result, []);

  const kept = await call('POST', '/integrated-account?keep_on_validation_error=true', {
    tenant_id: 'refused',
    integration: 'neon',
    context: bad,
    integration_override: { base_url: stack.simulators.neon },
  });
  assert.equal(kept.status, 200);
  assert.equal(kept.body.status, 'validation_error');
  assert.ok(kept.body.last_error);
  assert.equal((await call('POST', '/integrated-account?keep_on_validation_error=maybe', {})).status, 400);
});

test('a provider that is down is its own retryable error, not a verdict on the key; nothing is kept', async () => {
  const sim = simulatorOrigin(stack.simulators.neon);
  const fault = await fetch(`${sim}/__sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ path: '/api/v2/auth', status: 503, count: 20 }),
  });
  assert.ok(fault.ok, await fault.text());
  try {
    const res = await create('neon-down');
    assert.equal(res.status, 503, res.text);
    assert.equal(res.body.truto_is_remote_error, true);
    assert.match(res.body.message, /^Could not validate the Neon credentials: /);
  } finally {
    await fetch(`${sim}/__sim/faults`, { method: 'DELETE' });
  }
  assert.deepEqual((await call('GET', '/integrated-account?tenant_id=neon-down')).body.result, []);
});

test('PATCH with refused credentials changes nothing; a good key is saved; the flag saves a bad one', async () => {
  const { body: account } = await create('repatch');
  const stored = async () => (await stack.services.store.getIntegratedAccount(account.id))!;
  const refused = await call('PATCH', `/integrated-account/${account.id}`, { context: { api_key: 'typo-key' }, tenant_id: 'renamed' });
  assert.equal(refused.status, 422, refused.text);
  assert.equal(refused.body.code, 'TESSERA_ACCOUNT_VALIDATION_FAILED');
  assert.equal((await stored()).context.api_key, DEFAULT_NEON_KEYS.personal, 'the working key stays');
  assert.equal((await stored()).status, 'active', 'the trial does not mark the stored account needs_reauth');
  assert.equal((await stored()).tenant_id, 'repatch', 'nothing of the refused PATCH is saved');
  const good = await call('PATCH', `/integrated-account/${account.id}`, { context: { api_key: DEFAULT_NEON_KEYS.org } });
  assert.equal(good.body.status, 'active');
  assert.equal((await stored()).context.api_key, DEFAULT_NEON_KEYS.org);
  const kept = await call('PATCH', `/integrated-account/${account.id}?keep_on_validation_error=true`, { context: { api_key: 'typo-key' } });
  assert.equal(kept.status, 200);
  assert.equal(kept.body.status, 'validation_error');
  assert.equal((await stored()).context.api_key, 'typo-key');
  // Its credentials unchanged, a broken account's PATCH of a setting is saved; only the verdict is recorded.
  const setting = await call('PATCH', `/integrated-account/${account.id}`, { context: { note: 'still broken' } });
  assert.equal(setting.status, 200, setting.text);
  assert.equal(setting.body.status, 'validation_error');
  assert.equal(setting.body.context.note, 'still broken');
});

test('create rejects what is wrong with a message per field', async () => {
  const missingKey = await create('x', { org_id: DEFAULT_NEON_ORG_ID });
  assert.equal(missingKey.status, 400);
  assert.match(missingKey.body.message, /API key is required/);
  const badOrg = await create('x', { api_key: 'k', org_id: 'Not Valid!' });
  assert.equal(badOrg.status, 400);
  assert.equal(badOrg.body.details.failures[0].path, 'context.org_id');
  const unknownIntegration = await call('POST', '/integrated-account', { tenant_id: 'x', integration: 'nope', context: {} });
  assert.equal(unknownIntegration.status, 404);
  const notJson = await call('POST', '/integrated-account', '{"tenant_id":');
  assert.equal(notJson.status, 400);
  assert.match(notJson.body.message, /not valid JSON/);
  const noTenant = await call('POST', '/integrated-account', { integration: 'neon', context: {} });
  assert.equal(noTenant.status, 400);
  assert.equal(noTenant.body.details.failures[0].path, 'tenant_id');
});

test('list filters and pages with a cursor, in the admin envelope', async () => {
  for (const t of ['page-a', 'page-b', 'page-c']) await create(t);
  const first = await call('GET', '/integrated-account?limit=2');
  assert.deepEqual(Object.keys(first.body).sort(), ['limit', 'next_cursor', 'result']);
  assert.equal(first.body.result.length, 2);
  const ids = first.body.result.map((a: { id: string }) => a.id);
  let cursor = first.body.next_cursor;
  while (cursor) {
    const next = await call('GET', `/integrated-account?limit=2&next_cursor=${cursor}`);
    ids.push(...next.body.result.map((a: { id: string }) => a.id));
    cursor = next.body.next_cursor;
  }
  assert.equal(new Set(ids).size, ids.length);
  const all = await call('GET', '/integrated-account');
  assert.equal(ids.length, all.body.result.length);
  const filtered = await call('GET', '/integrated-account?tenant_id=page-b&integration[name]=neon&status=active');
  assert.deepEqual(
    filtered.body.result.map((a: { tenant_id: string }) => a.tenant_id),
    ['page-b'],
  );
  const since = await call('GET', `/integrated-account?created_at[gt]=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
  assert.equal(since.body.result.length, 0);
  const badOp = await call('GET', '/integrated-account?created_at[like]=x');
  assert.equal(badOp.status, 400);
});

test('admin filters in every form an SDK sends: one value, lists, in, nin, eq, ne, nested names; none widens the answer', async () => {
  const [a, b] = [(await create('forms-a')).body, (await create('forms-b')).body];
  const tenants = async (query: string) => {
    const res = await call('GET', `/integrated-account?${query}`);
    assert.equal(res.status, 200, `${query}: ${res.text}`);
    return res.body.result.map((x: { tenant_id: string }) => x.tenant_id).sort();
  };
  for (const query of [
    'tenant_id[]=nobody',
    'tenant_id[0]=nobody',
    'tenant_id[in]=nobody',
    'tenant_id[in][]=nobody',
    'tenant_id[eq]=nobody',
    'tenant_id=nobody',
  ]) {
    assert.deepEqual(await tenants(query), [], `${query} matches no account`);
  }
  for (const query of [
    'tenant_id[]=forms-a&tenant_id[]=forms-b',
    'tenant_id[0]=forms-a&tenant_id[1]=forms-b',
    'tenant_id=forms-a&tenant_id=forms-b',
    'tenant_id[in]=forms-a,forms-b',
    'tenant_id[in][]=forms-a&tenant_id[in][]=forms-b&integration.name=neon',
    `id[in]=${a.id},${b.id.toUpperCase()}`,
    `id[]=${a.id}&id[]=${b.id}&status[in][]=active&integration[name][in]=neon,openai`,
  ]) {
    assert.deepEqual(await tenants(query), ['forms-a', 'forms-b'], query);
  }
  assert.deepEqual(await tenants('tenant_id[in]=forms-a,forms-b&tenant_id[nin]=forms-b'), ['forms-a']);
  assert.deepEqual(await tenants('tenant_id[in]=forms-a,forms-b&tenant_id[ne]=forms-a'), ['forms-b']);
  assert.deepEqual(await tenants(`id=${b.id}`), ['forms-b']);
  assert.ok(!(await tenants(`id[nin]=${a.id}`)).includes('forms-a'), 'nin excludes');
  assert.deepEqual(await tenants('tenant_id[in]=forms-a&status[nin]=active'), []);
  assert.deepEqual(await tenants('tenant_id[in]=forms-a&environment_id[]=00000000-0000-4000-8000-000000000000'), [], 'another environment finds nothing');
  assert.deepEqual(await tenants(`tenant_id=forms-a&environment_id=${a.environment_id}`), ['forms-a']);
  assert.deepEqual(await tenants(`tenant_id=forms-a&created_at[eq]=${encodeURIComponent(a.created_at)}`), ['forms-a']);
});

test('PATCH merges context shallowly and keeps credentials it was not given', async () => {
  const { body: account } = await create('patcher', { api_key: DEFAULT_NEON_KEYS.personal, org_id: DEFAULT_NEON_ORG_ID, settings: { a: 1, b: 2 } });
  const patched = await call('PATCH', `/integrated-account/${account.id}`, { context: { settings: { a: 9 }, note: 'hi', api_key: '********' } });
  assert.equal(patched.status, 200);
  assert.deepEqual(patched.body.context.settings, { a: 9 }, 'nested objects are replaced, not merged');
  assert.equal(patched.body.context.note, 'hi');
  const stored = await stack.services.store.getIntegratedAccount(account.id);
  assert.equal(stored?.context.api_key, DEFAULT_NEON_KEYS.personal, 'echoing the mask does not overwrite the secret');
  assert.equal(stored?.context.org_id, DEFAULT_NEON_ORG_ID);
});

test('is_sandbox is read-only (405); delete returns {id}; other environments see 404', async () => {
  const { body: account } = await create('deleter');
  const sandbox = await call('PATCH', `/integrated-account/${account.id}`, { is_sandbox: true });
  assert.equal(sandbox.status, 405);
  const { ensureEnvironment, issueApiToken } = await import('../../../services/tokens.ts');
  const env = await ensureEnvironment(stack.services.store, 'elsewhere');
  const { token } = await issueApiToken(stack.services.store, env.id, 'x');
  const foreign = await fetch(`${stack.apiUrl}/integrated-account/${account.id}`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(foreign.status, 404);
  assert.deepEqual((await call('DELETE', `/integrated-account/${account.id}`)).body, { id: account.id });
  assert.equal((await call('GET', `/integrated-account/${account.id}`)).status, 404);
  assert.equal((await call('GET', '/integrated-account/not-a-uuid')).status, 404);
});

test('the database files hold no plaintext credential', async () => {
  const bytes = Buffer.concat(
    fs
      .readdirSync(stack.dataDir)
      .filter((f) => f.startsWith('tessera.db'))
      .map((f) => fs.readFileSync(path.join(stack.dataDir, f))),
  );
  assert.ok(bytes.length > 0);
  assert.equal(bytes.includes(Buffer.from(DEFAULT_NEON_KEYS.personal)), false);
  assert.equal(bytes.includes(Buffer.from(DEFAULT_NEON_ORG_ID)), true);
});

test('GET /integration lists integrations without their config', async () => {
  const res = await call('GET', '/integration');
  const neon = res.body.result.find((i: { name: string }) => i.name === 'neon');
  assert.equal(neon.category, 'usage-metering');
  assert.equal('config' in neon, false);
  assert.equal(neon.credentials.fields[0].name, 'api_key');
  assert.equal((await call('GET', '/integration/neon')).body.label, 'Neon');
  assert.equal((await call('GET', '/integration/nope')).status, 404);
});

test('an upper-case id is the same account, on the admin routes and the data plane', async () => {
  const created = await create('upper');
  const upper = String(created.body.id).toUpperCase();
  assert.equal((await call('GET', `/integrated-account/${upper}`)).body.id, created.body.id);
  assert.equal((await call('GET', `/integrated-account/${upper}/capabilities`)).status, 200);
  assert.equal((await call('GET', `/unified/usage-metering/users?integrated_account_id=${upper}&limit=1`)).status, 200);
  assert.equal((await call('DELETE', `/integrated-account/${upper}`)).body.id, created.body.id);
});

test('filters and bodies the store could not take are 400s, not store errors', async () => {
  const cases: [string, string, unknown, RegExp][] = [
    ['GET', '/integrated-account?tenant_id[x]=a', undefined, /tenant_id\[x\] is not supported; use tenant_id=a, tenant_id\[\]=a/],
    ['GET', '/integrated-account?tenant_id[][a]=1', undefined, /tenant_id must be a list of strings, got an object in it/],
    ['GET', '/integrated-account?tenant_id=', undefined, /tenant_id is empty; leave it out/],
    ['GET', '/integrated-account?tenant_id[toString]=a', undefined, /uses "toString", which is not accepted as a name/],
    ['GET', '/integrated-account?integration.name=zzz&integration[name]=neon', undefined, /integration.name is given twice/],
    [
      'GET',
      '/integrated-account?tenant=a',
      undefined,
      /\/integrated-account has no filter tenant; its filters are id, tenant_id, environment_id, integration.name/,
    ],
    ['GET', '/integrated-account?integration[nme]=neon', undefined, /has no filter integration.nme/],
    ['GET', '/integrated-account?id[in]=not-a-uuid', undefined, /id values must be UUIDs; got "not-a-uuid"/],
    ['GET', '/integrated-account?is_sandbox[]=true', undefined, /is_sandbox must be true or false, got a list/],
    ['GET', `/integrated-account?tenant_id=${'t'.repeat(256)}`, undefined, /tenant_id must be at most 255 characters/],
    ['GET', '/integrated-account?status=%00', undefined, /must not contain U\+0000/],
    ['GET', '/integrated-account?limit=99999999999999999999', undefined, /limit must be an integer from 1 to 10000/],
    ['GET', '/integrated-account?next_cursor[]=x', undefined, /Invalid next_cursor/],
    ['POST', '/integrated-account', { tenant_id: 't'.repeat(256), integration: 'neon' }, /tenant_id: Too big/],
    ['POST', '/integrated-account', { tenant_id: 'a\u001bb', integration: 'neon' }, /tenant_id: must not contain control characters/],
    ['POST', '/integrated-account', { tenant_id: 't', integration: 'neon', authentication_method: 'm'.repeat(65) }, /authentication_method: Too big/],
    ['POST', '/integrated-account', '{"tenant_id":"a\\u0000b","integration":"neon"}', /U\+0000 is not accepted in strings at position 15/],
  ];
  for (const [method, p, body, message] of cases) {
    const res = await call(method, p, body);
    assert.equal(res.status, 400, `${method} ${p.slice(0, 60)}: ${res.text}`);
    assert.match(res.body.message, message);
  }
});
