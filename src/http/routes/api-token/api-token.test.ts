import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ensureEnvironment, issueApiToken } from '../../../services/tokens.ts';
import { startTestStack, type TestStack } from '../../../../test/helpers/stack.ts';

let stack: TestStack;
let envId: string;
let adminId: string;
let other: { id: string; tokenId: string };
before(async () => {
  stack = await startTestStack();
  envId = (await stack.services.store.findEnvironmentByName('sandbox'))!.id;
  adminId = (await stack.services.store.listApiTokens({ environment_id: envId, limit: 10 }))[0].id;
  const env = await ensureEnvironment(stack.services.store, 'elsewhere');
  other = { id: env.id, tokenId: (await issueApiToken(stack.services.store, env.id, 'theirs')).record.id };
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
const FIELDS = ['created_at', 'created_by', 'environment_id', 'expires_at', 'id', 'name', 'role', 'updated_at'];

test('POST /api-token returns the secret once; GET and the list never show it nor the hash', async () => {
  const created = await call('POST', '/api-token', { name: 'ci' });
  assert.equal(created.status, 200, JSON.stringify(created.body));
  assert.deepEqual(Object.keys(created.body).sort(), [...FIELDS, 'token'].sort());
  assert.match(created.body.token, /^tsk_/);
  assert.equal(created.body.role, 'standard');
  assert.equal(created.body.created_by, adminId);
  assert.equal(created.body.environment_id, envId);
  assert.equal(created.body.expires_at, null);
  const got = await call('GET', `/api-token/${created.body.id}`);
  assert.deepEqual(Object.keys(got.body).sort(), FIELDS);
  const list = await call('GET', '/api-token');
  assert.deepEqual(Object.keys(list.body).sort(), ['limit', 'next_cursor', 'result']);
  assert.equal(list.body.limit, 5000);
  for (const t of list.body.result) assert.deepEqual(Object.keys(t).sort(), FIELDS);
  assert.ok(!JSON.stringify(list.body).includes(created.body.token));
  // The new token works, and is standard.
  assert.equal((await call('GET', '/environment', undefined, created.body.token)).status, 200);
});

test('only an admin token creates or deletes tokens; a standard one gets 403 saying so', async () => {
  const standard = (await call('POST', '/api-token', { name: 'std', role: 'standard' })).body;
  const refused = await call('POST', '/api-token', { name: 'nope' }, standard.token);
  assert.equal(refused.status, 403);
  assert.match(refused.body.message, /Only an admin API token can create API tokens/);
  const refusedDelete = await call('DELETE', `/api-token/${standard.id}`, undefined, standard.token);
  assert.equal(refusedDelete.status, 403);
  assert.match(refusedDelete.body.message, /admin/);
  // It may still read them.
  assert.equal((await call('GET', '/api-token', undefined, standard.token)).status, 200);
  const admin = (await call('POST', '/api-token', { name: 'adm', role: 'admin' })).body;
  assert.equal(admin.role, 'admin');
  const made = await call('POST', '/api-token', { name: 'by-admin' }, admin.token);
  assert.equal(made.status, 200);
  assert.equal(made.body.created_by, admin.id);
  assert.equal((await call('POST', '/api-token', { name: 'x', role: 'integrated_account' })).status, 400);
});

test('expires_at: a past or malformed one is 400; an expired token gets a clear 401', async () => {
  const past = await call('POST', '/api-token', { name: 'old', expires_at: '2020-01-01T00:00:00Z' });
  assert.equal(past.status, 400);
  assert.match(past.body.message, /expires_at must be in the future/);
  assert.equal((await call('POST', '/api-token', { name: 'bad', expires_at: 'tomorrow' })).status, 400);
  const soon = new Date(Date.now() + 1500);
  const made = await call('POST', '/api-token', { name: 'soon', expires_at: soon.toISOString().replace('Z', '+00:00') });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  assert.equal(made.body.expires_at, soon.toISOString());
  await new Promise((r) => setTimeout(r, 1600));
  const expired = await call('GET', '/environment', undefined, made.body.token);
  assert.equal(expired.status, 401);
  assert.match(expired.body.message, /expired at/);
});

test('DELETE /api-token/{id} returns {id}; deleting the token in use is allowed and the next call gets 401', async () => {
  const victim = (await call('POST', '/api-token', { name: 'victim' })).body;
  assert.deepEqual((await call('DELETE', `/api-token/${victim.id}`)).body, { id: victim.id });
  assert.equal((await call('GET', `/api-token/${victim.id}`)).status, 404);
  const self = (await call('POST', '/api-token', { name: 'self', role: 'admin' })).body;
  assert.deepEqual((await call('DELETE', `/api-token/${self.id}`, undefined, self.token)).body, { id: self.id });
  assert.equal((await call('GET', '/api-token', undefined, self.token)).status, 401);
});

test('another environment’s tokens and integrated-account tokens are 404 and never listed', async () => {
  assert.equal((await call('GET', `/api-token/${other.tokenId}`)).status, 404);
  assert.equal((await call('DELETE', `/api-token/${other.tokenId}`)).status, 404);
  assert.deepEqual((await call('GET', `/api-token?environment_id=${other.id}`)).body.result, []);
  const account = await issueApiToken(stack.services.store, envId, 'acct', { role: 'integrated_account', integrated_account_id: stack.accounts.neon });
  assert.equal((await call('GET', `/api-token/${account.record.id}`)).status, 404);
  assert.equal((await call('DELETE', `/api-token/${account.record.id}`)).status, 404);
  const ids = (await call('GET', '/api-token')).body.result.map((t: { id: string }) => t.id);
  assert.ok(!ids.includes(account.record.id));
  assert.ok(!ids.includes(other.tokenId));
});

test('filters in every form, and paging with limit and next_cursor', async () => {
  for (const n of ['page-a', 'page-b', 'page-c']) await call('POST', '/api-token', { name: n });
  assert.deepEqual(
    (await call('GET', '/api-token?name=page-b')).body.result.map((t: { name: string }) => t.name),
    ['page-b'],
  );
  for (const q of ['name[]=page-a&name[]=page-c', 'name[0]=page-a&name[1]=page-c', 'name[in]=page-a,page-c'])
    assert.deepEqual(
      (await call('GET', `/api-token?${q}`)).body.result.map((t: { name: string }) => t.name),
      ['page-a', 'page-c'],
      q,
    );
  assert.ok(!(await call('GET', '/api-token?name[nin]=page-a')).body.result.some((t: { name: string }) => t.name === 'page-a'));
  assert.equal((await call('GET', `/api-token?environment_id=${envId}&name=page-a`)).body.result.length, 1);
  assert.equal((await call('GET', '/api-token?role=admin')).status, 400);
  assert.equal((await call('GET', '/api-token?limit=5001')).status, 400);
  const all = (await call('GET', '/api-token')).body.result.map((t: { id: string }) => t.id);
  const seen: string[] = [];
  let cursor = '';
  for (let i = 0; i < 50; i++) {
    const page = await call('GET', `/api-token?limit=2&next_cursor=${encodeURIComponent(cursor)}`);
    assert.ok(page.body.result.length <= 2);
    seen.push(...page.body.result.map((t: { id: string }) => t.id));
    if (!page.body.next_cursor) break;
    cursor = page.body.next_cursor;
  }
  assert.deepEqual(seen, all);
  assert.equal((await call('GET', '/api-token?next_cursor=forged')).status, 400);
});
