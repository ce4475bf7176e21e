import { NeonApiError } from './errors.ts';
import { EMAIL_PATTERN, MEMBER_ROLES, type MemberRole } from './seed-schema.ts';

/**
 * Body validation for the write operations. Messages follow the one real Neon validation error
 * on record: `invalid request: decode application/json: invalid: project (field required)`.
 */
function invalid(path: string, reason: string): NeonApiError {
  return new NeonApiError(400, `invalid request: decode application/json: invalid: ${path} (${reason})`);
}

function asObject(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(path, 'expected an object');
  return value as Record<string, unknown>;
}

function role(value: unknown, path: string): MemberRole {
  if (value === undefined) throw invalid(path, 'field required');
  if (typeof value !== 'string' || !(MEMBER_ROLES as readonly string[]).includes(value)) {
    throw invalid(path, `invalid value ${JSON.stringify(value)}, expected one of ${MEMBER_ROLES.join(', ')}`);
  }
  return value as MemberRole;
}

function email(value: unknown, path: string): string {
  if (value === undefined) throw invalid(path, 'field required');
  if (typeof value !== 'string' || value.length > 256 || !EMAIL_PATTERN.test(value)) {
    throw invalid(path, `invalid email ${JSON.stringify(value)}`);
  }
  return value;
}

/** `OrganizationMemberUpdateRequest` */
export function parseMemberUpdate(body: unknown): { role: MemberRole } {
  const obj = asObject(body, 'body');
  return { role: role(obj.role, 'role') };
}

/** `OrganizationInvitesCreateRequest` */
export function parseInvitesCreate(body: unknown): { invitations: { email: string; role: MemberRole }[] } {
  const obj = asObject(body, 'body');
  if (obj.invitations === undefined) throw invalid('invitations', 'field required');
  if (!Array.isArray(obj.invitations)) throw invalid('invitations', 'expected an array');
  return {
    invitations: obj.invitations.map((item, i) => {
      const inv = asObject(item, `invitations[${i}]`);
      return { email: email(inv.email, `invitations[${i}].email`), role: role(inv.role, `invitations[${i}].role`) };
    }),
  };
}

/** `SpendingLimitUpdateRequest`: a positive integer; clearing is a DELETE, not 0 or null. */
export function parseSpendingLimitUpdate(body: unknown): { spending_limit_cents: number } {
  const obj = asObject(body, 'body');
  const cents = obj.spending_limit_cents;
  if (cents === undefined) throw invalid('spending_limit_cents', 'field required');
  if (typeof cents !== 'number' || !Number.isSafeInteger(cents) || cents < 1) {
    throw invalid('spending_limit_cents', 'must be an integer of at least 1');
  }
  return { spending_limit_cents: cents };
}
