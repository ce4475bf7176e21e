import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEFAULT_NEON_FIXTURE_IDS as IDS, DEFAULT_NEON_KEYS, DEFAULT_NEON_ORG_ID } from '../../../providers/neon/simulator/index.ts';
import { startTestStack, type TestStack } from '../../../../test/helpers/stack.ts';

let stack: TestStack;
let other: string;
before(async () => {
  stack = await startTestStack();
  const res = await call('POST', '/integrated-account', {
    tenant_id: 'second',
    integration: 'neon',
    context: { api_key: DEFAULT_NEON_KEYS.personal, org_id: DEFAULT_NEON_ORG_ID },
    integration_override: { base_url: stack.simulators.neon },
  });
  other = res.body.id;
});
after(() => stack?.close());

async function call(method: string, path: string, body?: unknown) {
  const res = await stack.api(path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
const getUser = (account: string) =>
  call('GET', `/unified/usage-metering/users/${IDS.adminMemberId}?integrated_account_id=${account}&truto_ignore_remote_data=true`);

test("an account's unified_model_override changes that account's output and no other's", async () => {
  const override = {
    'usage-metering': { users: { get: { response_mapping: '{ "id": record.member.id, "name": $uppercase(record.user.email), "first_name": "Ada" }' } } },
  };
  const patched = await call('PATCH', `/integrated-account/${other}`, { unified_model_override: override });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  const mine = await getUser(other);
  assert.equal(mine.body.name, 'USER1@EMAIL.COM');
  assert.equal(mine.body.first_name, 'Ada');
  const theirs = await getUser(stack.accounts.neon);
  assert.equal(theirs.body.name, 'user1@email.com');
  assert.equal('first_name' in theirs.body, false);
  await call('PATCH', `/integrated-account/${other}`, { unified_model_override: {} });
});

test('a broken override is refused when saved, with the JSONata error and its position', async () => {
  const res = await call('PATCH', `/integrated-account/${other}`, {
    unified_model_override: { 'usage-metering': { users: { list: { response_mapping: '{ "id": record.id, ' } } } },
  });
  assert.equal(res.status, 400);
  assert.match(res.body.message, /unified_model_override\.usage-metering\.users\.list\.response_mapping: invalid JSONata: .*position \d+/);
  assert.equal(res.body.details.failures[0].path, 'unified_model_override.usage-metering.users.list.response_mapping');
});

test('an environment override applies to every account of the environment, under account overrides', async () => {
  const created = await call('POST', '/environment-unified-model-resource-method', {
    unified_model: 'usage-metering',
    resource_name: 'users',
    integration_name: 'neon',
    method_name: 'get',
    config: { side_load: { organization: { response_mapping: '{ "name": "Env " & response.name }' } } },
  });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  assert.equal((await getUser(stack.accounts.neon)).body.organization.name, 'Env my-organization');
  assert.equal((await getUser(other)).body.organization.name, 'Env my-organization');

  // The account layer wins over the environment layer.
  await call('PATCH', `/integrated-account/${other}`, {
    unified_model_override: {
      'usage-metering': { users: { get: { side_load: { organization: { response_mapping: '{ "name": "Account " & response.name }' } } } } },
    },
  });
  assert.equal((await getUser(other)).body.organization.name, 'Account my-organization');
  assert.equal((await getUser(stack.accounts.neon)).body.organization.name, 'Env my-organization');
  await call('PATCH', `/integrated-account/${other}`, { unified_model_override: {} });

  const dup = await call('POST', '/environment-unified-model-resource-method', {
    unified_model: 'usage-metering',
    resource_name: 'users',
    integration_name: 'neon',
    method_name: 'get',
    config: {},
  });
  assert.equal(dup.status, 409);

  const listed = await call('GET', '/environment-unified-model-resource-method?integration_name=neon');
  assert.equal(listed.body.result.length, 1);

  const bad = await call('PATCH', `/environment-unified-model-resource-method/${created.body.id}`, { config: { response_mapping: '$$$(' } });
  assert.equal(bad.status, 400);

  assert.deepEqual((await call('DELETE', `/environment-unified-model-resource-method/${created.body.id}`)).body, { id: created.body.id });
  assert.equal((await getUser(stack.accounts.neon)).body.organization.name, 'my-organization');
});
