import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DEFAULT_NEON_FIXTURE_IDS as IDS, startNeonSimulator, type NeonSimulator } from './index.ts';
import { simRequest } from './sim-client.ts';
import { NON_ADMIN, ORG, ORG_KEY, PERSONAL, PROJECT, UUID_RE, assertNeonError, scanMembers, type MembersPage } from './simulator-test-kit.ts';

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
    assertNeonError(await simRequest(memberUrl('not-a-uuid'), { key: PERSONAL, method: 'PATCH', body: { role: 'viewer' } }), 404);
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
    assertNeonError(
      await post([
        { email: 'ok@example.org', role: 'member' },
        { email: 'user2@email.com', role: 'member' },
      ]),
      400,
      /already a member/,
    );
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
