import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestStack, type TestStack } from '../../../test/helpers/stack.ts';
import { Tessera, TesseraError } from '../src/index.ts';

/** The platform resources of the SDK against a real Tessera over a socket. */
let stack: TestStack;
let tessera: Tessera;
before(async () => {
  stack = await startTestStack();
  tessera = new Tessera({ token: stack.token, baseUrl: stack.apiUrl, retry: false });
});
after(() => stack?.close());

test('environment: list, get, update', async () => {
  const [env] = await tessera.environment.list().toArray();
  assert.equal(env.name, 'sandbox');
  assert.equal((await tessera.environment.get(env.id)).id, env.id);
  assert.equal((await tessera.environment.update(env.id, { name: 'renamed' })).name, 'renamed');
  await tessera.environment.update(env.id, { name: 'sandbox' });
});

test('apiToken: create shows the secret once, list and get never; delete', async () => {
  const made = await tessera.apiToken.create({ name: 'sdk', expires_at: new Date(Date.now() + 3_600_000), role: 'standard' });
  assert.match(made.token, /^tsk_/);
  assert.equal(made.role, 'standard');
  const listed = await tessera.apiToken.list({ name: 'sdk' }).toArray();
  assert.deepEqual(
    listed.map((t) => t.id),
    [made.id],
  );
  assert.equal('token' in (await tessera.apiToken.get(made.id)), false);
  const standard = new Tessera({ token: made.token, baseUrl: stack.apiUrl });
  await assert.rejects(standard.apiToken.create({ name: 'nope' }), (e: unknown) => e instanceof TesseraError && e.statusCode === 403);
  assert.deepEqual(await tessera.apiToken.delete(made.id), { id: made.id });
});

test('environmentIntegration: create (install), list, get, update, delete; unifiedModel: list, get', async () => {
  const ei = await tessera.environmentIntegration.create({ integration_id: 'openai', is_enabled: true });
  assert.equal(ei.integration_id, 'openai');
  assert.ok((await tessera.environmentIntegration.list({ integration_id: ['openai'] }).toArray()).some((x) => x.id === ei.id));
  assert.equal((await tessera.environmentIntegration.get(ei.id)).id, ei.id);
  assert.equal((await tessera.environmentIntegration.update(ei.id, { show_in_catalog: false })).show_in_catalog, false);
  assert.deepEqual(await tessera.environmentIntegration.delete(ei.id), { id: ei.id });
  await tessera.environmentIntegration.create({ integration_id: 'openai' });
  const models = await tessera.unifiedModel.list().toArray();
  assert.ok(models.some((m) => m.id === 'usage-metering'));
  assert.ok((await tessera.unifiedModel.get('usage-metering')).resources.users);
});
