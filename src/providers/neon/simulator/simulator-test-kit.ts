/**
 * Shared pieces of the Neon simulator tests (simulator-*.test.ts): the default fixture keys and
 * ids, the member-list shapes, the Neon error assertion and a cursor-following member scan.
 * Each test file starts and stops its own simulator; this module holds no server state.
 */
import assert from 'node:assert/strict';
import { DEFAULT_NEON_BIG_ORG_ID, DEFAULT_NEON_EXTRA_KEYS, DEFAULT_NEON_KEYS, DEFAULT_NEON_ORG_ID, type NeonSimulator } from './index.ts';
import { simRequest, type SimResponse } from './sim-client.ts';

export const ORG = DEFAULT_NEON_ORG_ID;
export const BIG = DEFAULT_NEON_BIG_ORG_ID;
export const PERSONAL = DEFAULT_NEON_KEYS.personal;
export const ORG_KEY = DEFAULT_NEON_KEYS.org;
export const PROJECT = DEFAULT_NEON_KEYS.project;
export const NON_ADMIN = DEFAULT_NEON_EXTRA_KEYS.nonAdminPersonal;
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface MemberWithUser {
  member: { id: string; user_id: string; org_id: string; role: string; joined_at?: string };
  user: { email: string; has_mfa?: boolean; deactivated_at?: string };
}
export interface MembersPage {
  members: MemberWithUser[];
  pagination?: { next?: string; sort_by?: string; sort_order?: string };
}

export function assertNeonError(res: SimResponse, status: number, message?: string | RegExp): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  assert.deepEqual(Object.keys(res.body).sort(), ['code', 'message', 'request_id']);
  assert.equal(res.body.code, '');
  if (typeof message === 'string') assert.equal(res.body.message, message);
  else if (message) assert.match(res.body.message, message);
  assert.equal(res.body.request_id, res.requestId, 'request_id defaults to the response header id');
}

/** Follows `pagination.next` to the end; fails on a repeated cursor or a runaway scan. */
export async function scanMembers(sim: NeonSimulator, orgId: string, query: Record<string, string>, key = PERSONAL) {
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
