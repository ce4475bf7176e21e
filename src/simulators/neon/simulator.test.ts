import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stringify as toYaml } from 'yaml';
import {
  DEFAULT_NEON_BIG_ORG_ID,
  DEFAULT_NEON_BIG_ORG_MEMBER_COUNT,
  DEFAULT_NEON_EXTRA_KEYS,
  DEFAULT_NEON_FIXTURE_IDS as IDS,
  DEFAULT_NEON_HIDDEN_ORG_ID,
  DEFAULT_NEON_KEYS,
  DEFAULT_NEON_ORG_ID,
  defaultNeonSeed,
  generateNeonSeed,
  parseNeonSeed,
  startNeonSimulator,
  type NeonSeed,
  type NeonSimulator,
} from './index.ts';
import { simRequest, type SimResponse } from './sim-client.ts';

const ORG = DEFAULT_NEON_ORG_ID;
const BIG = DEFAULT_NEON_BIG_ORG_ID;
const PERSONAL = DEFAULT_NEON_KEYS.personal;
const ORG_KEY = DEFAULT_NEON_KEYS.org;
const PROJECT = DEFAULT_NEON_KEYS.project;
const NON_ADMIN = DEFAULT_NEON_EXTRA_KEYS.nonAdminPersonal;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface MemberWithUser {
  member: { id: string; user_id: string; org_id: string; role: string; joined_at?: string };
  user: { email: string; has_mfa?: boolean; deactivated_at?: string };
}
interface MembersPage {
  members: MemberWithUser[];
  pagination?: { next?: string; sort_by?: string; sort_order?: string };
}

function assertNeonError(res: SimResponse, status: number, message?: string | RegExp): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  assert.deepEqual(Object.keys(res.body).sort(), ['code', 'message', 'request_id']);
  assert.equal(res.body.code, '');
  if (typeof message === 'string') assert.equal(res.body.message, message);
  else if (message) assert.match(res.body.message, message);
  assert.equal(res.body.request_id, res.requestId, 'request_id defaults to the response header id');
}

/** Follows `pagination.next` to the end; fails on a repeated cursor or a runaway scan. */
async function scanMembers(sim: NeonSimulator, orgId: string, query: Record<string, string>, key = PERSONAL) {
  const members: MemberWithUser[] = [];
  const pages: MembersPage[] = [];
  const cursors = new Set<string>();
  let cursor: string | undefined;
  for (let i = 0; i < 100; i++) {
    const params = new URLSearchParams({ ...query, ...(cursor ? { cursor } : {}) });
    const res = await simRequest<MembersPage>(`${sim.baseUrl}/organizations/${orgId}/members?${params}`, { key });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    pages.push(res.body);
    members.push(...res.body.members);
    cursor = res.body.pagination?.next;
    if (!cursor) return { members, pages };
    assert.ok(!cursors.has(cursor), 'cursor repeated');
    cursors.add(cursor);
  }
  throw new Error('paging did not terminate');
}

/** Checks that `members` is ordered as Neon documents: by key in the given direction, missing joined_at last, ties by id. */
function assertOrdered(members: MemberWithUser[], sortBy: string, sortOrder: string): void {
  const dir = sortOrder === 'asc' ? 1 : -1;
  const key = (m: MemberWithUser): string | number | undefined =>
    sortBy === 'email' ? m.user.email.toLowerCase() : sortBy === 'role' ? m.member.role : m.member.joined_at ? Date.parse(m.member.joined_at) : undefined;
  for (let i = 1; i < members.length; i++) {
    const a = members[i - 1];
    const b = members[i];
    const ka = key(a);
    const kb = key(b);
    const where = `at ${i} (${sortBy} ${sortOrder}): ${JSON.stringify(a)} then ${JSON.stringify(b)}`;
    if (ka === undefined) {
      assert.equal(kb, undefined, `missing joined_at must sort last ${where}`);
      assert.ok((a.member.id < b.member.id ? -1 : 1) * dir < 0, `tie-break by id ${where}`);
    } else if (kb !== undefined && ka === kb) {
      assert.ok((a.member.id < b.member.id ? -1 : 1) * dir < 0, `tie-break by id ${where}`);
    } else if (kb !== undefined) {
      assert.ok((ka < kb ? -1 : 1) * dir < 0, `order ${where}`);
    }
  }
}

