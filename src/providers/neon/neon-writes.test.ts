import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEFAULT_NEON_FIXTURE_IDS as IDS, DEFAULT_NEON_KEYS, DEFAULT_NEON_ORG_ID } from './simulator/index.ts';
import { schemaValidator } from '../../../test/helpers/schema.ts';
import { simulatorOrigin, startTestStack, type TestStack } from '../../../test/helpers/stack.ts';

const validUser = schemaValidator('usage-metering', 'users');
let stack: TestStack;
let sim: string;
const json = { 'content-type': 'application/json' };

before(async () => {
  stack = await startTestStack();
  sim = simulatorOrigin(stack.simulators.neon);
});
after(() => stack?.close());

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await stack.api(path, { method, headers: { ...json, ...headers }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

const users = (account: string, id?: string) => `/unified/usage-metering/users${id ? `/${id}` : ''}?integrated_account_id=${account}`;

async function simRequests(): Promise<{ method: string; path: string; body?: unknown }[]> {
  return ((await (await fetch(`${sim}/__sim/requests`)).json()) as { requests: [] }).requests;
}

async function newAccount(context: Record<string, unknown>, extra: Record<string, unknown> = {}, query = '') {
  const res = await call('POST', `/integrated-account${query}`, {
    tenant_id: 'writes-test',
    integration: 'neon',
    context,
    integration_override: { base_url: stack.simulators.neon },
    ...extra,
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

test('update changes a member role in the simulator and answers with the whole user', async () => {
  const res = await call('PATCH', users(stack.accounts.neon, IDS.editorMemberId), { roles: [{ id: 'viewer' }] });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.deepEqual(res.body.roles, [{ id: 'viewer', name: 'viewer' }]);
  assert.ok(res.body.name.includes('@'), 'the email comes back although Neon answers PATCH without it');
  assert.equal(validUser(res.body), null);
  const patch = (await simRequests()).filter((r) => r.method === 'PATCH').at(-1);
  assert.deepEqual(patch?.body, { role: 'viewer' });
  const read = await call('GET', users(stack.accounts.neon, IDS.editorMemberId));
  assert.equal(read.body.roles[0].id, 'viewer');
});

test('PUT is an alias of PATCH', async () => {
  const res = await call('PUT', users(stack.accounts.neon, IDS.editorMemberId), { roles: [{ id: 'editor' }] });
  assert.equal(res.status, 200);
  assert.equal(res.body.roles[0].id, 'editor');
});

test('create invites a user; a missing required field names it', async () => {
  const res = await call('POST', users(stack.accounts.neon), { emails: [{ email: 'Someone.New@example.com', is_primary: true }], roles: [{ id: 'member' }] });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.status, 'invited');
  assert.equal(res.body.organization.name, 'my-organization');
  assert.equal(validUser(res.body), null);
  const missing = await call('POST', users(stack.accounts.neon), { name: 'no email' });
  assert.equal(missing.status, 400);
  assert.deepEqual(missing.body.truto_error_insight.missing_required_body_fields.value, ['emails']);
});

test('delete removes a member and returns {id}', async () => {
  const res = await call('DELETE', users(stack.accounts.neon, IDS.viewerMemberId));
  assert.deepEqual(res.body, { id: IDS.viewerMemberId });
  assert.equal((await call('GET', users(stack.accounts.neon, IDS.viewerMemberId))).status, 404);
});

test('what the key may not do comes back as the remote 403', async () => {
  const orgKeyAccount = await newAccount({ api_key: DEFAULT_NEON_KEYS.org });
  const res = await call('DELETE', users(orgKeyAccount.id, IDS.collaboratorMemberId));
  assert.equal(res.status, 403);
  assert.equal(res.body.truto_is_remote_error, true);
  assert.deepEqual(res.body.truto_error_insight.forbidden_error.value, { missing_scopes: [] });
  assert.equal(typeof res.body.raw_response.request_id, 'string');
});

test('Idempotency-Key replays the first response and rejects a different body', async () => {
  const key = `idem-${Date.now()}`;
  const body = { emails: [{ email: 'idem@example.com' }] };
  const first = await call('POST', users(stack.accounts.neon), body, { 'idempotency-key': key });
  const invitesBefore = (await simRequests()).filter((r) => r.method === 'POST').length;
  const second = await call('POST', users(stack.accounts.neon), body, { 'idempotency-key': key });
  assert.equal(second.status, first.status);
  assert.deepEqual(second.body, first.body);
  assert.equal(second.headers.get('idempotent-replayed'), 'true');
  assert.equal((await simRequests()).filter((r) => r.method === 'POST').length, invitesBefore, 'the provider was not called again');
  const conflict = await call('POST', users(stack.accounts.neon), { emails: [{ email: 'other@example.com' }] }, { 'idempotency-key': key });
  assert.equal(conflict.status, 409);
  assert.equal(conflict.body.message, 'Idempotency-Key reused with a different request');
});

test('an is_sandbox account is read-only: writes get 405, reads work', async () => {
  const sandbox = await newAccount({ api_key: DEFAULT_NEON_KEYS.personal, org_id: DEFAULT_NEON_ORG_ID }, { is_sandbox: true });
  assert.equal((await call('GET', users(sandbox.id, IDS.adminMemberId))).status, 200);
  for (const [method, path] of [
    ['POST', users(sandbox.id)],
    ['PATCH', users(sandbox.id, IDS.adminMemberId)],
    ['DELETE', users(sandbox.id, IDS.adminMemberId)],
  ]) {
    const res = await call(method, path, method === 'DELETE' ? undefined : { roles: [{ id: 'admin' }] });
    assert.equal(res.status, 405, method);
    assert.equal(res.body.message, 'Sandbox integrated accounts are read-only');
  }
});

test('an org key discovers its organization once and stores it on the account', async () => {
  const account = await newAccount({ api_key: DEFAULT_NEON_KEYS.org });
  assert.equal(account.context.org_id, undefined);
  const res = await call('GET', users(account.id, IDS.adminMemberId));
  assert.equal(res.status, 200);
  const stored = await call('GET', `/integrated-account/${account.id}`);
  assert.equal(stored.body.context.org_id, DEFAULT_NEON_ORG_ID);
});

test('a personal key in several organizations is asked to choose one', async () => {
  const account = await newAccount({ api_key: DEFAULT_NEON_KEYS.personal });
  const res = await call('GET', users(account.id, IDS.adminMemberId));
  assert.equal(res.status, 400);
  assert.match(res.body.message, /can see 2 organizations .*set context.org_id/);
});

test('a revoked key makes the account needs_reauth; later calls do not reach the provider', async () => {
  // Kept on purpose: without the flag a refused connect is a 422 and no account exists to test.
  const account = await newAccount({ api_key: 'revoked-or-unknown-key', org_id: DEFAULT_NEON_ORG_ID }, {}, '?keep_on_validation_error=true');
  assert.equal(account.status, 'validation_error');
  const first = await call('GET', users(account.id, IDS.adminMemberId));
  assert.equal(first.status, 401);
  assert.equal(first.body.truto_is_remote_error, true);
  const later = await call('GET', users(account.id, IDS.adminMemberId));
  assert.deepEqual(later.body, {
    statusCode: 401,
    error: 'Unauthorized',
    message: 'Integrated account needs re-authentication',
    code: 'TESSERA_ACCOUNT_NEEDS_REAUTH',
  });
  const fixed = await call('PATCH', `/integrated-account/${account.id}`, { context: { api_key: DEFAULT_NEON_KEYS.personal } });
  assert.equal(fixed.body.status, 'active');
  assert.equal((await call('GET', users(account.id, IDS.adminMemberId))).status, 200);
});
