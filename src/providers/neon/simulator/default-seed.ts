import { createPrng } from '../../../simulator-kit/prng.ts';
import { defaultNeonConsumption } from './default-consumption.ts';
import { generateMembers } from './member-generator.ts';
import type { NeonInvitation, NeonMemberRecord, NeonSeed, NeonUser } from './seed-schema.ts';

/**
 * The seed the simulator starts with unless told otherwise (docs/providers/neon.md §10 "Fixtures that must
 * exist"). Spec-example ids are used verbatim so docs, tests and the sandbox can all quote them.
 */

/** Neon's own example org (§3.3). */
export const DEFAULT_NEON_ORG_ID = 'my-organization-morning-bread-81040908';
/** The paging org: more than 500 members, so a full scan needs several pages even at limit=500. */
export const DEFAULT_NEON_BIG_ORG_ID = 'org-ocean-art-12345678';
export const DEFAULT_NEON_BIG_ORG_MEMBER_COUNT = 1200;
/** An org the default keys cannot see: a valid id that must give 404. */
export const DEFAULT_NEON_HIDDEN_ORG_ID = 'org-quiet-river-87654321';

/** Keys present in defaultNeonSeed(); 64 lower-case letters and digits, like real Neon keys. */
export const DEFAULT_NEON_KEYS: { personal: string; org: string; project: string } = {
  /** Personal key of user1@email.com, admin of the example org and of the paging org. */
  personal: 'qhrafgl3kewdpu9igbu3cz9z0qr2nnnldi6864s9f3rm6c12w0nialwyca3n390t',
  /** Org key of the example org. */
  org: 'rrlqfonne57l9vbteriexlphgfqzfb1ajyqwoh9femcryzqvxq6fxo1iih5bk253',
  /** Project-scoped key for a project of the example org, created by user1. */
  project: 'dlbasgqtldiw6aqbxikphii8d45k6vscx3imgu7o3vdh5ze716on28lglgkfahkr',
};

/** More keys in defaultNeonSeed(), for permission and revocation tests. */
export const DEFAULT_NEON_EXTRA_KEYS = {
  /** Personal key of user2@email.com, a plain `member` of the example org (cannot write). */
  nonAdminPersonal: 'uy7gr8rqati2yaj448r8v8zwmalr0fhsjzp9nminwvkq3zvqwhumv2vuefcoav54',
  /** A revoked personal key of user1: always 401. */
  revoked: 'tq2k2u1tatmribzqdrq90g1svrixiinl3wxfey0f6zbp5xfx2asbw8k2svq94n4j',
  /** Org key of the paging org. */
  bigOrg: '6q1803w69oi9xp4eqiame534fi4gas8s5esm803gem0okkzmxed8yctwkk2kdsbh',
} as const;

/** Ids of the hand-placed fixtures in the example org. */
export const DEFAULT_NEON_FIXTURE_IDS = {
  adminUserId: 'b107d689-6dd2-4c9a-8b9e-0b25e457cf56',
  adminMemberId: 'd57833f2-d308-4ede-9d2e-468d9d013d1b',
  memberUserId: '6df052ac-ca9a-4321-8963-b6507b2d7dee',
  memberMemberId: '5fee13ac-957b-40cd-8de0-4d494cc28e28',
  deactivatedMemberId: '3c1f9a52-7e4b-4d0a-9f6e-2b8c5d1a7e93',
  noJoinedAtMemberId: '9e4b7c2d-5a1f-4e8b-b3c6-0d7f1a9e2c58',
  editorMemberId: '47d2e9a1-3b6c-4f8e-9a0d-1c5e7b3f2a86',
  viewerMemberId: '6b3f0d8e-2c7a-4e1b-8d5f-9a4c1e7b0d23',
  collaboratorMemberId: 'e2a7c5f1-0b9d-4d3e-a6f8-4c2b8e1d9a75',
  acceptedInviteeMemberId: 'a8f3c1e6-4d2b-4a9f-8e7c-2b5d9f0a3c14',
  /** Pending, invited_by an email (Neon's spec example). */
  pendingInvitationId: 'db8faf32-b07f-4b0f-94c8-5c288909f5d3',
  /** Pending, invited_by an email (Neon's second spec example). */
  pendingInvitation2Id: 'c52f0d22-ebd9-4708-ae44-2872cae49a83',
  /** Pending, invited_by a user uuid (what the schema says). */
  uuidInvitedByInvitationId: 'f1c8b3e5-6a2d-4b9f-8c7e-3a0d5f2b9e41',
  /** Accepted: its email is also a member, and it stays listed. */
  acceptedInvitationId: '4e9a2c7f-8b1d-4f3e-9a6c-0d2b7e5f1a83',
  /** The admin's membership in the paging org. */
  bigOrgAdminMemberId: '2b8e5f1a-9c3d-4e7b-8a6f-1d4c7e0b3a59',
  /** A Neon account with no membership anywhere: inviting it makes it a member at once. */
  unaffiliatedUserId: '0d5e8b2f-3c7a-4e1d-9b6f-8a2c4e0d7f15',
} as const;