describe('neon simulator: keys and identity', () => {
  let sim: NeonSimulator;
  before(async () => {
    sim = await startNeonSimulator({ rateLimit: false });
  });
  after(() => sim.close());

  it('GET /auth reports the key kind and account (§2.2, §9)', async () => {
    const personal = await simRequest(`${sim.baseUrl}/auth`, { key: PERSONAL });
    assert.deepEqual(personal.body, { account_id: IDS.adminUserId, auth_method: 'api_key_user' });
    const org = await simRequest(`${sim.baseUrl}/auth`, { key: ORG_KEY });
    assert.deepEqual(org.body, { account_id: ORG, auth_method: 'api_key_org' });
    const project = await simRequest(`${sim.baseUrl}/auth`, { key: PROJECT });
    assert.deepEqual(project.body, { account_id: IDS.adminUserId, auth_method: 'api_key_user' });
  });

  it('missing, unknown, revoked and non-bearer keys are all 401 Unauthorized', async () => {
    const url = `${sim.baseUrl}/organizations/${ORG}/members`;
    assertNeonError(await simRequest(url), 401, 'Unauthorized');
    assertNeonError(await simRequest(url, { key: 'x'.repeat(64) }), 401, 'Unauthorized');
    assertNeonError(await simRequest(url, { key: DEFAULT_NEON_EXTRA_KEYS.revoked }), 401, 'Unauthorized');
    assertNeonError(await simRequest(url, { headers: { authorization: `Basic ${PERSONAL}` } }), 401, 'Unauthorized');
    assertNeonError(await simRequest(url, { headers: { authorization: PERSONAL } }), 401, 'Unauthorized');
  });

  it('GET /users/me: personal 200, org key 403, project key 404 "outside the project" (§2.3)', async () => {
    const me = await simRequest(`${sim.baseUrl}/users/me`, { key: PERSONAL });
    assert.equal(me.status, 200);
    assert.equal(me.body.id, IDS.adminUserId);
    assert.equal(me.body.email, 'user1@email.com');
    assert.equal(me.body.name, 'User');
    assert.equal(me.body.last_name, 'One');
    assertNeonError(await simRequest(`${sim.baseUrl}/users/me`, { key: ORG_KEY }), 403, 'not allowed for organization API keys');
    assertNeonError(await simRequest(`${sim.baseUrl}/users/me`, { key: PROJECT }), 404, /outside the project/);
  });

  it('GET /users/me/organizations: every org of the user; the owning org for org and project keys', async () => {
    const ids = async (key: string) =>
      (await simRequest(`${sim.baseUrl}/users/me/organizations`, { key })).body.organizations.map((o: { id: string }) => o.id);
    assert.deepEqual(await ids(PERSONAL), [ORG, BIG]);
    assert.deepEqual(await ids(NON_ADMIN), [ORG]);
    assert.deepEqual(await ids(ORG_KEY), [ORG]);
    assert.deepEqual(await ids(PROJECT), [ORG]);
    assert.deepEqual(await ids(DEFAULT_NEON_EXTRA_KEYS.bigOrg), [BIG]);
  });

  it('legacy-403 switch makes org keys fail /users/me/organizations, personal keys unaffected', async () => {
    const legacy = await startNeonSimulator({ rateLimit: false, orgKeyUsersMeOrganizations: 'legacy-403' });
    try {
      assertNeonError(await simRequest(`${legacy.baseUrl}/users/me/organizations`, { key: ORG_KEY }), 403, 'not allowed for organization API keys');
      assert.equal((await simRequest(`${legacy.baseUrl}/users/me/organizations`, { key: PERSONAL })).status, 200);
    } finally {
      await legacy.close();
    }
  });

  it('GET /organizations/{id}: visible 200, invisible or unknown 404, malformed id 400', async () => {
    const org = await simRequest(`${sim.baseUrl}/organizations/${ORG}`, { key: PERSONAL });
    assert.equal(org.status, 200);
    assert.equal(org.body.name, 'my-organization');
    assert.equal((await simRequest(`${sim.baseUrl}/organizations/${ORG}`, { key: ORG_KEY })).status, 200);
    assertNeonError(await simRequest(`${sim.baseUrl}/organizations/${DEFAULT_NEON_HIDDEN_ORG_ID}`, { key: PERSONAL }), 404, 'Not Found');
    assertNeonError(await simRequest(`${sim.baseUrl}/organizations/org-does-not-exist-1`, { key: PERSONAL }), 404, 'Not Found');
    assertNeonError(await simRequest(`${sim.baseUrl}/organizations/${BIG}`, { key: ORG_KEY }), 404, 'Not Found');
    assertNeonError(await simRequest(`${sim.baseUrl}/organizations/${ORG}`, { key: PROJECT }), 404, /outside the project/);
    assertNeonError(await simRequest(`${sim.baseUrl}/organizations/Not_Valid`, { key: PERSONAL }), 400, /org_id/);
    assertNeonError(await simRequest(`${sim.baseUrl}/organizations/${'a'.repeat(61)}/members`, { key: PERSONAL }), 400, /org_id/);
  });

  it('GET spending_limit returns the seeded cap or null', async () => {
    const capped = await simRequest(`${sim.baseUrl}/organizations/${ORG}/billing/spending_limit`, { key: PERSONAL });
    assert.deepEqual(capped.body, { spending_limit_cents: 100_000 });
    const none = await simRequest(`${sim.baseUrl}/organizations/${BIG}/billing/spending_limit`, { key: PERSONAL });
    assert.deepEqual(none.body, { spending_limit_cents: null });
  });

  it('realisticUserMe serves the recorded 2024 shape: full name in name, empty last_name, billing fields missing', async () => {
    const realistic = await startNeonSimulator({ rateLimit: false, realisticUserMe: true });
    try {
      const me = await simRequest(`${realistic.baseUrl}/users/me`, { key: PERSONAL });
      assert.equal(me.status, 200);
      assert.equal(me.body.name, 'User One');
      assert.equal(me.body.last_name, '');
      assert.equal(me.body.billing_account.subscription_type, 'free');
      assert.equal('state' in me.body.billing_account, false);
      assert.equal(me.body.id, IDS.adminUserId);
    } finally {
      await realistic.close();
    }
  });
});

