import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import type { SimEnv } from '../../../simulator-kit/simulator-app.ts';
import { rfc3339Seconds } from '../../../simulator-kit/time.ts';
import { requireOrgWrite, requireVisibleOrg } from './access.ts';
import { MESSAGES, NeonApiError } from './errors.ts';
import { pageMembers, parseMembersQuery } from './members-paging.ts';
import { parseInvitesCreate, parseMemberUpdate, parseSpendingLimitUpdate } from './request-bodies.ts';
import { neonRoute, type NeonRouteDeps } from './route-kit.ts';
import { UUID_PATTERN, type NeonInvitation, type NeonMemberRecord } from './seed-schema.ts';
import type { NeonState } from './state.ts';

/** `/organizations/{org_id}` and everything under it that Tessera's Neon integration touches. */
export function mountOrganizationRoutes(app: Hono<SimEnv>, deps: NeonRouteDeps): void {
  // getOrganization
  neonRoute(app, deps, 'GET', '/organizations/:org_id', ({ caller, state, param }) => structuredClone(requireVisibleOrg(state, caller, param('org_id'))));

  // getOrganizationMembers
  neonRoute(app, deps, 'GET', '/organizations/:org_id/members', ({ caller, state, param, query }) => {
    const orgId = requireVisibleOrg(state, caller, param('org_id')).id;
    const page = pageMembers(state.members(orgId), parseMembersQuery(query), (id) => state.memberForCursor(orgId, id));
    return {
      members: page.members.map(({ member, user }) => structuredClone({ member, user })),
      pagination: page.pagination,
    };
  });

  // getOrganizationMember: a bare Member, no user block (docs/providers/neon.md §3.5).
  neonRoute(app, deps, 'GET', '/organizations/:org_id/members/:member_id', ({ caller, state, param }) => {
    const orgId = requireVisibleOrg(state, caller, param('org_id')).id;
    return structuredClone(requireMember(state, orgId, param('member_id')).member);
  });

  // updateOrganizationMember
  neonRoute(app, deps, 'PATCH', '/organizations/:org_id/members/:member_id', async ({ caller, state, param, json }) => {
    const orgId = requireVisibleOrg(state, caller, param('org_id')).id;
    requireOrgWrite(state, caller, orgId, 'update_member_role');
    const record = requireMember(state, orgId, param('member_id'));
    const { role } = parseMemberUpdate(await json());
    // Demoting the only admin would leave an org nobody can administer, the same harm as removing them.
    if (record.member.role === 'admin' && role !== 'admin' && state.adminCount(orgId) <= 1) {
      throw new NeonApiError(400, MESSAGES.lastAdminDemote);
    }
    record.member.role = role;
    return structuredClone(record.member);
  });

  // removeOrganizationMember
  neonRoute(app, deps, 'DELETE', '/organizations/:org_id/members/:member_id', ({ caller, state, param }) => {
    const orgId = requireVisibleOrg(state, caller, param('org_id')).id;
    requireOrgWrite(state, caller, orgId, 'remove_member');
    const record = requireMember(state, orgId, param('member_id'));
    if (record.member.role === 'admin' && state.adminCount(orgId) <= 1) {
      throw new NeonApiError(400, MESSAGES.lastAdminRemove);
    }
    state.removeMember(orgId, record.member.id);
    return {};
  });

  // getOrganizationInvitations: pending and accepted alike; accepted ones stay (docs/providers/neon.md §9).
  neonRoute(app, deps, 'GET', '/organizations/:org_id/invitations', ({ caller, state, param }) => {
    const orgId = requireVisibleOrg(state, caller, param('org_id')).id;
    return { invitations: structuredClone(state.invitations(orgId)) };
  });

  // createOrganizationInvitations
  neonRoute(app, deps, 'POST', '/organizations/:org_id/invitations', async ({ caller, state, param, json }) => {
    const orgId = requireVisibleOrg(state, caller, param('org_id')).id;
    requireOrgWrite(state, caller, orgId, 'invite');
    const { invitations: requested } = parseInvitesCreate(await json());
    return { invitations: createInvitations(state, orgId, caller.kind === 'user' ? caller.userId : orgId, requested) };
  });

  // getOrganizationSpendingLimit
  neonRoute(app, deps, 'GET', '/organizations/:org_id/billing/spending_limit', ({ caller, state, param }) => {
    const orgId = requireVisibleOrg(state, caller, param('org_id')).id;
    return { spending_limit_cents: state.spendingLimits.get(orgId) ?? null };
  });

  // setOrganizationSpendingLimit
  neonRoute(app, deps, 'PUT', '/organizations/:org_id/billing/spending_limit', async ({ caller, state, param, json }) => {
    const orgId = requireVisibleOrg(state, caller, param('org_id')).id;
    requireOrgWrite(state, caller, orgId, 'set_spending_limit');
    const { spending_limit_cents } = parseSpendingLimitUpdate(await json());
    state.spendingLimits.set(orgId, spending_limit_cents);
    return { spending_limit_cents };
  });

  // deleteOrganizationSpendingLimit: idempotent.
  neonRoute(app, deps, 'DELETE', '/organizations/:org_id/billing/spending_limit', ({ caller, state, param }) => {
    const orgId = requireVisibleOrg(state, caller, param('org_id')).id;
    requireOrgWrite(state, caller, orgId, 'set_spending_limit');
    state.spendingLimits.set(orgId, null);
    return {};
  });
}

/** Unknown ids and ids that are not uuids are both plain 404s (docs/providers/neon.md §9). */
function requireMember(state: NeonState, orgId: string, memberId: string): NeonMemberRecord {
  const record = UUID_PATTERN.test(memberId) ? state.member(orgId, memberId) : undefined;
  if (!record) throw new NeonApiError(404, MESSAGES.notFound);
  return record;
}

/**
 * All-or-nothing: a request naming an existing member, or the same email twice, creates nothing.
 * An invitee who already has a Neon account joins at once and the invitation stays listed, which
 * is how accepted invitations look (docs/providers/neon.md §3.6).
 */
function createInvitations(state: NeonState, orgId: string, invitedBy: string, requested: { email: string; role: NeonInvitation['role'] }[]): NeonInvitation[] {
  const memberEmails = new Set(state.members(orgId).map((m) => m.user.email.toLowerCase()));
  const seen = new Set<string>();
  requested.forEach(({ email }, i) => {
    const lower = email.toLowerCase();
    if (memberEmails.has(lower)) {
      throw new NeonApiError(400, `invalid request: invitations[${i}].email ${email} is already a member of the organization`);
    }
    if (seen.has(lower)) throw new NeonApiError(400, `invalid request: invitations[${i}].email ${email} is listed twice`);
    seen.add(lower);
  });
  const now = rfc3339Seconds();
  return requested.map(({ email, role }) => {
    const invitation: NeonInvitation = { id: randomUUID(), email, org_id: orgId, invited_by: invitedBy, invited_at: now, role };
    state.addInvitation(invitation);
    const account = state.accountByEmail(email);
    if (account) {
      state.addMember({
        org_id: orgId,
        member: { id: randomUUID(), user_id: account.user_id, org_id: orgId, role, joined_at: now },
        user: { email: account.email },
      });
    }
    return structuredClone(invitation);
  });
}
