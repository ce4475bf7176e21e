import { NeonApiError, MESSAGES } from './errors.ts';
import type { NeonMemberRecord } from './seed-schema.ts';

/**
 * Keyset paging over organisation members (docs/providers/neon.md §3.4, §9).
 *
 * The cursor is standard base64 of `{"member_id":…,"sort_by":…}`, exactly like Neon's example:
 * it names the last member of the previous page, and the next page starts strictly after that
 * member's position. Ordering is total — ties on the sort key break on member id, and members
 * without `joined_at` sort last in both directions — so paging never repeats or skips a member
 * that did not change in between.
 */
export const SORT_BY_VALUES = ['email', 'role', 'joined_at'] as const;
export const SORT_ORDER_VALUES = ['asc', 'desc'] as const;
export type MembersSortBy = (typeof SORT_BY_VALUES)[number];
export type MembersSortOrder = (typeof SORT_ORDER_VALUES)[number];

export const MEMBERS_LIMIT_MIN = 1;
export const MEMBERS_LIMIT_MAX = 500;
export const MEMBERS_LIMIT_DEFAULT = 100;

export interface MembersQuery {
  sortBy: MembersSortBy;
  sortOrder: MembersSortOrder;
  limit: number;
  cursor?: string;
}

export interface MembersPage {
  members: NeonMemberRecord[];
  pagination: { next?: string; sort_by: MembersSortBy; sort_order: MembersSortOrder };
}

/** Parses the query string; any value present must be valid (an empty value is not "absent"). */
export function parseMembersQuery(params: URLSearchParams): MembersQuery {
  const sortBy = params.get('sort_by') ?? 'joined_at';
  if (!(SORT_BY_VALUES as readonly string[]).includes(sortBy)) {
    throw new NeonApiError(400, `invalid request: sort_by must be one of ${SORT_BY_VALUES.join(', ')}`);
  }
  const sortOrder = params.get('sort_order') ?? 'desc';
  if (!(SORT_ORDER_VALUES as readonly string[]).includes(sortOrder)) {
    throw new NeonApiError(400, `invalid request: sort_order must be one of ${SORT_ORDER_VALUES.join(', ')}`);
  }
  const rawLimit = params.get('limit');
  let limit = MEMBERS_LIMIT_DEFAULT;
  if (rawLimit !== null) {
    limit = /^[+-]?\d+$/.test(rawLimit) ? Number(rawLimit) : Number.NaN;
    if (!Number.isSafeInteger(limit) || limit < MEMBERS_LIMIT_MIN || limit > MEMBERS_LIMIT_MAX) {
      throw new NeonApiError(400, MESSAGES.invalidLimit);
    }
  }
  const cursor = params.get('cursor') ?? undefined;
  return { sortBy: sortBy as MembersSortBy, sortOrder: sortOrder as MembersSortOrder, limit, cursor };
}

export function encodeMembersCursor(memberId: string, sortBy: MembersSortBy): string {
  return Buffer.from(JSON.stringify({ member_id: memberId, sort_by: sortBy }), 'utf8').toString('base64');
}

/** The member id a cursor points at; 400 `invalid cursor` unless it is one we could have issued. */
export function decodeMembersCursor(cursor: string, sortBy: MembersSortBy): string {
  const invalid = () => new NeonApiError(400, MESSAGES.invalidCursor);
  // Buffer's decoder is lenient (it skips junk), so insist on canonical standard base64.
  if (cursor === '' || cursor.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(cursor)) throw invalid();
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (typeof decoded !== 'object' || decoded === null) throw invalid();
  const { member_id: memberId, sort_by: cursorSortBy } = decoded as Record<string, unknown>;
  if (typeof memberId !== 'string' || memberId === '') throw invalid();
  // A cursor is a position in one ordering; replaying it under another sort would skip or repeat.
  if (cursorSortBy !== sortBy) throw invalid();
  return memberId;
}

/** asc comparison of the sort key, `undefined` when the key is missing (only joined_at can be). */
function sortKey(record: NeonMemberRecord, sortBy: MembersSortBy): string | number | undefined {
  switch (sortBy) {
    case 'email':
      return record.user.email.toLowerCase();
    case 'role':
      return record.member.role;
    case 'joined_at': {
      if (record.member.joined_at === undefined) return undefined;
      const ms = Date.parse(record.member.joined_at);
      return Number.isNaN(ms) ? undefined : ms;
    }
  }
}

export function compareMembers(sortBy: MembersSortBy, sortOrder: MembersSortOrder) {
  const direction = sortOrder === 'asc' ? 1 : -1;
  return (a: NeonMemberRecord, b: NeonMemberRecord): number => {
    const ka = sortKey(a, sortBy);
    const kb = sortKey(b, sortBy);
    if (ka === undefined && kb !== undefined) return 1;
    if (kb === undefined && ka !== undefined) return -1;
    if (ka !== undefined && kb !== undefined && ka !== kb) return (ka < kb ? -1 : 1) * direction;
    if (a.member.id === b.member.id) return 0;
    return (a.member.id < b.member.id ? -1 : 1) * direction;
  };
}

/**
 * One page of `members`. `locate` finds the cursor's member even if it was removed since, so its
 * position can still be computed.
 */
export function pageMembers(members: NeonMemberRecord[], query: MembersQuery, locate: (memberId: string) => NeonMemberRecord | undefined): MembersPage {
  const compare = compareMembers(query.sortBy, query.sortOrder);
  const sorted = [...members].sort(compare);
  let start = 0;
  if (query.cursor !== undefined) {
    const anchor = locate(decodeMembersCursor(query.cursor, query.sortBy));
    if (!anchor) throw new NeonApiError(400, MESSAGES.invalidCursor);
    const after = sorted.findIndex((m) => compare(m, anchor) > 0);
    start = after < 0 ? sorted.length : after;
  }
  const page = sorted.slice(start, start + query.limit);
  const hasMore = start + page.length < sorted.length;
  const last = page.at(-1);
  return {
    members: page,
    pagination: {
      ...(hasMore && last ? { next: encodeMembersCursor(last.member.id, query.sortBy) } : {}),
      sort_by: query.sortBy,
      sort_order: query.sortOrder,
    },
  };
}