describe('neon simulator: listing members', () => {
  let sim: NeonSimulator;
  before(async () => {
    sim = await startNeonSimulator({ rateLimit: false });
  });
  after(() => sim.close());

  for (const sortBy of ['joined_at', 'email', 'role']) {
    for (const sortOrder of ['asc', 'desc']) {
      it(`pages through ${DEFAULT_NEON_BIG_ORG_MEMBER_COUNT} members at limit=500, sorted ${sortBy} ${sortOrder}`, async () => {
        const { members, pages } = await scanMembers(sim, BIG, { limit: '500', sort_by: sortBy, sort_order: sortOrder });
        assert.deepEqual(pages.map((p) => p.members.length), [500, 500, 200]);
        assert.equal(members.length, DEFAULT_NEON_BIG_ORG_MEMBER_COUNT);
        assert.equal(new Set(members.map((m) => m.member.id)).size, DEFAULT_NEON_BIG_ORG_MEMBER_COUNT, 'no duplicates');
        assertOrdered(members, sortBy, sortOrder);
        for (const [i, page] of pages.entries()) {
          assert.equal(page.pagination?.sort_by, sortBy);
          assert.equal(page.pagination?.sort_order, sortOrder);
          assert.equal(page.pagination?.next !== undefined, i < pages.length - 1, 'next only while more data remains');
        }
      });
    }
  }

  it('defaults to joined_at desc, limit 100, with missing joined_at last', async () => {
    const first = await simRequest<MembersPage>(`${sim.baseUrl}/organizations/${BIG}/members`, { key: PERSONAL });
    assert.equal(first.body.members.length, 100);
    assert.equal(first.body.pagination?.sort_by, 'joined_at');
    assert.equal(first.body.pagination?.sort_order, 'desc');
    assert.ok(first.body.pagination?.next);
    const { members } = await scanMembers(sim, ORG, {});
    assertOrdered(members, 'joined_at', 'desc');
    assert.equal(members.at(-1)?.member.id, IDS.noJoinedAtMemberId);
    // Two fixtures share a joined_at second; desc order breaks the tie by id, descending.
    const tied = members.filter((m) => m.member.joined_at === '2024-03-10T14:30:00Z').map((m) => m.member.id);
    assert.deepEqual(tied, [IDS.viewerMemberId, IDS.editorMemberId]);
  });

  it('small pages under every sort see each member exactly once', async () => {
    const all = (await scanMembers(sim, ORG, { limit: '500' })).members.map((m) => m.member.id).sort();
    for (const sortBy of ['joined_at', 'email', 'role']) {
      for (const sortOrder of ['asc', 'desc']) {
        const { members, pages } = await scanMembers(sim, ORG, { limit: '7', sort_by: sortBy, sort_order: sortOrder });
        assert.deepEqual(members.map((m) => m.member.id).sort(), all, `${sortBy} ${sortOrder}`);
        assert.equal(pages.length, Math.ceil(all.length / 7));
      }
    }
  });

  it('the cursor is standard base64 of {"member_id","sort_by"} naming the last member of the page', async () => {
    const res = await simRequest<MembersPage>(`${sim.baseUrl}/organizations/${ORG}/members?limit=2&sort_by=email`, { key: PERSONAL });
    const next = res.body.pagination!.next!;
    assert.match(next, /^[A-Za-z0-9+/]+={0,2}$/);
    assert.deepEqual(JSON.parse(Buffer.from(next, 'base64').toString('utf8')), {
      member_id: res.body.members[1].member.id,
      sort_by: 'email',
    });
  });

  it('a scan survives removal of the member its cursor points at', async () => {
    const scratch = await startNeonSimulator({ rateLimit: false });
    try {
      const url = `${scratch.baseUrl}/organizations/${ORG}/members`;
      const everyone = (await simRequest<MembersPage>(`${url}?limit=500`, { key: PERSONAL })).body.members.map((m) => m.member.id);
      const first = await simRequest<MembersPage>(`${url}?limit=10`, { key: PERSONAL });
      const anchor = first.body.members[9].member.id;
      assert.equal((await simRequest(`${url}/${anchor}`, { key: PERSONAL, method: 'DELETE' })).status, 200);
      const rest = await scanMembers(scratch, ORG, { limit: '10', cursor: first.body.pagination!.next! });
      const seen = [...first.body.members.map((m) => m.member.id), ...rest.members.map((m) => m.member.id)];
      assert.equal(new Set(seen).size, seen.length, 'no duplicates');
      assert.deepEqual(seen.sort(), [...everyone].sort());
    } finally {
      await scratch.close();
    }
  });

  it('limit must be an integer in 1..500', async () => {
    const url = `${sim.baseUrl}/organizations/${ORG}/members`;
    for (const bad of ['0', '501', '-1', '1.5', 'abc', '', '1e2']) {
      const res = await simRequest(`${url}?limit=${encodeURIComponent(bad)}`, { key: PERSONAL });
      assertNeonError(res, 400, 'invalid request: limit must be between 1 and 500');
    }
    assert.equal((await simRequest<MembersPage>(`${url}?limit=1`, { key: PERSONAL })).body.members.length, 1);
    assert.equal((await simRequest<MembersPage>(`${url}?limit=500`, { key: PERSONAL })).body.members.length, 32);
  });

  it('sort_by and sort_order outside their enums are 400', async () => {
    const url = `${sim.baseUrl}/organizations/${ORG}/members`;
    assertNeonError(await simRequest(`${url}?sort_by=name`, { key: PERSONAL }), 400, /sort_by/);
    assertNeonError(await simRequest(`${url}?sort_by=EMAIL`, { key: PERSONAL }), 400, /sort_by/);
    assertNeonError(await simRequest(`${url}?sort_order=up`, { key: PERSONAL }), 400, /sort_order/);
  });

  it('malformed, foreign or mismatched cursors are 400 invalid cursor', async () => {
    const url = `${sim.baseUrl}/organizations/${ORG}/members`;
    const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64');
    const bigCursor = (await simRequest<MembersPage>(`${sim.baseUrl}/organizations/${BIG}/members?limit=1`, { key: PERSONAL })).body.pagination!.next!;
    const cursors = [
      '!!!not-base64',
      'abc',
      b64('not json'),
      b64({ sort_by: 'joined_at' }),
      b64({ member_id: IDS.memberMemberId, sort_by: 'email' }),
      b64({ member_id: '00000000-0000-4000-8000-000000000000', sort_by: 'joined_at' }),
      bigCursor,
    ];
    for (const cursor of cursors) {
      assertNeonError(await simRequest(`${url}?cursor=${encodeURIComponent(cursor)}`, { key: PERSONAL }), 400, 'invalid cursor');
    }
    const ok = await simRequest(`${url}?cursor=${encodeURIComponent(b64({ member_id: IDS.memberMemberId, sort_by: 'joined_at' }))}`, { key: PERSONAL });
    assert.equal(ok.status, 200);
  });

  it('an org key pages its own org and gets 404 elsewhere; a project key gets 404', async () => {
    const { members } = await scanMembers(sim, BIG, { limit: '500' }, DEFAULT_NEON_EXTRA_KEYS.bigOrg);
    assert.equal(members.length, DEFAULT_NEON_BIG_ORG_MEMBER_COUNT);
    assertNeonError(await simRequest(`${sim.baseUrl}/organizations/${BIG}/members`, { key: ORG_KEY }), 404, 'Not Found');
    assertNeonError(await simRequest(`${sim.baseUrl}/organizations/${ORG}/members`, { key: PROJECT }), 404, /outside the project/);
    assertNeonError(await simRequest(`${sim.baseUrl}/organizations/${DEFAULT_NEON_HIDDEN_ORG_ID}/members`, { key: PERSONAL }), 404);
  });

  it('GET one member returns a bare Member; non-uuid, unknown or foreign ids are 404', async () => {
    const url = `${sim.baseUrl}/organizations/${ORG}/members`;
    const res = await simRequest(`${url}/${IDS.adminMemberId}`, { key: ORG_KEY });
    assert.deepEqual(res.body, {
      id: IDS.adminMemberId,
      user_id: IDS.adminUserId,
      org_id: ORG,
      role: 'admin',
      joined_at: '2024-02-23T17:42:25Z',
    });
    assertNeonError(await simRequest(`${url}/not-a-uuid`, { key: PERSONAL }), 404, 'Not Found');
    assertNeonError(await simRequest(`${url}/00000000-0000-4000-8000-000000000000`, { key: PERSONAL }), 404, 'Not Found');
    assertNeonError(await simRequest(`${url}/${IDS.bigOrgAdminMemberId}`, { key: PERSONAL }), 404, 'Not Found');
  });

  it('GET invitations lists pending and accepted invitations', async () => {
    const res = await simRequest(`${sim.baseUrl}/organizations/${ORG}/invitations`, { key: ORG_KEY });
    assert.equal(res.status, 200);
    const byId = new Map(res.body.invitations.map((i: { id: string }) => [i.id, i]));
    assert.deepEqual(byId.get(IDS.pendingInvitationId), {
      id: IDS.pendingInvitationId,
      email: 'invited1@email.com',
      org_id: ORG,
      invited_by: 'some@email.com',
      invited_at: '2024-02-23T17:42:25Z',
      role: 'admin',
    });
    assert.match((byId.get(IDS.uuidInvitedByInvitationId) as { invited_by: string }).invited_by, UUID_RE);
    assert.ok(byId.has(IDS.acceptedInvitationId));
  });
});

