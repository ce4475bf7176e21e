import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DEFAULT_NEON_BIG_ORG_MEMBER_COUNT,
  DEFAULT_NEON_EXTRA_KEYS,
  DEFAULT_NEON_FIXTURE_IDS as IDS,
  DEFAULT_NEON_HIDDEN_ORG_ID,
  startNeonSimulator,
  type NeonSimulator,
} from './index.ts';
import { simRequest } from './sim-client.ts';
import {
  BIG,
  NON_ADMIN,
  ORG,
  ORG_KEY,
  PERSONAL,
  PROJECT,
  UUID_RE,
  assertNeonError,
  scanMembers,
  type MemberWithUser,
  type MembersPage,
} from './simulator-test-kit.ts';

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
    const ids = async (key: string) => (await simRequest(`${sim.baseUrl}/users/me/organizations`, { key })).body.organizations.map((o: { id: string }) => o.id);
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
        assert.deepEqual(
          pages.map((p) => p.members.length),
          [500, 500, 200],
        );
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
