import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEFAULT_NEON_FIXTURE_IDS as IDS, DEFAULT_NEON_ORG_ID } from './simulator/index.ts';
import { simulatorOrigin, startTestStack, type TestStack } from '../../../test/helpers/stack.ts';

let stack: TestStack;
before(async () => {
  stack = await startTestStack();
});
after(() => stack?.close());

const q = () => `integrated_account_id=${stack.accounts.neon}`;

test('a proxy list pages with the native records in the list envelope', async () => {
  const seen: string[] = [];
  let cursor: string | null = '';
  let pages = 0;
  do {
    const res = await stack.api(`/proxy/members?${q()}&limit=10&next_cursor=${encodeURIComponent(cursor ?? '')}`);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { result: { member: { id: string } }[]; next_cursor: string | null; prev_cursor: null; result_count: number };
    assert.equal(body.prev_cursor, null);
    assert.equal(body.result_count, body.result.length);
    seen.push(...body.result.map((r) => r.member.id));
    cursor = body.next_cursor;
    pages++;
  } while (cursor);
  assert.ok(pages >= 3);
  assert.equal(new Set(seen).size, seen.length);
  assert.ok(seen.includes(IDS.adminMemberId));
});

test('native query parameters pass through; truto_* and integrated_account_id do not', async () => {
  const sim = simulatorOrigin(stack.simulators.neon);
  await fetch(`${sim}/__sim/requests`, { method: 'DELETE' });
  const res = await stack.api(`/proxy/members?${q()}&sort_by=email&sort_order=asc&truto_whatever=1&limit=5`);
  const body = (await res.json()) as { result: { user: { email: string } }[] };
  const emails = body.result.map((r) => r.user.email);
  assert.deepEqual(emails, [...emails].sort());
  const log = ((await (await fetch(`${sim}/__sim/requests`)).json()) as { requests: { path: string; query: Record<string, string> }[] }).requests;
  const sent = log.find((r) => r.path.endsWith('/members'))!;
  assert.equal(sent.query.sort_by, 'email');
  assert.equal(sent.query.limit, '5');
  assert.equal('truto_whatever' in sent.query, false);
  assert.equal('integrated_account_id' in sent.query, false);
});

test('a proxy get returns the provider body verbatim', async () => {
  const res = await stack.api(`/proxy/members/${IDS.adminMemberId}?${q()}`);
  assert.deepEqual(await res.json(), {
    id: IDS.adminMemberId,
    user_id: IDS.adminUserId,
    org_id: DEFAULT_NEON_ORG_ID,
    role: 'admin',
    joined_at: '2024-02-23T17:42:25Z',
  });
});

test('proxy errors are remote errors in the envelope; unknown resources are 404', async () => {
  const missing = await stack.api(`/proxy/members/00000000-0000-4000-8000-000000000000?${q()}`);
  assert.equal(missing.status, 404);
  const body = (await missing.json()) as Record<string, any>;
  assert.equal(body.truto_is_remote_error, true);
  assert.ok(missing.headers.get('x-neon-ret-request-id'));
  const unknown = await stack.api(`/proxy/projects?${q()}`);
  assert.equal(unknown.status, 404);
  assert.match(((await unknown.json()) as { message: string }).message, /Resource projects has no method list on integration neon/);
});

test('a proxy write reaches the provider', async () => {
  const res = await stack.api(`/proxy/members/${IDS.memberMemberId}?${q()}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ role: 'viewer' }),
  });
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { role: string }).role, 'viewer');
});

test('/custom forwards any path with the account authorization and passes the response through', async () => {
  const res = await stack.api(`/custom/organizations/${DEFAULT_NEON_ORG_ID}?${q()}`);
  assert.equal(res.status, 200);
  assert.equal(((await res.json()) as { name: string }).name, 'my-organization');
  const me = await stack.api(`/custom/users/me?${q()}`);
  assert.equal(me.status, 200);
  assert.equal(((await me.json()) as { email: string }).email, 'user1@email.com');
  const bad = await stack.api(`/custom/organizations/NOT_VALID?${q()}`);
  assert.equal(bad.status, 400);
  assert.equal(((await bad.json()) as { truto_is_remote_error: boolean }).truto_is_remote_error, true);
});

test('/custom never renders placeholders from the client path', async () => {
  const res = await stack.api(`/custom/organizations/%7B%7Bcontext.api_key%7D%7D?${q()}`);
  const text = await res.text();
  assert.equal(res.status, 400);
  assert.equal(text.includes('qhrafgl3'), false);
});