const ID = DEFAULT_NEON_FIXTURE_IDS;
const ORG = DEFAULT_NEON_ORG_ID;

function member(
  id: string,
  userId: string,
  role: string,
  email: string,
  joinedAt: string | undefined,
  user: Omit<NeonMemberRecord['user'], 'email'> = {},
  orgId = ORG,
): NeonMemberRecord {
  return {
    org_id: orgId,
    member: { id, user_id: userId, org_id: orgId, role, ...(joinedAt ? { joined_at: joinedAt } : {}) },
    user: { email, ...user },
  };
}

export function defaultNeonSeed(): NeonSeed {
  const rng = createPrng(20240223);

  const users: NeonUser[] = [
    { id: ID.adminUserId, email: 'user1@email.com', name: 'User', last_name: 'One', image: '', login: 'user1', provider: 'github', plan: 'scale' },
    { id: ID.memberUserId, email: 'user2@email.com', name: 'User', last_name: 'Two', image: '', login: 'user2', provider: 'google', plan: 'scale' },
    {
      id: ID.unaffiliatedUserId,
      email: 'casey.newcomer@email.com',
      name: 'Casey',
      last_name: 'Newcomer',
      image: '',
      login: 'caseynewcomer',
      provider: 'google',
      plan: 'free_v3',
    },
  ];

  const handPlaced: NeonMemberRecord[] = [
    member(ID.adminMemberId, ID.adminUserId, 'admin', 'user1@email.com', '2024-02-23T17:42:25Z'),
    member(ID.memberMemberId, ID.memberUserId, 'member', 'user2@email.com', '2024-02-21T16:42:25Z'),
    member(ID.deactivatedMemberId, '8a2d4f61-1c3e-4b7a-a5d9-6e0f2c4b8d17', 'member', 'deactivated.user@email.com', '2024-03-02T09:00:00Z', {
      has_mfa: false,
      deactivated_at: '2024-09-15T12:00:00Z',
    }),
    member(ID.noJoinedAtMemberId, '2f6a8c1e-9d3b-4a7f-8e2c-5b1d0f7a3c94', 'viewer', 'no.joined.at@email.com', undefined),
    // Editor and viewer joined in the same second: sorting by joined_at has to break the tie.
    member(ID.editorMemberId, 'c8e1a5d3-6f2b-4c9e-b7a4-3d0e8f1c6b52', 'editor', 'editor.user@email.com', '2024-03-10T14:30:00Z', { has_mfa: true }),
    member(ID.viewerMemberId, '1e9c7a4b-8d2f-4b6e-9c1a-7f3d5b0e8a46', 'viewer', 'viewer.user@email.com', '2024-03-10T14:30:00Z', { has_mfa: false }),
    member(ID.collaboratorMemberId, '5d0b3e8f-7a1c-4f9d-b2e6-8c4a0f6d1b39', 'collaborator', 'collaborator@partner.example.com', '2024-04-01T08:00:00Z'),
    member(ID.acceptedInviteeMemberId, '7c4e2a9d-1f8b-4e6c-a3d0-9b5f1e7c2a68', 'member', 'accepted.invitee@email.com', '2024-03-05T10:20:00Z', {
      has_mfa: true,
    }),
  ];
  // user1 stays the example org's only admin, so "the last admin cannot be removed" has a fixture.
  const exampleFiller = generateMembers(rng, {
    orgId: ORG,
    count: 24,
    emailDomain: 'email.com',
    startMs: Date.UTC(2024, 3, 2),
    endMs: Date.UTC(2025, 5, 30),
    takenEmails: new Set(handPlaced.map((m) => m.user.email)),
    allowAdmins: false,
  });

  const bigOrgMembers: NeonMemberRecord[] = [
    member(ID.bigOrgAdminMemberId, ID.adminUserId, 'admin', 'user1@email.com', '2024-02-23T17:42:25Z', { has_mfa: true }, DEFAULT_NEON_BIG_ORG_ID),
    ...generateMembers(rng, {
      orgId: DEFAULT_NEON_BIG_ORG_ID,
      count: DEFAULT_NEON_BIG_ORG_MEMBER_COUNT - 1,
      emailDomain: 'acme.example.com',
      startMs: Date.UTC(2024, 1, 24),
      takenEmails: new Set(['user1@email.com']),
      allowAdmins: true,
    }),
  ];

  const hiddenOrgMembers: NeonMemberRecord[] = [
    member(
      '5a7c9e1b-3d5f-4a7c-9e1b-3d5f7a9c1e3b',
      '9b1d3f5a-7c9e-4b1d-8f5a-7c9e1b3d5f7a',
      'admin',
      'owner@quietriver.example.com',
      '2024-05-01T12:00:00Z',
      {},
      DEFAULT_NEON_HIDDEN_ORG_ID,
    ),
    ...generateMembers(rng, {
      orgId: DEFAULT_NEON_HIDDEN_ORG_ID,
      count: 2,
      emailDomain: 'quietriver.example.com',
      startMs: Date.UTC(2024, 4, 2),
      takenEmails: new Set(['owner@quietriver.example.com']),
      allowAdmins: false,
    }),
  ];

  const invitations: NeonInvitation[] = [
    { id: ID.pendingInvitationId, email: 'invited1@email.com', org_id: ORG, invited_by: 'some@email.com', role: 'admin', invited_at: '2024-02-23T17:42:25Z' },
    { id: ID.pendingInvitation2Id, email: 'invited2@email.com', org_id: ORG, invited_by: 'some@email.com', role: 'member', invited_at: '2024-02-23T12:42:25Z' },
    {
      id: ID.uuidInvitedByInvitationId,
      email: 'invited3@email.com',
      org_id: ORG,
      invited_by: ID.adminUserId,
      role: 'editor',
      invited_at: '2024-03-12T11:05:00Z',
    },
    {
      id: ID.acceptedInvitationId,
      email: 'accepted.invitee@email.com',
      org_id: ORG,
      invited_by: ID.adminUserId,
      role: 'member',
      invited_at: '2024-03-04T16:00:00Z',
    },
    {
      id: 'b3d5f7a9-1c3e-4d5f-a7b9-c1e3f5a7b9d1',
      email: 'new.hire@acme.example.com',
      org_id: DEFAULT_NEON_BIG_ORG_ID,
      invited_by: ID.adminUserId,
      role: 'viewer',
      invited_at: '2025-06-02T09:30:00Z',
    },
  ];

  return {
    users,
    orgs: [
      {
        id: ORG,
        name: 'my-organization',
        handle: 'my-organization-my-organization-morning-bread-81040908',
        plan: 'scale',
        managed_by: 'console',
        created_at: '2024-02-23T17:42:25Z',
        updated_at: '2024-02-26T20:41:25Z',
        require_mfa: false,
      },
      {
        id: DEFAULT_NEON_BIG_ORG_ID,
        name: 'Acme',
        handle: 'acme-org-ocean-art-12345678',
        plan: 'scale',
        managed_by: 'console',
        created_at: '2024-02-23T17:42:25Z',
        updated_at: '2024-02-26T20:41:25Z',
        allow_hipaa_projects: false,
        require_mfa: false,
      },
      {
        id: DEFAULT_NEON_HIDDEN_ORG_ID,
        name: 'Quiet River Labs',
        handle: 'quiet-river-labs-org-quiet-river-87654321',
        plan: 'launch',
        managed_by: 'console',
        created_at: '2024-05-01T12:00:00Z',
        updated_at: '2024-05-01T12:00:00Z',
      },
    ],
    members: [...handPlaced, ...exampleFiller, ...bigOrgMembers, ...hiddenOrgMembers],
    invitations,
    keys: [
      { token: DEFAULT_NEON_KEYS.personal, kind: 'user', user_id: ID.adminUserId, revoked: false },
      { token: DEFAULT_NEON_KEYS.org, kind: 'org', org_id: ORG, revoked: false },
      { token: DEFAULT_NEON_KEYS.project, kind: 'project', org_id: ORG, project_id: 'winter-boat-259881', user_id: ID.adminUserId, revoked: false },
      { token: DEFAULT_NEON_EXTRA_KEYS.nonAdminPersonal, kind: 'user', user_id: ID.memberUserId, revoked: false },
      { token: DEFAULT_NEON_EXTRA_KEYS.revoked, kind: 'user', user_id: ID.adminUserId, revoked: true },
      { token: DEFAULT_NEON_EXTRA_KEYS.bigOrg, kind: 'org', org_id: DEFAULT_NEON_BIG_ORG_ID, revoked: false },
    ],
    spending_limits: { [ORG]: 100_000, [DEFAULT_NEON_BIG_ORG_ID]: null },
    // Four projects of the example org and one of Acme, with 90 days of usage (default-consumption.ts).
    ...defaultNeonConsumption(ORG, DEFAULT_NEON_BIG_ORG_ID),
  };
}