describe('neon simulator: writes and the permission matrix (§2.1, §3.5, §3.6)', () => {
  let sim: NeonSimulator;
  const memberUrl = (id: string, org = ORG) => `${sim.baseUrl}/organizations/${org}/members/${id}`;
  const invitationsUrl = () => `${sim.baseUrl}/organizations/${ORG}/invitations`;
  before(async () => {
    sim = await startNeonSimulator({ rateLimit: false });
  });
  beforeEach(() => sim.reset());
  after(() => sim.close());

  it('PATCH role: personal admin and org key may; non-admin 403; project 404', async () => {
    const byAdmin = await simRequest(memberUrl(IDS.memberMemberId), { key: PERSONAL, method: 'PATCH', body: { role: 'viewer' } });
    assert.equal(byAdmin.status, 200);
    assert.deepEqual(byAdmin.body, {
      id: IDS.memberMemberId,
      user_id: IDS.memberUserId,
      org_id: ORG,
      role: 'viewer',
      joined_at: '2024-02-21T16:42:25Z',
    });
    assert.equal((await simRequest(memberUrl(IDS.memberMemberId), { key: PERSONAL })).body.role, 'viewer');
    assert.equal(sim.state.member(ORG, IDS.memberMemberId)?.member.role, 'viewer', 'state is live');

    const byOrgKey = await simRequest(memberUrl(IDS.memberMemberId), { key: ORG_KEY, method: 'PATCH', body: { role: 'collaborator' } });
    assert.equal(byOrgKey.body.role, 'collaborator');
    assertNeonError(await simRequest(memberUrl(IDS.editorMemberId), { key: NON_ADMIN, method: 'PATCH', body: { role: 'admin' } }), 403, 'Forbidden');
    assertNeonError(await simRequest(memberUrl(IDS.editorMemberId), { key: PROJECT, method: 'PATCH', body: { role: 'admin' } }), 404);
    assert.equal(sim.state.member(ORG, IDS.editorMemberId)?.member.role, 'editor');
  });

  it('PATCH validates the body against MemberRole', async () => {
    const patch = (body: unknown) => simRequest(memberUrl(IDS.memberMemberId), { key: PERSONAL, method: 'PATCH', body });
    assertNeonError(await patch({ role: 'owner' }), 400, /role/);
    assertNeonError(await patch({}), 400, 'invalid request: decode application/json: invalid: role (field required)');
    assertNeonError(await patch('{not json'), 400, /decode application\/json/);
    assertNeonError(await patch([1]), 400, /expected an object/);
    for (const role of ['admin', 'member', 'editor', 'viewer', 'collaborator']) assert.equal((await patch({ role })).status, 200);
    assertNeonError(
      await simRequest(memberUrl('not-a-uuid'), { key: PERSONAL, method: 'PATCH', body: { role: 'viewer' } }),
      404,
    );
  });

  it('DELETE: personal admin only; org key and non-admin 403; returns {} and the member is gone', async () => {
    assertNeonError(await simRequest(memberUrl(IDS.viewerMemberId), { key: ORG_KEY, method: 'DELETE' }), 403, /organization API keys/);
    assertNeonError(await simRequest(memberUrl(IDS.viewerMemberId), { key: NON_ADMIN, method: 'DELETE' }), 403, 'Forbidden');
    const removed = await simRequest(memberUrl(IDS.viewerMemberId), { key: PERSONAL, method: 'DELETE' });
    assert.equal(removed.status, 200);
    assert.deepEqual(removed.body, {});
    assertNeonError(await simRequest(memberUrl(IDS.viewerMemberId), { key: PERSONAL }), 404);
    assertNeonError(await simRequest(memberUrl(IDS.viewerMemberId), { key: PERSONAL, method: 'DELETE' }), 404);
    const list = await simRequest<MembersPage>(`${sim.baseUrl}/organizations/${ORG}/members?limit=500`, { key: PERSONAL });
    assert.equal(list.body.members.length, 31);
  });

  it('the last admin can be neither removed nor demoted; with a second admin they can', async () => {
    assertNeonError(await simRequest(memberUrl(IDS.adminMemberId), { key: PERSONAL, method: 'DELETE' }), 400, /last admin/);
    assertNeonError(await simRequest(memberUrl(IDS.adminMemberId), { key: ORG_KEY, method: 'PATCH', body: { role: 'member' } }), 400, /last admin/);
    assert.equal((await simRequest(memberUrl(IDS.memberMemberId), { key: PERSONAL, method: 'PATCH', body: { role: 'admin' } })).status, 200);
    assert.equal((await simRequest(memberUrl(IDS.adminMemberId), { key: PERSONAL, method: 'DELETE' })).status, 200);
    // user1 is no longer a member, so their personal key cannot see the org at all now.
    assertNeonError(await simRequest(`${sim.baseUrl}/organizations/${ORG}`, { key: PERSONAL }), 404);
  });

  it('POST invitations: personal admin creates them; org key and non-admin 403', async () => {
    const body = { invitations: [{ email: 'fresh@example.org', role: 'viewer' }] };
    assertNeonError(await simRequest(invitationsUrl(), { key: ORG_KEY, method: 'POST', body }), 403, /organization API keys/);
    assertNeonError(await simRequest(invitationsUrl(), { key: NON_ADMIN, method: 'POST', body }), 403, 'Forbidden');
    const created = await simRequest(invitationsUrl(), { key: PERSONAL, method: 'POST', body });
    assert.equal(created.status, 200);
    assert.equal(created.body.invitations.length, 1);
    const inv = created.body.invitations[0];
    assert.match(inv.id, UUID_RE);
    assert.equal(inv.email, 'fresh@example.org');
    assert.equal(inv.org_id, ORG);
    assert.equal(inv.invited_by, IDS.adminUserId);
    assert.equal(inv.role, 'viewer');
    assert.match(inv.invited_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const listed = await simRequest(invitationsUrl(), { key: PERSONAL });
    assert.ok(listed.body.invitations.some((i: { id: string }) => i.id === inv.id));
  });

  it('POST invitations validates emails and roles and rejects existing members, creating nothing', async () => {
    const post = (invitations: unknown) => simRequest(invitationsUrl(), { key: PERSONAL, method: 'POST', body: { invitations } });
    assertNeonError(await post([{ email: 'not-an-email', role: 'member' }]), 400, /email/);
    assertNeonError(await post([{ email: 'ok@example.org', role: 'owner' }]), 400, /role/);
    assertNeonError(await post([{ email: 'ok@example.org' }]), 400, /role \(field required\)/);
    assertNeonError(await post([{ email: 'ok@example.org', role: 'member' }, { email: 'user2@email.com', role: 'member' }]), 400, /already a member/);
    assertNeonError(await simRequest(invitationsUrl(), { key: PERSONAL, method: 'POST', body: {} }), 400, /invitations \(field required\)/);
    assert.equal(sim.state.invitations(ORG).length, 4, 'nothing was created');
  });

  it('an invitee who already has a Neon account joins at once and the invitation stays listed', async () => {
    const created = await simRequest(invitationsUrl(), {
      key: PERSONAL,
      method: 'POST',
      body: { invitations: [{ email: 'casey.newcomer@email.com', role: 'editor' }] },
    });
    assert.equal(created.status, 200);
    const members = (await scanMembers(sim, ORG, { limit: '500' })).members;
    const joined = members.find((m) => m.user.email === 'casey.newcomer@email.com');
    assert.equal(joined?.member.user_id, IDS.unaffiliatedUserId);
    assert.equal(joined?.member.role, 'editor');
  });

  it('spending limit PUT/DELETE need admin rights and round-trip', async () => {
    const url = `${sim.baseUrl}/organizations/${ORG}/billing/spending_limit`;
    assertNeonError(await simRequest(url, { key: NON_ADMIN, method: 'PUT', body: { spending_limit_cents: 500 } }), 403);
    assertNeonError(await simRequest(url, { key: PERSONAL, method: 'PUT', body: { spending_limit_cents: 0 } }), 400);
    assert.deepEqual((await simRequest(url, { key: ORG_KEY, method: 'PUT', body: { spending_limit_cents: 500 } })).body, { spending_limit_cents: 500 });
    assert.deepEqual((await simRequest(url, { key: PERSONAL })).body, { spending_limit_cents: 500 });
    assert.deepEqual((await simRequest(url, { key: PERSONAL, method: 'DELETE' })).body, {});
    assert.deepEqual((await simRequest(url, { key: PERSONAL })).body, { spending_limit_cents: null });
  });
});

describe('neon simulator: headers, faults, latency, request log, rate limits', () => {
  let sim: NeonSimulator;
  const hook = (path: string, method = 'GET', body?: unknown) => simRequest(`${sim.origin}/__sim${path}`, { method, body });
  before(async () => {
    sim = await startNeonSimulator({ rateLimit: false });
  });
  beforeEach(() => sim.reset());
  after(() => sim.close());

  it('every response carries a fresh uuid x-neon-ret-request-id and the JSON content type', async () => {
    await hook('/faults', 'POST', { path: '/api/v2/users/me', status: 503 });
    const calls = [
      () => simRequest(`${sim.baseUrl}/auth`),
      () => simRequest(`${sim.baseUrl}/auth`, { key: PERSONAL }),
      () => simRequest(`${sim.baseUrl}/users/me`, { key: PERSONAL }),
      () => simRequest(`${sim.baseUrl}/no/such/route`, { key: PERSONAL }),
      () => simRequest(`${sim.origin}/not-even-the-api`),
      () => simRequest(`${sim.baseUrl}/organizations/BAD/members`, { key: PERSONAL }),
      () => simRequest(`${sim.baseUrl}/organizations/${ORG}/members?limit=0`, { key: PERSONAL }),
      () => hook('/requests'),
    ];
    const responses: SimResponse[] = [];
    for (const call of calls) responses.push(await call());
    assert.deepEqual(responses.map((r) => r.status), [401, 200, 503, 404, 404, 400, 400, 200]);
    for (const res of responses) {
      assert.match(res.requestId ?? '', UUID_RE);
      assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    }
    assert.equal(new Set(responses.map((r) => r.requestId)).size, responses.length);
    assertNeonError(responses[3], 404, 'Not Found');
  });

  it('X-Request-ID is echoed into error bodies; the header id stays server-generated', async () => {
    const res = await simRequest(`${sim.baseUrl}/organizations/${ORG}/members?limit=9999`, {
      key: PERSONAL,
      headers: { 'X-Request-ID': 'my-trace-123' },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.request_id, 'my-trace-123');
    assert.match(res.requestId ?? '', UUID_RE);
    const unauth = await simRequest(`${sim.baseUrl}/auth`, { headers: { 'x-request-id': 'trace-401' } });
    assert.equal(unauth.body.request_id, 'trace-401');
  });

  it('a 429 fault with retry_after and count fails exactly the next N matching requests', async () => {
    const added = await hook('/faults', 'POST', { method: 'GET', path: '/api/v2/organizations/*/members', status: 429, count: 2, retry_after: 3 });
    assert.equal(added.status, 201);
    const url = `${sim.baseUrl}/organizations/${ORG}/members?limit=1`;
    // Other paths and methods are unaffected and do not consume the fault.
    assert.equal((await simRequest(`${sim.baseUrl}/organizations/${ORG}`, { key: PERSONAL })).status, 200);
    assert.equal((await simRequest(`${sim.baseUrl}/organizations/${ORG}/members/${IDS.adminMemberId}`, { key: PERSONAL })).status, 200);
    for (let i = 0; i < 2; i++) {
      const res = await simRequest(url, { key: PERSONAL });
      assertNeonError(res, 429, 'rate limit exceeded');
      assert.equal(res.headers.get('retry-after'), '3');
    }
    const third = await simRequest(url, { key: PERSONAL });
    assert.equal(third.status, 200);
    assert.equal(third.headers.get('retry-after'), null);
  });

  it('503, 423 and 500 faults queue in order, apply before auth, and can carry a custom body', async () => {
    sim.injectFault({ path: '/api/v2/auth', status: 503 });
    sim.injectFault({ path: '/api/v2/auth', status: 423 });
    sim.injectFault({ path: '/api/v2/auth', status: 500, body: { message: 'custom' } });
    const a = await simRequest(`${sim.baseUrl}/auth`);
    assertNeonError(a, 503);
    assert.equal(a.headers.get('retry-after'), null);
    assertNeonError(await simRequest(`${sim.baseUrl}/auth`), 423);
    const c = await simRequest(`${sim.baseUrl}/auth`);
    assert.equal(c.status, 500);
    assert.deepEqual(c.body, { message: 'custom' });
    assert.match(c.requestId ?? '', UUID_RE);
    assert.equal((await simRequest(`${sim.baseUrl}/auth`)).status, 401);
  });

  it('fault hooks: list, method filter, validation and DELETE /__sim/faults', async () => {
    await hook('/faults', 'POST', { method: 'POST', path: '/api/v2/**', status: 500, count: 5 });
    assert.equal((await simRequest(`${sim.baseUrl}/auth`, { key: PERSONAL })).status, 200, 'GET is not matched');
    const listed = await hook('/faults');
    assert.equal(listed.body.faults.length, 1);
    assert.equal(listed.body.faults[0].remaining, 5);
    assert.equal((await hook('/faults', 'DELETE')).status, 200);
    assert.equal((await hook('/faults')).body.faults.length, 0);
    const invalid = await hook('/faults', 'POST', { path: '/api/v2/auth' });
    assert.equal(invalid.status, 400);
    assert.match(invalid.body.error, /status, a delay_ms/);
  });

  it('delay_ms without status adds latency and then serves normally', async () => {
    // A delay well above a loaded machine's worst local round trip, so the two cases cannot blur.
    await hook('/faults', 'POST', { path: `/api/v2/organizations/${ORG}`, delay_ms: 1000 });
    const t0 = performance.now();
    const slow = await simRequest(`${sim.baseUrl}/organizations/${ORG}`, { key: PERSONAL });
    const slowMs = performance.now() - t0;
    assert.equal(slow.status, 200);
    assert.ok(slowMs >= 990, `took ${slowMs} ms`);
    const t1 = performance.now();
    await simRequest(`${sim.baseUrl}/organizations/${ORG}`, { key: PERSONAL });
    assert.ok(performance.now() - t1 < 900, 'only the next request is slowed');
  });

  it('the request log records what arrived, with Authorization redacted', async () => {
    await simRequest(`${sim.baseUrl}/organizations/${ORG}/members?limit=5&sort_by=email`, { key: PERSONAL });
    await simRequest(`${sim.baseUrl}/organizations/${ORG}/members/${IDS.memberMemberId}`, { key: ORG_KEY, method: 'PATCH', body: { role: 'viewer' } });
    await simRequest(`${sim.baseUrl}/auth`);
    const res = await hook('/requests');
    const log = res.body.requests;
    assert.equal(log.length, 3, 'hook calls are not logged');
    assert.deepEqual(
      log.map((r: { method: string; path: string; status: number }) => [r.method, r.path, r.status]),
      [
        ['GET', `/api/v2/organizations/${ORG}/members`, 200],
        ['PATCH', `/api/v2/organizations/${ORG}/members/${IDS.memberMemberId}`, 200],
        ['GET', '/api/v2/auth', 401],
      ],
    );
    assert.deepEqual(log[0].query, { limit: '5', sort_by: 'email' });
    assert.equal(log[0].headers.authorization, 'Bearer ********');
    assert.deepEqual(log[1].body, { role: 'viewer' });
    assert.match(log[0].timestamp, /^\d{4}-\d{2}-\d{2}T/);
    assert.equal(log[2].headers.authorization, undefined);
    const dump = JSON.stringify(log);
    assert.ok(!dump.includes(PERSONAL) && !dump.includes(ORG_KEY), 'no key in the log');
    assert.equal((await hook('/requests?method=PATCH')).body.requests.length, 1);
    assert.equal(sim.requests().length, 3);
    await hook('/requests', 'DELETE');
    assert.equal((await hook('/requests')).body.requests.length, 0);
  });

  it('reset restores the starting seed; seed loads a new one (JSON or YAML) and rejects bad ones by path', async () => {
    const stateBefore = sim.state;
    await simRequest(`${sim.baseUrl}/organizations/${ORG}/members/${IDS.viewerMemberId}`, { key: PERSONAL, method: 'DELETE' });
    assert.equal(sim.state.member(ORG, IDS.viewerMemberId), undefined);
    assert.equal((await hook('/reset', 'POST')).status, 200);
    assert.ok(sim.state.member(ORG, IDS.viewerMemberId), 'member is back');
    assert.equal(sim.state, stateBefore, 'state object is stable across reset');

    const generated = generateNeonSeed({ orgId: 'tiny-org', members: 3, seed: 7 });
    const [userKey] = generated.keys;
    assert.equal((await hook('/seed', 'POST', generated)).status, 200);
    assert.equal((await simRequest(`${sim.baseUrl}/auth`, { key: PERSONAL })).status, 401, 'old keys are gone');
    assert.equal((await simRequest(`${sim.baseUrl}/organizations/tiny-org/members`, { key: userKey.token })).body.members.length, 3);

    const yamlSeed = generateNeonSeed({ orgId: 'yaml-org', members: 2, seed: 8 });
    const yamlRes = await simRequest(`${sim.origin}/__sim/seed`, { method: 'POST', body: toYaml(yamlSeed), headers: { 'content-type': 'application/yaml' } });
    assert.equal(yamlRes.status, 200);
    assert.equal((await simRequest(`${sim.baseUrl}/organizations/yaml-org`, { key: yamlSeed.keys[0].token })).status, 200);

    const broken = structuredClone(generated) as NeonSeed;
    (broken.members[1].member as { id: string }).id = 'nope';
    const bad = await hook('/seed', 'POST', broken);
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /members\[1\]\.member\.id: must be a uuid/);

    await hook('/reset', 'POST');
    assert.equal((await simRequest(`${sim.baseUrl}/auth`, { key: PERSONAL })).status, 200, 'reset goes back to the starting seed');
  });

  it('rate limits: burst per route and per minute per account, 429 without Retry-After', async () => {
    const limited = await startNeonSimulator({ rateLimit: { perMinute: 6, burstPerSecond: 3 } });
    try {
      const get = (path: string, key = PERSONAL) => simRequest(`${limited.baseUrl}${path}`, { key });
      for (let i = 0; i < 3; i++) assert.equal((await get('/auth')).status, 200);
      const burst = await get('/auth');
      assertNeonError(burst, 429, 'rate limit exceeded');
      assert.equal(burst.headers.get('retry-after'), null);
      // Another route and another account each have their own burst budget.
      assert.equal((await get(`/organizations/${ORG}`)).status, 200);
      assert.equal((await get('/auth', ORG_KEY)).status, 200);
      // The per-account minute budget (6) spans routes: 3 + 1 used, 2 left.
      assert.equal((await get('/users/me')).status, 200);
      assert.equal((await get('/users/me/organizations')).status, 200);
      assertNeonError(await get(`/organizations/${ORG}/invitations`), 429, 'rate limit exceeded');
    } finally {
      await limited.close();
    }
  });

  it("default rate limit is Neon's 40 per second per route", async () => {
    const limited = await startNeonSimulator();
    try {
      const started = performance.now();
      const results = await Promise.all(
        Array.from({ length: 45 }, () => simRequest(`${limited.baseUrl}/auth`, { key: PERSONAL })),
      );
      const elapsed = performance.now() - started;
      const limitedCount = results.filter((r) => r.status === 429).length;
      // The window is one second; on a machine too loaded to send 45 local requests in that time
      // the exact split cannot be asserted, but some must still have been limited.
      if (elapsed < 900) {
        assert.equal(results.filter((r) => r.status === 200).length, 40);
        assert.equal(limitedCount, 5);
      } else {
        assert.ok(limitedCount > 0 || elapsed > 1000, `no 429 in ${elapsed} ms`);
      }
    } finally {
      await limited.close();
    }
  });
});

describe('neon seeds', () => {
  it('defaultNeonSeed has every fixture neon-api.md §10 requires', () => {
    const seed = parseNeonSeed(defaultNeonSeed());
    const example = seed.members.filter((m) => m.org_id === ORG);
    assert.ok(example.length >= 25 && example.length <= 40, `${example.length} members`);
    assert.ok(example.some((m) => m.user.deactivated_at));
    assert.ok(example.some((m) => m.member.joined_at === undefined));
    for (const role of ['admin', 'member', 'editor', 'viewer', 'collaborator']) assert.ok(example.some((m) => m.member.role === role), role);
    const spec = example.find((m) => m.member.id === IDS.adminMemberId)!;
    assert.deepEqual(spec.user, { email: 'user1@email.com' });
    const invitations = seed.invitations.filter((i) => i.org_id === ORG);
    assert.ok(invitations.some((i) => i.invited_by.includes('@')));
    assert.ok(invitations.some((i) => UUID_RE.test(i.invited_by)));
    const memberEmails = new Set(example.map((m) => m.user.email));
    assert.ok(invitations.some((i) => memberEmails.has(i.email)), 'an accepted invitation');
    assert.ok(seed.members.filter((m) => m.org_id === BIG).length > 500);
    for (const key of seed.keys) assert.match(key.token, /^[a-z0-9]{64}$/);
    assert.deepEqual(defaultNeonSeed(), defaultNeonSeed(), 'deterministic');
  });

  it('generateNeonSeed is deterministic, valid and varied at any size', () => {
    assert.deepEqual(generateNeonSeed({ members: 300, seed: 42 }), generateNeonSeed({ members: 300, seed: 42 }));
    assert.notDeepEqual(generateNeonSeed({ members: 30, seed: 1 }), generateNeonSeed({ members: 30, seed: 2 }));
    for (const size of [1, 6, 2000]) {
      const seed = parseNeonSeed(generateNeonSeed({ orgId: 'gen-org', orgName: 'Gen', members: size, invitations: 6, seed: size }));
      assert.equal(seed.members.length, size);
      assert.equal(new Set(seed.members.map((m) => m.user.email)).size, size, 'unique emails');
      assert.equal(seed.keys.length, 3);
      assert.deepEqual(seed.keys.map((k) => k.kind), ['user', 'org', 'project']);
      if (size >= 6) {
        assert.ok(seed.members.some((m) => m.user.deactivated_at));
        assert.ok(seed.members.some((m) => m.member.joined_at === undefined));
        for (const role of ['admin', 'editor', 'viewer', 'collaborator']) assert.ok(seed.members.some((m) => m.member.role === role), role);
        const emails = new Set(seed.members.map((m) => m.user.email));
        assert.ok(seed.invitations.some((i) => emails.has(i.email)), 'accepted invitation');
        assert.ok(seed.invitations.some((i) => i.invited_by.includes('@')));
        assert.ok(seed.invitations.some((i) => UUID_RE.test(i.invited_by)));
      }
    }
  });

  it('seeds reject unknown top-level keys but pass extra entity fields through to responses', async () => {
    const seed = generateNeonSeed({ orgId: 'extra-org', members: 2, seed: 3 }) as NeonSeed & Record<string, unknown>;
    assert.throws(() => parseNeonSeed({ ...seed, member: [] }), /\(root\): Unrecognized key: "member"/);
    (seed.members[1].member as Record<string, unknown>).future_field = 'kept';
    (seed.members[1].user as Record<string, unknown>).display_name = 'Also kept';
    const extra = await startNeonSimulator({ rateLimit: false, seed });
    try {
      const res = await simRequest<MembersPage>(`${extra.baseUrl}/organizations/extra-org/members`, { key: seed.keys[0].token });
      const record = res.body.members.find((m) => m.member.id === seed.members[1].member.id) as unknown as Record<string, Record<string, unknown>>;
      assert.equal(record.member.future_field, 'kept');
      assert.equal(record.user.display_name, 'Also kept');
    } finally {
      await extra.close();
    }
  });

  it('startNeonSimulator rejects an invalid seed with the offending path', async () => {
    const seed = defaultNeonSeed();
    seed.keys.push({ token: 'k', kind: 'org', org_id: 'missing-org', revoked: false });
    await assert.rejects(startNeonSimulator({ seed }), /keys\[6\]\.org_id: unknown org missing-org/);
  });
});

describe('simulator:neon command', () => {
  it('starts on --port, prints the base URL and keys, serves them, and exits cleanly on SIGTERM', async () => {
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', main, '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    const baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 15_000);
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        const m = /listening: (http:\/\/\S+\/api\/v2)/.exec(out);
        if (m && out.includes(DEFAULT_NEON_KEYS.project)) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
    });
    assert.ok(out.includes(DEFAULT_NEON_KEYS.personal) && out.includes(DEFAULT_NEON_KEYS.org));
    assert.equal((await simRequest(`${baseUrl}/auth`, { key: DEFAULT_NEON_KEYS.org })).body.auth_method, 'api_key_org');
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
