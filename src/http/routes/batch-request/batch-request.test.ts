import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_NEON_BIG_ORG_ID, DEFAULT_NEON_KEYS, DEFAULT_NEON_ORG_ID } from '../../../providers/neon/simulator/index.ts';
import { MAX_RESOURCES } from '../../../services/batch/plan.ts';
import { MAX_PAGES } from '../../../services/batch/run.ts';
import { ensureEnvironment, issueApiToken } from '../../../services/tokens.ts';
import { simulatorOrigin, startTestStack, type TestStack } from '../../../../test/helpers/stack.ts';

type Envelope = { statusCode: number; error: string; message: string; code: string; details?: { failures: { path: string; message: string }[] } };
type BatchAnswer = { result: Record<string, unknown>; errors: Record<string, Envelope>; truncated?: Record<string, true> };
type User = { id: string; name: string; emails: { email: string }[]; remote_data?: { member?: { id: string } } };

let stack: TestStack;
let neon: string;
let sim: string;
const json = { 'content-type': 'application/json' };

async function batch(body: unknown, token?: string): Promise<{ status: number; body: BatchAnswer & Envelope }> {
  const init = { method: 'POST', headers: json, body: JSON.stringify(body) };
  const res = token
    ? await fetch(`${stack.apiUrl}/batch-request`, { ...init, headers: { ...json, authorization: `Bearer ${token}` } })
    : await stack.api('/batch-request', init);
  return { status: res.status, body: (await res.json()) as BatchAnswer & Envelope };
}

async function simRequests(): Promise<{ method: string; path: string }[]> {
  return ((await (await fetch(`${sim}/__sim/requests`)).json()) as { requests: { method: string; path: string }[] }).requests;
}

/** Every user, page by page through /unified, to compare with what the batch collected. */
async function allUsers(account: string): Promise<User[]> {
  const out: User[] = [];
  let cursor = '';
  do {
    const res = await stack.api(`/unified/usage-metering/users?integrated_account_id=${account}&limit=10&next_cursor=${encodeURIComponent(cursor)}`);
    const page = (await res.json()) as { result: User[]; next_cursor: string | null };
    out.push(...page.result);
    cursor = page.next_cursor ?? '';
  } while (cursor);
  return out;
}

before(async () => {
  stack = await startTestStack();
  sim = simulatorOrigin(stack.simulators.neon);
  neon = await stack.connect('neon', { context: { api_key: DEFAULT_NEON_KEYS.personal, org_id: DEFAULT_NEON_ORG_ID } });
});
after(() => stack?.close());

