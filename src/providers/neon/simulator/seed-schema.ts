import { z } from 'zod';
import { parseSeedWith } from '../../../simulator-kit/seed.ts';
import { checkConsumptionSeed, neonConsumptionDaySchema, neonProjectSchema } from './consumption-schema.ts';

/**
 * The simulator's seed format (docs/providers/neon.md §10). Entities use Neon's own wire shapes where one
 * exists (Organization, Member, MemberUserInfo, Invitation), so a seed can be pasted from real
 * responses. Loading validates everything up front and names the offending path, because a bad
 * seed otherwise surfaces as a baffling 404 three calls later.
 */

export const MEMBER_ROLES = ['admin', 'member', 'editor', 'viewer', 'collaborator'] as const;
export type MemberRole = (typeof MEMBER_ROLES)[number];

export const ORG_ID_PATTERN = /^[a-z0-9-]{1,60}$/;
/** Loose 8-4-4-4-12 hex, like ajv-formats' `uuid`: real Neon ids are not all RFC-4122-versioned. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** RFC 3339 with a zone; Neon emits `Z` and no fraction, but seeds may carry either. */
const DATE_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const uuid = z.string().regex(UUID_PATTERN, 'must be a uuid');
const orgId = z.string().regex(ORG_ID_PATTERN, 'must match ^[a-z0-9-]{1,60}$');
const dateTime = z.string().regex(DATE_TIME_PATTERN, 'must be an RFC 3339 date-time');
const email = z.string().max(256).regex(EMAIL_PATTERN, 'must be an email address');
/**
 * Seeds may hold roles newer than MemberRole, so clients can be tested on unknown values
 * (docs/providers/neon.md §8); only PATCH and POST bodies are held to the enum.
 */
const role = z.string().min(1);

export const IDENTITY_PROVIDERS = ['github', 'google', 'hasura', 'microsoft', 'microsoftv2', 'vercelmp', 'keycloak'] as const;

export const neonUserSchema = z.object({
  id: uuid,
  email,
  name: z.string(),
  last_name: z.string().default(''),
  image: z.string().default(''),
  /** Deprecated upstream in favour of email; defaults to the email's local part. */
  login: z.string().optional(),
  provider: z.enum(IDENTITY_PROVIDERS).default('google'),
  plan: z.string().default('scale'),
});

export const neonOrganizationSchema = z.looseObject({
  id: orgId,
  name: z.string(),
  handle: z.string(),
  plan: z.string(),
  created_at: dateTime,
  updated_at: dateTime,
  managed_by: z.string().default('console'),
  allow_hipaa_projects: z.boolean().optional(),
  require_mfa: z.boolean().optional(),
});

export const neonMemberSchema = z.looseObject({
  id: uuid,
  user_id: uuid,
  org_id: orgId,
  role,
  joined_at: dateTime.optional(),
});

export const neonMemberUserInfoSchema = z.looseObject({
  email,
  has_mfa: z.boolean().optional(),
  deactivated_at: dateTime.optional(),
});

export const neonMemberRecordSchema = z.object({
  org_id: orgId,
  member: neonMemberSchema,
  user: neonMemberUserInfoSchema,
});

export const neonInvitationSchema = z.looseObject({
  id: uuid,
  email,
  org_id: orgId,
  /** Opaque: the schema says user id, Neon's own example holds an email (docs/providers/neon.md §3.6). */
  invited_by: z.string().min(1),
  invited_at: dateTime,
  role,
});

export const neonKeySchema = z.object({
  token: z.string().min(1),
  kind: z.enum(['user', 'org', 'project']),
  /** user: the owner. project: the admin who created it (what /auth reports). */
  user_id: uuid.optional(),
  /** org and project: the owning org. */
  org_id: orgId.optional(),
  project_id: z.string().regex(ORG_ID_PATTERN, 'must match ^[a-z0-9-]{1,60}$').optional(),
  revoked: z.boolean().default(false),
});

/**
 * Unknown top-level keys are errors (a typo such as `member:` would otherwise load an empty org).
 * Organizations, members, member users and invitations are loose instead: extra fields pass
 * through to responses verbatim, so clients can be tested against fields newer than 2.7.3.
 */
