import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { environmentIntegrationId } from '../../../services/environment-integration-id.ts';
import { ensureEnvironment, issueApiToken } from '../../../services/tokens.ts';
import { startTestStack, type TestStack } from '../../../../test/helpers/stack.ts';

let stack: TestStack;
let envId: string;
let other: { id: string; token: string };
let neonContext: Record<string, unknown>;
before(async () => {
  stack = await startTestStack();
  envId = (await stack.services.store.findEnvironmentByName('sandbox'))!.id;
  const env = await ensureEnvironment(stack.services.store, 'other');
  other = { id: env.id, token: (await issueApiToken(stack.services.store, env.id, 'other')).token };
  neonContext = (await stack.services.store.getIntegratedAccount(stack.accounts.neon))!.context;
});
after(() => stack?.close());

async function call(method: string, path: string, body?: unknown, token = stack.token) {
  const res = await fetch(stack.apiUrl + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Record<string, any> };
}
const neonId = () => environmentIntegrationId(envId, 'neon');
const usersOf = (account: string) => call('GET', `/unified/usage-metering/users?integrated_account_id=${account}&truto_ignore_remote_data=true`);
const FIELDS = ['created_at', 'environment_id', 'id', 'integration', 'integration_id', 'is_active', 'is_enabled', 'override', 'show_in_catalog', 'updated_at'];

