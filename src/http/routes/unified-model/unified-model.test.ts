import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { UNIFIED_MODELS } from '../../../models/index.ts';
import { startTestStack, type TestStack } from '../../../../test/helpers/stack.ts';

let stack: TestStack;
before(async () => {
  stack = await startTestStack();
});
after(() => stack?.close());

const get = async (path: string) => {
  const res = await stack.api(path);
  return { status: res.status, body: (await res.json()) as Record<string, any> };
};

test('GET /unified-model lists the bundled models in the list envelope', async () => {
  const res = await get('/unified-model');
  assert.equal(res.status, 200);
  assert.deepEqual(Object.keys(res.body).sort(), ['limit', 'next_cursor', 'result']);
  assert.deepEqual(
    res.body.result.map((m: { id: string }) => m.id),
    Object.keys(UNIFIED_MODELS),
  );
  const model = res.body.result[0];
  assert.equal(model.name, 'usage-metering');
  assert.equal(typeof model.description, 'string');
  assert.deepEqual(Object.keys(model.resources).sort(), Object.keys(UNIFIED_MODELS['usage-metering'].resources).sort());
  const users = model.resources.users;
  assert.deepEqual(users.methods, ['list', 'get', 'create', 'update', 'delete']);
  assert.equal(users.schema.title, 'UsageMeteringUser');
  assert.ok(model.integrations.includes('neon'));
});

test('GET /unified-model/{id} by name; unknown and inherited names are 404', async () => {
  const one = await get('/unified-model/usage-metering');
  assert.equal(one.status, 200);
  assert.equal(one.body.id, 'usage-metering');
  for (const name of ['nosuch', 'constructor', '__proto__']) {
    const res = await get(`/unified-model/${name}`);
    assert.equal(res.status, 404, name);
    assert.equal(res.body.code, 'TESSERA_UNKNOWN_MODEL');
  }
});

test('filters in every form; unknown filters are 400', async () => {
  assert.equal((await get('/unified-model?name=usage-metering')).body.result.length, 1);
  assert.equal((await get('/unified-model?id[0]=usage-metering')).body.result.length, 1);
  assert.equal((await get('/unified-model?name[]=crm')).body.result.length, 0);
  assert.equal((await get('/unified-model?name[nin]=usage-metering')).body.result.length, 0);
  assert.equal((await get('/unified-model?team_id=x')).status, 400);
});
