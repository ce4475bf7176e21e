import type { Prng } from '../../../simulator-kit/prng.ts';
import { rfc3339Seconds } from '../../../simulator-kit/time.ts';
import type { NeonMemberRecord } from './seed-schema.ts';

/**
 * Deterministic filler members with the variety a tolerant client must survive (docs/providers/neon.md §10):
 * deactivated users, a missing `joined_at`, every role, `has_mfa` present or absent, and joins
 * that share a timestamp (so sorting must break ties).
 */
const FIRST_NAMES = [
  'ada',
  'alan',
  'amara',
  'bao',
  'beatriz',
  'chen',
  'dario',
  'elif',
  'emeka',
  'farah',
  'grace',
  'hiro',
  'ines',
  'ivan',
  'jamal',
  'jun',
  'kavya',
  'lena',
  'luis',
  'maya',
  'mateo',
  'nadia',
  'noah',
  'olga',
  'omar',
  'priya',
  'quinn',
  'rafael',
  'sana',
  'soren',
  'tariq',
  'uma',
  'vera',
  'wei',
  'yara',
  'zoe',
];
const LAST_NAMES = [
  'abara',
  'berg',
  'costa',
  'dubois',
  'eriksen',
  'fischer',
  'garcia',
  'haddad',
  'ito',
  'jensen',
  'kowalski',
  'lopez',
  'meyer',
  'nakamura',
  'okafor',
  'petrov',
  'quispe',
  'rossi',
  'silva',
  'tanaka',
  'usman',
  'varga',
  'wang',
  'xu',
  'yilmaz',
  'zhang',
];

export type GeneratedTrait = 'deactivated' | 'no_joined_at' | 'editor' | 'viewer' | 'collaborator';
const ALL_TRAITS: readonly GeneratedTrait[] = ['deactivated', 'no_joined_at', 'editor', 'viewer', 'collaborator'];

export interface GenerateMembersOptions {
  orgId: string;
  count: number;
  emailDomain: string;
  /** Join time of the first generated member; later ones join after it. */
  startMs: number;
  /** Joins are spread so the last lands around here (fixed, never "now", to stay deterministic). */
  endMs?: number;
  /** Emails already used in this org (lower case); extended with every email generated. */
  takenEmails: Set<string>;
  /** Whether filler may be admins; off where a fixture relies on a single admin. */
  allowAdmins: boolean;
}

export function generateMembers(rng: Prng, opts: GenerateMembersOptions): NeonMemberRecord[] {
  const records: NeonMemberRecord[] = [];
  // The first slots carry one of each trait, so even small orgs have the full variety.
  const forced = ALL_TRAITS.slice(0, opts.count);
  let joinedMs = opts.startMs;
  const endMs = opts.endMs ?? Date.UTC(2025, 11, 31);
  const meanGapSeconds = Math.max(120, Math.floor((endMs - opts.startMs) / 1000 / Math.max(opts.count, 1)));
  for (let i = 0; i < opts.count; i++) {
    const trait = forced[i];
    // Roughly one join in thirty lands on the previous timestamp, exercising tie-breaks.
    if (i > 0 && !rng.chance(0.03)) joinedMs += rng.int(60, 2 * meanGapSeconds) * 1000;
    const role = trait === 'editor' || trait === 'viewer' || trait === 'collaborator' ? trait : randomRole(rng, opts.allowAdmins);
    const withoutJoinedAt = trait === 'no_joined_at' || (trait === undefined && rng.chance(0.01));
    const deactivated = trait === 'deactivated' || (trait === undefined && rng.chance(0.02));
    const emailAddress = uniqueEmail(rng, opts.emailDomain, opts.takenEmails);
    const user: NeonMemberRecord['user'] = { email: emailAddress };
    const mfa = rng.next();
    if (mfa < 0.35) user.has_mfa = true;
    else if (mfa < 0.7) user.has_mfa = false;
    if (deactivated) user.deactivated_at = rfc3339Seconds(joinedMs + rng.int(1, 30) * 86_400_000);
    records.push({
      org_id: opts.orgId,
      member: {
        id: rng.uuid(),
        user_id: rng.uuid(),
        org_id: opts.orgId,
        role,
        ...(withoutJoinedAt ? {} : { joined_at: rfc3339Seconds(joinedMs) }),
      },
      user,
    });
  }
  return records;
}

function randomRole(rng: Prng, allowAdmins: boolean): string {
  const roll = rng.next();
  if (allowAdmins && roll < 0.04) return 'admin';
  if (roll < 0.34) return 'member';
  if (roll < 0.64) return 'editor';
  if (roll < 0.9) return 'viewer';
  return 'collaborator';
}

export function randomPerson(rng: Prng): { first: string; last: string } {
  return { first: rng.pick(FIRST_NAMES), last: rng.pick(LAST_NAMES) };
}

export function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function uniqueEmail(rng: Prng, domain: string, taken: Set<string>): string {
  const { first, last } = randomPerson(rng);
  let candidate = `${first}.${last}@${domain}`;
  for (let n = 2; taken.has(candidate); n++) candidate = `${first}.${last}${n}@${domain}`;
  taken.add(candidate);
  return candidate;
}