export const neonSeedSchema = z
  .strictObject({
    users: z.array(neonUserSchema).default([]),
    orgs: z.array(neonOrganizationSchema).default([]),
    members: z.array(neonMemberRecordSchema).default([]),
    invitations: z.array(neonInvitationSchema).default([]),
    keys: z.array(neonKeySchema).default([]),
    /** org id → monthly cap in cents, or null for "no limit". Orgs left out have no limit. */
    spending_limits: z.record(z.string(), z.number().int().min(1).nullable()).default({}),
    /** Projects and their usage per day (docs/providers/neon.md §7, §10; consumption-schema.ts). Optional: older seeds have neither. */
    projects: z.array(neonProjectSchema).default([]),
    consumption: z.array(neonConsumptionDaySchema).default([]),
  })
  .superRefine((seed, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const userIds = new Set<string>();
    seed.users.forEach((u, i) => {
      if (userIds.has(u.id)) issue(['users', i, 'id'], `duplicate user id ${u.id}`);
      userIds.add(u.id);
    });
    const orgIds = new Set<string>();
    seed.orgs.forEach((o, i) => {
      if (orgIds.has(o.id)) issue(['orgs', i, 'id'], `duplicate org id ${o.id}`);
      orgIds.add(o.id);
    });
    const memberIds = new Set<string>();
    const membership = new Set<string>();
    seed.members.forEach((m, i) => {
      if (!orgIds.has(m.org_id)) issue(['members', i, 'org_id'], `unknown org ${m.org_id}`);
      if (m.member.org_id !== m.org_id) issue(['members', i, 'member', 'org_id'], 'must equal the record org_id');
      if (memberIds.has(m.member.id)) issue(['members', i, 'member', 'id'], `duplicate member id ${m.member.id}`);
      memberIds.add(m.member.id);
      const pair = `${m.org_id}/${m.member.user_id}`;
      if (membership.has(pair)) issue(['members', i, 'member', 'user_id'], `user ${m.member.user_id} is already a member of ${m.org_id}`);
      membership.add(pair);
    });
    const invitationIds = new Set<string>();
    seed.invitations.forEach((inv, i) => {
      if (!orgIds.has(inv.org_id)) issue(['invitations', i, 'org_id'], `unknown org ${inv.org_id}`);
      if (invitationIds.has(inv.id)) issue(['invitations', i, 'id'], `duplicate invitation id ${inv.id}`);
      invitationIds.add(inv.id);
    });
    const tokens = new Set<string>();
    seed.keys.forEach((k, i) => {
      if (tokens.has(k.token)) issue(['keys', i, 'token'], 'duplicate token');
      tokens.add(k.token);
      if (k.kind === 'user') {
        if (!k.user_id) issue(['keys', i, 'user_id'], 'a user key needs user_id');
        else if (!userIds.has(k.user_id)) issue(['keys', i, 'user_id'], `unknown user ${k.user_id}`);
      } else {
        if (!k.org_id) issue(['keys', i, 'org_id'], `a ${k.kind} key needs org_id`);
        else if (!orgIds.has(k.org_id)) issue(['keys', i, 'org_id'], `unknown org ${k.org_id}`);
      }
      if (k.kind === 'project' && !k.project_id) issue(['keys', i, 'project_id'], 'a project key needs project_id');
    });
    for (const id of Object.keys(seed.spending_limits)) {
      if (!orgIds.has(id)) issue(['spending_limits', id], `unknown org ${id}`);
    }
    checkConsumptionSeed(seed, orgIds, issue);
  });

/** A validated seed, every default filled in. */
export type NeonSeed = z.output<typeof neonSeedSchema>;
/** What a seed file or `POST /__sim/seed` may contain: defaults may be left out. */
export type NeonSeedInput = z.input<typeof neonSeedSchema>;
export type NeonUser = z.output<typeof neonUserSchema>;
export type NeonOrganization = z.output<typeof neonOrganizationSchema>;
export type NeonMember = z.output<typeof neonMemberSchema>;
export type NeonMemberUserInfo = z.output<typeof neonMemberUserInfoSchema>;
export type NeonMemberRecord = z.output<typeof neonMemberRecordSchema>;
export type NeonInvitation = z.output<typeof neonInvitationSchema>;
export type NeonKey = z.output<typeof neonKeySchema>;
export type NeonKeyKind = NeonKey['kind'];

/** Validates a seed; throws InvalidSeedError listing every problem as `path: message`. */
export function parseNeonSeed(input: unknown): NeonSeed {
  return parseSeedWith(neonSeedSchema, input, 'Neon');
}
