import { createPrng, type Prng } from '../../../simulator-kit/prng.ts';
import { rfc3339Seconds } from '../../../simulator-kit/time.ts';
import { capitalise, generateMembers, randomPerson } from './member-generator.ts';
import type { NeonInvitation, NeonMemberRecord, NeonSeed } from './seed-schema.ts';

export interface GenerateNeonSeedOptions {
  orgId?: string;
  orgName?: string;
  /** Members in the org, the key-holding admin included (at least 1). */
  members: number;
  /** Pending and accepted invitations, cycling: invited_by email, invited_by uuid, accepted. Default 3. */
  invitations?: number;
  /** PRNG seed; the same options always give the same seed. Default 1. */
  seed?: number;
}

const WORDS = ['morning', 'bread', 'ocean', 'art', 'silent', 'frost', 'winter', 'boat', 'quiet', 'river', 'amber', 'field', 'lunar', 'pine'];
const ORG_CREATED_MS = Date.UTC(2024, 1, 23, 17, 42, 25);

/**
 * One org with `members` members and an admin who holds a personal key, plus an org key and a
 * project-scoped key for that org. Deterministic for a given `seed`, so a generated seed is as
 * reproducible as a hand-written one.
 */
export function generateNeonSeed(opts: GenerateNeonSeedOptions): NeonSeed {
  if (!Number.isInteger(opts.members) || opts.members < 1) throw new Error('generateNeonSeed: members must be an integer >= 1');
  const rng = createPrng(opts.seed ?? 1);
  const orgId = opts.orgId ?? `${rng.pick(WORDS)}-${rng.pick(WORDS)}-${rng.int(10_000_000, 99_999_999)}`;
  const orgName = opts.orgName ?? `${capitalise(rng.pick(WORDS))} ${capitalise(rng.pick(WORDS))}`;
  const slug =
    orgName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'org';
  const domain = `${slug}.example.com`;

  const admin = randomPerson(rng);
  const adminUser = {
    id: rng.uuid(),
    email: `${admin.first}.${admin.last}@${domain}`,
    name: capitalise(admin.first),
    last_name: capitalise(admin.last),
    image: '',
    login: `${admin.first}${admin.last}`,
    provider: 'google' as const,
    plan: 'scale',
  };
  const adminRecord: NeonMemberRecord = {
    org_id: orgId,
    member: { id: rng.uuid(), user_id: adminUser.id, org_id: orgId, role: 'admin', joined_at: rfc3339Seconds(ORG_CREATED_MS) },
    user: { email: adminUser.email, has_mfa: true },
  };
  const members = [
    adminRecord,
    ...generateMembers(rng, {
      orgId,
      count: opts.members - 1,
      emailDomain: domain,
      startMs: ORG_CREATED_MS + 3_600_000,
      takenEmails: new Set([adminUser.email]),
      allowAdmins: true,
    }),
  ];

  return {
    users: [adminUser],
    orgs: [
      {
        id: orgId,
        name: orgName,
        handle: `${slug}-${orgId}`,
        plan: 'scale',
        created_at: rfc3339Seconds(ORG_CREATED_MS),
        updated_at: rfc3339Seconds(ORG_CREATED_MS + 3 * 86_400_000),
        managed_by: 'console',
        require_mfa: false,
      },
    ],
    members,
    invitations: generateInvitations(rng, orgId, adminUser, members, opts.invitations ?? 3),
    keys: [
      { token: rng.token(64), kind: 'user', user_id: adminUser.id, revoked: false },
      { token: rng.token(64), kind: 'org', org_id: orgId, revoked: false },
      {
        token: rng.token(64),
        kind: 'project',
        org_id: orgId,
        project_id: `${rng.pick(WORDS)}-${rng.pick(WORDS)}-${rng.int(10_000_000, 99_999_999)}`,
        user_id: adminUser.id,
        revoked: false,
      },
    ],
    spending_limits: { [orgId]: rng.pick([null, 50_000, 250_000]) },
    projects: [],
    consumption: [],
  };
}

function generateInvitations(rng: Prng, orgId: string, admin: { id: string; email: string }, members: NeonMemberRecord[], count: number): NeonInvitation[] {
  const acceptable = members.slice(1).filter((m) => m.member.joined_at !== undefined);
  const invitations: NeonInvitation[] = [];
  for (let i = 0; i < count; i++) {
    const kind = i % 3;
    const accepted = kind === 2 && acceptable.length > 0 ? acceptable[(i * 7) % acceptable.length] : undefined;
    if (accepted) {
      const joinedMs = Date.parse(accepted.member.joined_at!);
      invitations.push({
        id: rng.uuid(),
        email: accepted.user.email,
        org_id: orgId,
        invited_by: admin.id,
        invited_at: rfc3339Seconds(joinedMs - rng.int(1, 48) * 3_600_000),
        role: accepted.member.role,
      });
      continue;
    }
    const person = randomPerson(rng);
    invitations.push({
      id: rng.uuid(),
      email: `${person.first}.${person.last}.invitee${i + 1}@example.org`,
      org_id: orgId,
      // Neon's own example puts an email here while the schema says user id; seeds carry both.
      invited_by: kind === 0 ? admin.email : admin.id,
      invited_at: rfc3339Seconds(ORG_CREATED_MS + rng.int(1, 400) * 86_400_000),
      role: rng.pick(['admin', 'member', 'editor', 'viewer', 'collaborator']),
    });
  }
  return invitations;
}
