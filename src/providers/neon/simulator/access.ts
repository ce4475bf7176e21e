import { NeonApiError, MESSAGES } from './errors.ts';
import type { NeonCaller } from './caller.ts';
import { ORG_ID_PATTERN, type NeonOrganization } from './seed-schema.ts';
import type { NeonState } from './state.ts';

/**
 * Who may see and change what (docs/providers/neon.md §2.1 matrix):
 *  - a personal key sees every org its user is a member of; writes need that member to be admin;
 *  - an org key is admin over its own org, but may not remove members or invite (personal-only);
 *  - a project-scoped key sees no org endpoints at all.
 * An org the caller cannot see is a 404, never a 403, so ids do not leak (docs/providers/neon.md §9).
 */
export type OrgWrite = 'update_member_role' | 'remove_member' | 'invite' | 'set_spending_limit';

const PERSONAL_KEY_ONLY: ReadonlySet<OrgWrite> = new Set(['remove_member', 'invite']);

export function requireValidOrgId(orgId: string): void {
  if (!ORG_ID_PATTERN.test(orgId)) {
    throw new NeonApiError(400, `invalid request: org_id "${orgId}" does not match ^[a-z0-9-]{1,60}$`);
  }
}

/** Validates the id and returns the org, or throws the 400/404 the caller should get. */
export function requireVisibleOrg(state: NeonState, caller: NeonCaller, orgId: string): NeonOrganization {
  requireValidOrgId(orgId);
  if (caller.kind === 'project') throw new NeonApiError(404, MESSAGES.outsideProject);
  const org = state.orgs.get(orgId);
  if (!org) throw new NeonApiError(404, MESSAGES.notFound);
  const visible = caller.kind === 'org' ? caller.orgId === orgId : state.membershipOf(orgId, caller.userId) !== undefined;
  if (!visible) throw new NeonApiError(404, MESSAGES.notFound);
  return org;
}

export function requireOrgWrite(state: NeonState, caller: NeonCaller, orgId: string, action: OrgWrite): void {
  if (caller.kind === 'org') {
    if (PERSONAL_KEY_ONLY.has(action)) throw new NeonApiError(403, MESSAGES.orgKeyNotAllowed);
    return;
  }
  if (caller.kind === 'user' && state.membershipOf(orgId, caller.userId)?.member.role === 'admin') return;
  throw new NeonApiError(403, MESSAGES.forbidden);
}
