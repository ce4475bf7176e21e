import type { NeonKey } from './seed-schema.ts';
import type { NeonState } from './state.ts';

/** Who is calling, derived from the bearer key (docs/providers/neon.md §2.1). */
export type NeonCaller =
  | { kind: 'user'; key: NeonKey; userId: string }
  | { kind: 'org'; key: NeonKey; orgId: string }
  | { kind: 'project'; key: NeonKey; orgId: string; projectId: string; creatorUserId: string };

/** `undefined` for a missing, malformed, unknown or revoked key: all of them are a plain 401. */
export function resolveCaller(state: NeonState, authorization: string | undefined): NeonCaller | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) return undefined;
  const key = state.keys.get(match[1]);
  if (!key || key.revoked) return undefined;
  switch (key.kind) {
    case 'user':
      return key.user_id && state.users.has(key.user_id) ? { kind: 'user', key, userId: key.user_id } : undefined;
    case 'org':
      return key.org_id && state.orgs.has(key.org_id) ? { kind: 'org', key, orgId: key.org_id } : undefined;
    case 'project': {
      if (!key.org_id || !state.orgs.has(key.org_id)) return undefined;
      // A seed may leave the creator out; any admin of the owning org is a plausible creator.
      const creatorUserId = key.user_id ?? state.members(key.org_id).find((m) => m.member.role === 'admin')?.member.user_id ?? key.org_id;
      return { kind: 'project', key, orgId: key.org_id, projectId: key.project_id ?? '', creatorUserId };
    }
  }
}

/** The `account_id` of `GET /auth`, which is also the bucket Neon's per-account rate limit uses. */
export function accountIdOf(caller: NeonCaller): string {
  switch (caller.kind) {
    case 'user':
      return caller.userId;
    case 'org':
      return caller.orgId;
    case 'project':
      return caller.creatorUserId;
  }
}