test('every bundled integration is installed by default, with a stable derived id', async () => {
  const list = await call('GET', '/environment-integration');
  assert.equal(list.status, 200);
  assert.deepEqual(Object.keys(list.body).sort(), ['limit', 'next_cursor', 'result']);
  const names = list.body.result.map((r: { integration_id: string }) => r.integration_id);
  assert.deepEqual(names.sort(), [...stack.services.catalog.integrations.keys()].sort());
  const neon = list.body.result.find((r: { integration_id: string }) => r.integration_id === 'neon');
  assert.deepEqual(Object.keys(neon).sort(), FIELDS);
  assert.equal(neon.id, neonId());
  assert.match(neon.id, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(neon.integration, { id: 'neon', name: 'neon', label: neon.integration.label, category: neon.integration.category });
  assert.equal(neon.is_enabled, true);
  assert.equal(neon.is_active, true);
  // The sandbox points each simulated integration's environment override at its simulator (sandbox.ts).
  assert.deepEqual(neon.override, { base_url: stack.simulators.neon });
  assert.equal(neon.environment_id, envId);
  assert.deepEqual((await call('GET', `/environment-integration/${neon.id}`)).body, neon);
  // Another environment's pair has another id, unreachable from here.
  const theirs = environmentIntegrationId(other.id, 'neon');
  assert.notEqual(theirs, neon.id);
  assert.equal((await call('GET', `/environment-integration/${theirs}`)).status, 404);
  assert.equal((await call('PATCH', `/environment-integration/${theirs}`, { is_enabled: false })).status, 404);
  assert.equal((await call('DELETE', `/environment-integration/${theirs}`)).status, 404);
  // The account view names its environment-integration.
  assert.equal((await call('GET', `/integrated-account/${stack.accounts.neon}`)).body.environment_integration_id, neon.id);
});

test('list filters in every form; unknown filters are 400; paging with a cursor', async () => {
  const names = async (q: string) => (await call('GET', `/environment-integration?${q}`)).body.result.map((r: { integration_id: string }) => r.integration_id);
  assert.deepEqual(await names('integration_id=neon'), ['neon']);
  assert.deepEqual(await names('integration.name=neon'), ['neon']);
  assert.deepEqual(await names('integration[name]=neon'), ['neon']);
  assert.deepEqual((await names('integration_id[]=neon&integration_id[]=openai')).sort(), ['neon', 'openai']);
  assert.deepEqual((await names('integration_id[0]=neon&integration_id[1]=openai')).sort(), ['neon', 'openai']);
  assert.deepEqual((await names('integration_id[in]=neon,openai')).sort(), ['neon', 'openai']);
  assert.ok(!(await names('integration_id[nin]=neon')).includes('neon'));
  assert.deepEqual(await names(`id=${neonId()}`), ['neon']);
  assert.deepEqual(await names('is_enabled=false'), []);
  assert.equal((await call('GET', '/environment-integration?colour=red')).status, 400);
  const all = await names('');
  const seen: string[] = [];
  let cursor = '';
  for (let i = 0; i < 20; i++) {
    const page = await call('GET', `/environment-integration?limit=2&next_cursor=${encodeURIComponent(cursor)}`);
    seen.push(...page.body.result.map((r: { integration_id: string }) => r.integration_id));
    if (!page.body.next_cursor) break;
    cursor = page.body.next_cursor;
  }
  assert.deepEqual(seen, all);
});

test('POST is idempotent; an unknown integration is 404 naming it', async () => {
  const a = await call('POST', '/environment-integration', { integration_id: 'openai' });
  assert.equal(a.status, 200, JSON.stringify(a.body));
  const b = await call('POST', '/environment-integration', { integration_id: 'openai' });
  assert.deepEqual(b.body, a.body);
  const unknown = await call('POST', '/environment-integration', { integration_id: 'nosuch' });
  assert.equal(unknown.status, 404);
  assert.match(unknown.body.message, /Integration nosuch not found/);
  assert.equal((await call('POST', '/environment-integration', {})).status, 400);
});

test('PATCH: override replaces the whole object, either flag name works, conflicting flags are 400', async () => {
  const id = environmentIntegrationId(envId, 'openai');
  const first = await call('PATCH', `/environment-integration/${id}`, { override: { headers: { 'x-one': '1' } }, show_in_catalog: false });
  assert.equal(first.status, 200, JSON.stringify(first.body));
  assert.deepEqual(first.body.override, { headers: { 'x-one': '1' } });
  assert.equal(first.body.show_in_catalog, false);
  const second = await call('PATCH', `/environment-integration/${id}`, { override: { headers: { 'x-two': '2' } }, is_active: false });
  assert.deepEqual(second.body.override, { headers: { 'x-two': '2' } });
  assert.equal(second.body.is_enabled, false);
  assert.equal(second.body.is_active, false);
  assert.equal(second.body.show_in_catalog, false);
  assert.equal((await call('PATCH', `/environment-integration/${id}`, { is_enabled: true, is_active: false })).status, 400);
  const back = await call('PATCH', `/environment-integration/${id}`, { is_enabled: true, override: {}, show_in_catalog: true });
  assert.equal(back.body.is_enabled, true);
  assert.deepEqual(back.body.override, {});
});

test('an override is checked like an account’s integration_override', async () => {
  const evil = await call('PATCH', `/environment-integration/${neonId()}`, { override: { base_url: 'https://collector.invalid' } });
  assert.equal(evil.status, 400);
  assert.match(evil.body.message, /not an allowed upstream host/);
  const auth = await call('PATCH', `/environment-integration/${neonId()}`, { override: { authorization: { format: 'bearer' } } });
  assert.equal(auth.status, 400);
  assert.match(auth.body.message, /cannot change how requests are authorized/);
  // Refused overrides change nothing: the sandbox's own base_url is still the one in force.
  assert.equal((await call('GET', `/environment-integration/${neonId()}`)).body.override.base_url, stack.simulators.neon);
});

test('the environment override reaches every account, under the account’s own override', async () => {
  // An account with no base_url of its own: the environment's points it at the simulator.
  const patched = await call('PATCH', `/environment-integration/${neonId()}`, { override: { base_url: stack.simulators.neon } });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  const bare = await stack.connect('neon', { tenant_id: 'bare', context: neonContext, integration_override: {} });
  assert.equal((await usersOf(bare)).status, 200);
  // The account's own override wins over the environment's.
  const elsewhere = await call('PATCH', `/environment-integration/${neonId()}`, { override: { base_url: stack.simulators.openai } });
  assert.equal(elsewhere.status, 200, JSON.stringify(elsewhere.body));
  assert.equal((await usersOf(stack.accounts.neon)).status, 200);
  assert.notEqual((await usersOf(bare)).status, 200);
  await call('PATCH', `/environment-integration/${neonId()}`, { override: {} });
  await call('DELETE', `/integrated-account/${bare}`);
});

test('a disabled integration refuses data-plane calls and new accounts with a 409 naming the fix', async () => {
  const off = await call('PATCH', `/environment-integration/${neonId()}`, { is_enabled: false });
  assert.equal(off.body.is_enabled, false);
  const refused = await usersOf(stack.accounts.neon);
  assert.equal(refused.status, 409);
  assert.equal(refused.body.code, 'TESSERA_INTEGRATION_DISABLED');
  assert.match(refused.body.message, new RegExp(`disabled in this environment; enable it with PATCH /environment-integration/${neonId()}`));
  const proxy = await call('GET', `/proxy/projects?integrated_account_id=${stack.accounts.neon}`);
  assert.equal(proxy.status, 409);
  const create = await call('POST', '/integrated-account', {
    tenant_id: 't',
    integration: 'neon',
    context: neonContext,
    integration_override: { base_url: stack.simulators.neon },
  });
  assert.equal(create.status, 409);
  // Another environment is unaffected: its pair has no row.
  assert.equal((await call('GET', `/environment-integration/${environmentIntegrationId(other.id, 'neon')}`, undefined, other.token)).body.is_enabled, true);
  await call('PATCH', `/environment-integration/${neonId()}`, { is_active: true });
  assert.equal((await usersOf(stack.accounts.neon)).status, 200);
});

test('POST /integrated-account takes environment_integration_id instead of integration', async () => {
  const res = await call('POST', '/integrated-account', {
    tenant_id: 'by-ei',
    environment_integration_id: neonId(),
    context: neonContext,
    integration_override: { base_url: stack.simulators.neon },
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.integration.name, 'neon');
  assert.equal(res.body.environment_integration_id, neonId());
  const foreign = await call('POST', '/integrated-account', {
    tenant_id: 'by-ei',
    environment_integration_id: environmentIntegrationId(other.id, 'neon'),
    context: neonContext,
  });
  assert.equal(foreign.status, 404);
  assert.match(foreign.body.message, /Environment-integration .* not found in this environment/);
  await call('DELETE', `/integrated-account/${res.body.id}`);
});

test('DELETE uninstalls: the accounts go, the override is cleared, POST installs it again', async () => {
  await call('PATCH', `/environment-integration/${neonId()}`, { override: { headers: { 'x-env': '1' } } });
  const extra = await stack.connect('neon', { tenant_id: 'doomed', context: neonContext });
  const removed = await call('DELETE', `/environment-integration/${neonId()}`);
  assert.deepEqual(removed.body, { id: neonId() });
  assert.equal((await call('GET', `/integrated-account/${extra}`)).status, 404);
  assert.equal((await call('GET', `/integrated-account/${stack.accounts.neon}`)).status, 404);
  assert.equal((await call('GET', `/environment-integration/${neonId()}`)).status, 404);
  assert.ok(!(await call('GET', '/environment-integration')).body.result.some((r: { integration_id: string }) => r.integration_id === 'neon'));
  const create = await call('POST', '/integrated-account', { tenant_id: 't', integration: 'neon', context: neonContext });
  assert.equal(create.status, 409);
  assert.match(create.body.message, /not installed in this environment; install it with POST \/environment-integration/);
  const again = await call('POST', '/environment-integration', { integration_id: 'neon' });
  assert.equal(again.status, 200);
  assert.equal(again.body.id, neonId());
  assert.deepEqual(again.body.override, {});
  assert.equal(again.body.is_enabled, true);
  assert.equal((await call('GET', `/environment-integration/${neonId()}`)).status, 200);
});
