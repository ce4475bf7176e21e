import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ensureEnvironment, issueApiToken } from '../../../services/tokens.ts';
import { startTestStack, type TestStack } from '../../../../test/helpers/stack.ts';

let stack: TestStack;
let mine: string;
let theirs: { id: string; token: string };
before(async () => {
  stack = await startTestStack();
  mine = (await stack.services.store.findEnvironmentByName('sandbox'))!.id;
  const env = await ensureEnvironment(stack.services.store, 'other-env');
  theirs = { id: env.id, token: (await issueApiToken(stack.services.store, env.id, 'other')).token };
});
after(() => stack?.close());

async function call(method: string, path: string, body?: unknown, token = stack.token) {
  const res = await fetch(stack.apiUrl + path, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

test('GET /environment lists the caller’s environment only, in the list envelope', async () => {
  const res = await call('GET', '/environment');
  assert.equal(res.status, 200);
  assert.deepEqual(Object.keys(res.body).sort(), ['limit', 'next_cursor', 'result']);
  assert.equal(res.body.result.length, 1);
  assert.deepEqual(Object.keys(res.body.result[0]).sort(), ['created_at', 'id', 'name', 'team_id', 'updated_at']);
  assert.equal(res.body.result[0].id, mine);
  assert.equal(res.body.result[0].team_id, null);
  assert.equal(res.body.next_cursor, null);
  const other = await call('GET', '/environment', undefined, theirs.token);
  assert.deepEqual(
    other.body.result.map((e: { id: string }) => e.id),
    [theirs.id],
  );
});

test('filters: another environment’s id yields nothing; unknown filters are 400', async () => {
  assert.deepEqual((await call('GET', `/environment?id=${theirs.id}`)).body.result, []);
  assert.equal((await call('GET', `/environment?id[]=${mine}`)).body.result.length, 1);
  assert.equal((await call('GET', '/environment?name[0]=sandbox')).body.result.length, 1);
  const bad = await call('GET', '/environment?colour=red');
  assert.equal(bad.status, 400);
  assert.match(bad.body.message, /has no filter colour/);
});

test('GET /environment/{id}: own → 200, another’s or a non-UUID → 404', async () => {
  assert.equal((await call('GET', `/environment/${mine}`)).body.name, 'sandbox');
  assert.equal((await call('GET', `/environment/${theirs.id}`)).status, 404);
  assert.equal((await call('GET', '/environment/not-a-uuid')).status, 404);
});

test('PATCH /environment/{id} renames; blank, over-long and taken names are refused clearly', async () => {
  const renamed = await call('PATCH', `/environment/${theirs.id}`, { name: 'renamed-env' }, theirs.token);
  assert.equal(renamed.status, 200, JSON.stringify(renamed.body));
  assert.equal(renamed.body.name, 'renamed-env');
  assert.ok(renamed.body.updated_at >= renamed.body.created_at);
  assert.equal((await call('PATCH', `/environment/${theirs.id}`, { name: 'x' })).status, 404);
  const empty = await call('PATCH', `/environment/${mine}`, { name: '' });
  assert.equal(empty.status, 400);
  assert.match(empty.body.message, /name/);
  assert.equal((await call('PATCH', `/environment/${mine}`, { name: '   ' })).status, 400);
  assert.equal((await call('PATCH', `/environment/${mine}`, { name: 'x'.repeat(256) })).status, 400);
  assert.equal((await call('PATCH', `/environment/${mine}`, { name: 'ok', team_id: 'x' })).status, 400);
  const taken = await call('PATCH', `/environment/${mine}`, { name: 'renamed-env' });
  assert.equal(taken.status, 409);
  assert.match(taken.body.message, /already exists; choose another name/);
  assert.equal((await call('GET', `/environment/${mine}`)).body.name, 'sandbox');
});