describe('POST /batch-request', () => {
  test('independent unified and proxy lists run to the end; dependants run per record and per loop_on element', async () => {
    const users = await allUsers(neon);
    const orgs = ((await (await stack.api(`/proxy/organizations?integrated_account_id=${neon}`)).json()) as { result: { id: string }[] }).result;
    const members = users.filter((u) => u.remote_data?.member).map((u) => u.remote_data!.member!.id);
    assert.ok(users.length > 10 && orgs.length >= 2 && members.length >= 2, 'the seed has several pages of users, several organizations, members');

    const res = await batch({
      integrated_account_id: neon,
      resources: [
        { resource: 'usage-metering/users', method: 'list', query: { limit: 10 } },
        { resource: 'organizations', method: 'list' },
        { name: 'organization', resource: 'organizations', method: 'get', depends_on: 'organizations', id: '{{resources.organizations.id}}' },
        {
          name: 'memberships',
          resource: 'members',
          method: 'get',
          depends_on: 'usage-metering/users',
          loop_on: '{{resources.usage-metering.users.remote_data.member}}',
          id: '{{loop.id}}',
        },
      ],
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.errors, {});
    assert.equal(res.body.truncated, undefined);
    // Four pages of ten followed to the end: the same users, in the same order, as paging /unified.
    assert.deepEqual(
      (res.body.result['usage-metering/users'] as User[]).map((u) => u.id),
      users.map((u) => u.id),
    );
    assert.deepEqual(
      (res.body.result.organizations as { id: string }[]).map((o) => o.id),
      orgs.map((o) => o.id),
    );
    // Once per organization record, in order: the proxy get's upstream body.
    assert.deepEqual(
      (res.body.result.organization as { id: string }[]).map((o) => o.id),
      orgs.map((o) => o.id),
    );
    // loop_on: once per user that is a member (invitations have no member, so run nothing).
    assert.deepEqual(
      (res.body.result.memberships as { id: string }[]).map((m) => m.id),
      members,
    );
  });

  test('response_format raw and normalized, args placeholders, and persist: false', async () => {
    const [first] = await allUsers(neon);
    const res = await batch({
      integrated_account_id: neon,
      args: { user: first.id },
      resources: [
        { name: 'raw', resource: 'usage-metering/users', method: 'get', id: '{{args.user}}', response_format: 'raw' },
        { name: 'normalized', resource: 'usage-metering/users', method: 'get', id: '{{args.user}}', response_format: 'normalized' },
        { name: 'hidden', resource: 'usage-metering/users', method: 'get', id: '{{args.user}}', persist: false },
        { name: 'after-hidden', resource: 'usage-metering/users', method: 'get', depends_on: 'hidden', id: '{{resources.hidden.id}}' },
      ],
    });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(res.body.errors, {});
    const raw = res.body.result.raw as { member: { id: string } };
    assert.equal(raw.member.id, first.id, 'raw is the remote data');
    const normalized = res.body.result.normalized as Record<string, unknown>;
    assert.equal(normalized.id, first.id);
    assert.ok('emails' in normalized && 'status' in normalized);
    assert.equal('hidden' in res.body.result, false, 'persist: false leaves it out of result');
    assert.deepEqual(
      (res.body.result['after-hidden'] as User[]).map((u) => u.id),
      [first.id],
      'but its dependants still see it',
    );
  });

  test('one failing resource never fails the others; its dependants are skipped with 424 naming it', async () => {
    await fetch(`${sim}/__sim/faults`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ method: 'GET', path: '/api/v2/users/me/organizations', status: 500, count: 10, body: { message: 'boom' } }),
    });
    try {
      const res = await batch({
        integrated_account_id: neon,
        resources: [
          { resource: 'organizations', method: 'list' },
          { name: 'organization', resource: 'organizations', method: 'get', depends_on: 'organizations', id: '{{resources.organizations.id}}' },
          { resource: 'no_such_resource', method: 'list' },
          { resource: 'usage-metering/no-such', method: 'list' },
          { name: 'keyed', resource: 'usage-metering/users', method: 'list', query: { truto_key_by: 'id' } },
          { resource: 'usage-metering/users', method: 'list' },
        ],
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(Object.keys(res.body.result), ['usage-metering/users']);
      assert.ok((res.body.result['usage-metering/users'] as unknown[]).length > 0);
      assert.equal(res.body.errors.organizations.statusCode, 500);
      assert.equal(res.body.errors.organizations.code, 'TESSERA_REMOTE_ERROR');
      assert.equal(res.body.errors.organization.statusCode, 424);
      assert.equal(res.body.errors.organization.code, 'TESSERA_BATCH_DEPENDENCY_FAILED');
      assert.match(res.body.errors.organization.message, /depends on organizations, which failed \(500/);
      assert.equal(res.body.errors.no_such_resource.code, 'TESSERA_METHOD_NOT_SUPPORTED');
      assert.equal(res.body.errors['usage-metering/no-such'].code, 'TESSERA_UNKNOWN_MODEL');
      assert.match(res.body.errors.keyed.message, /truto_key_by is not supported in a batch/);
    } finally {
      await fetch(`${sim}/__sim/faults`, { method: 'DELETE' });
    }
  });

  test('a write runs once: a 503 from the provider is reported, not retried', async () => {
    await fetch(`${sim}/__sim/requests`, { method: 'DELETE' });
    await fetch(`${sim}/__sim/faults`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ method: 'POST', path: '/api/v2/organizations/*/invitations', status: 503, count: 1 }),
    });
    try {
      const res = await batch({
        integrated_account_id: neon,
        resources: [{ resource: 'usage-metering/users', method: 'create', body: { emails: [{ email: 'batch-once@example.com' }] } }],
      });
      assert.equal(res.status, 200);
      assert.equal(res.body.errors['usage-metering/users'].statusCode, 503);
      const posts = (await simRequests()).filter((r) => r.method === 'POST');
      assert.equal(posts.length, 1, 'the provider saw the write once');
      const again = await batch({
        integrated_account_id: neon,
        resources: [{ resource: 'usage-metering/users', method: 'create', body: JSON.stringify({ emails: [{ email: 'batch-once@example.com' }] }) }],
      });
      assert.deepEqual(again.body.errors, {});
      assert.equal((again.body.result['usage-metering/users'] as { status: string }).status, 'invited', 'a JSON string body is read as JSON');
    } finally {
      await fetch(`${sim}/__sim/faults`, { method: 'DELETE' });
    }
  });

  test('an Idempotency-Key makes a retried batch replay its answer: the write reaches the provider once', async () => {
    await fetch(`${sim}/__sim/requests`, { method: 'DELETE' });
    const body = JSON.stringify({
      integrated_account_id: neon,
      resources: [{ resource: 'usage-metering/users', method: 'create', body: { emails: [{ email: 'batch-idempotent@example.com' }] } }],
    });
    const send = () => stack.api('/batch-request', { method: 'POST', headers: { ...json, 'idempotency-key': 'batch-retry-1' }, body });
    const first = await send();
    const firstBody = await first.text();
    assert.equal(first.status, 200, firstBody);
    const second = await send();
    assert.equal(second.status, 200);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.equal(await second.text(), firstBody);
    const posts = (await simRequests()).filter((r) => r.method === 'POST');
    assert.equal(posts.length, 1, 'the provider saw the invitation once');
  });

  test(`lists stop at ${MAX_PAGES} pages and say so under truncated`, async () => {
    const big = await stack.connect('neon', { context: { api_key: DEFAULT_NEON_KEYS.personal, org_id: DEFAULT_NEON_BIG_ORG_ID } });
    const res = await batch({ integrated_account_id: big, resources: [{ resource: 'members', method: 'list', query: { limit: 5 } }] });
    assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 500));
    assert.equal((res.body.result.members as unknown[]).length, MAX_PAGES * 5);
    assert.deepEqual(res.body.truncated, { members: true });
  });

  test('the exact request of Truto’s TS SDK (batchRequest.create) is answered', async () => {
    // apiClient.create('batch-request', body): POST /batch-request? with an empty query string.
    const res = await fetch(`${stack.apiUrl}/batch-request?`, {
      method: 'POST',
      headers: { Accept: 'application/json', Authorization: `Bearer ${stack.token}`, 'User-Agent': 'truto-ts-sdk/2.0.12', 'Content-Type': 'application/json' },
      body: JSON.stringify({
        integrated_account_id: neon,
        resources: [
          { resource: 'usage-metering/users', method: 'list', query: { limit: 50 } },
          { resource: 'organizations', method: 'list' },
        ],
      }),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /application\/json/);
    const body = (await res.json()) as BatchAnswer;
    assert.deepEqual(Object.keys(body).sort(), ['errors', 'result']);
    assert.ok(Array.isArray(body.result['usage-metering/users']));
    assert.ok(Array.isArray(body.result.organizations));
  });

  describe('validation: a 400 before any call runs', () => {
    const cases: [string, unknown, RegExp][] = [
      [
        'a cycle',
        {
          resources: [
            { name: 'a', resource: 'organizations', method: 'list', depends_on: 'b' },
            { name: 'b', resource: 'organizations', method: 'list', depends_on: 'a' },
            { name: 'c', resource: 'organizations', method: 'list' },
          ],
        },
        /cycle: a → b → a/,
      ],
      ['a dependency on itself', { resources: [{ name: 'a', resource: 'organizations', method: 'list', depends_on: 'a' }] }, /cycle: a → a/],
      [
        'an unknown dependency',
        {
          resources: [
            { resource: 'organizations', method: 'list' },
            { resource: 'members', method: 'list', depends_on: 'nothing' },
          ],
        },
        /depends on "nothing", which no resource in this batch is/,
      ],
      [
        'too many resources',
        { resources: Array.from({ length: MAX_RESOURCES + 1 }, (_, i) => ({ name: `r${i}`, resource: 'organizations', method: 'list' })) },
        new RegExp(`at most ${MAX_RESOURCES}`),
      ],
      [
        'two resources with one key',
        {
          resources: [
            { resource: 'organizations', method: 'list' },
            { resource: 'organizations', method: 'get', id: 'x' },
          ],
        },
        /already has the key "organizations"/,
      ],
      ['loop_on without depends_on', { resources: [{ resource: 'members', method: 'list', loop_on: '{{x}}' }] }, /set depends_on too/],
      ['a sync-job transform node', { resources: [{ name: 't', type: 'transform', config: {} }] }, /for sync jobs/],
      ['an unknown field', { resources: [{ resource: 'members', method: 'list', colour: 'red' }] }, /resources\.0/],
      ['a resource path with two slashes', { resources: [{ resource: 'usage-metering/users/x', method: 'list' }] }, /model\/resource/],
      ['no resources', { resources: [] }, /at least one resource/],
      ['an unknown response_format', { resources: [{ resource: 'members', method: 'list', response_format: 'stream' }] }, /response_format/],
    ];
    for (const [what, body, message] of cases) {
      test(what, async () => {
        await fetch(`${sim}/__sim/requests`, { method: 'DELETE' });
        const res = await batch({ integrated_account_id: neon, ...(body as object) });
        assert.equal(res.status, 400, JSON.stringify(res.body));
        assert.equal(res.body.code, 'TESSERA_VALIDATION_FAILED');
        assert.match(res.body.message, message);
        assert.ok(res.body.details!.failures.length > 0);
        assert.deepEqual(await simRequests(), [], 'nothing reached the provider');
      });
    }
    test('a body that is not the batch shape', async () => {
      assert.equal((await batch({ resources: [{ resource: 'members', method: 'list' }] })).status, 400);
      assert.equal((await batch({ integrated_account_id: 'not-a-uuid', resources: [{ resource: 'members', method: 'list' }] })).status, 400);
      const res = await stack.api('/batch-request', { method: 'POST', headers: json, body: '{"integrated_account_id":' });
      assert.equal(res.status, 400);
    });
  });

  test("another environment's account, and an unknown one, are 404 for the whole batch", async () => {
    const env = await ensureEnvironment(stack.services.store, 'batch-other');
    const { token } = await issueApiToken(stack.services.store, env.id, 'batch-other');
    const other = await batch({ integrated_account_id: neon, resources: [{ resource: 'organizations', method: 'list' }] }, token);
    assert.equal(other.status, 404);
    assert.equal(other.body.code, 'TESSERA_ACCOUNT_NOT_FOUND');
    const unknown = await batch({ integrated_account_id: '00000000-0000-4000-8000-000000000000', resources: [{ resource: 'organizations', method: 'list' }] });
    assert.equal(unknown.status, 404);
  });

  test('an integrated-account token is refused (403): batch is an API-token route', async (t) => {
    const issued = await stack.api('/integrated-account/token', { method: 'POST', headers: json, body: JSON.stringify({ integrated_account_id: neon }) });
    // POST /integrated-account/token is another change's route: without it there is no token to try.
    if (issued.status !== 200) return t.skip(`POST /integrated-account/token answered ${issued.status}`);
    const { integrated_account_token: token } = (await issued.json()) as { integrated_account_token: string };
    const res = await batch({ integrated_account_id: neon, resources: [{ resource: 'organizations', method: 'list' }] }, token);
    assert.equal(res.status, 403);
  });
});

describe('POST /batch-request under the per-account rate limit', () => {
  let limited: TestStack;
  before(async () => {
    limited = await startTestStack({ TESSERA_RATE_LIMIT_ACCOUNT: '3' });
  });
  after(() => limited?.close());

  test('each call counts against the account, as /unified and /proxy calls do; calls over it fail with 429', async () => {
    const account = limited.accounts.neon;
    const res = await limited.api('/batch-request', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        integrated_account_id: account,
        resources: ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name, resource: 'organizations', method: 'list' })),
      }),
    });
    const body = (await res.json()) as BatchAnswer;
    assert.equal(res.status, 200);
    assert.equal(Object.keys(body.result).length, 3, JSON.stringify(body.errors));
    assert.equal(Object.keys(body.errors).length, 2);
    for (const e of Object.values(body.errors)) assert.equal(e.statusCode, 429);
    const after = await limited.api(`/proxy/organizations?integrated_account_id=${account}`);
    assert.equal(after.status, 429, 'the batch used up the window for the data plane too');
  });
});
