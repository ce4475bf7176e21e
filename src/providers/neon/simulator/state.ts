import type { ConsumptionMetric, NeonConsumptionDay, NeonProject } from './consumption-schema.ts';
import {
  parseNeonSeed,
  type NeonInvitation,
  type NeonKey,
  type NeonMemberRecord,
  type NeonOrganization,
  type NeonSeed,
  type NeonSeedInput,
  type NeonUser,
} from './seed-schema.ts';

/**
 * The simulator's live, in-memory Neon account data. One object for the simulator's lifetime:
 * reset and re-seed replace its contents in place, so a reference held by a test stays live.
 * Getters hand out the stored objects; routes copy before serialising, tests may inspect freely.
 */
export class NeonState {
  users = new Map<string, NeonUser>();
  /** Insertion order is the order /users/me/organizations lists them in. */
  orgs = new Map<string, NeonOrganization>();
  /** org id → member id → record, in seed (then join) order. */
  private membersByOrg = new Map<string, Map<string, NeonMemberRecord>>();
  /**
   * Removed members, kept so a cursor that points at one still has a position: the members
   * cursor holds only a member id (docs/providers/neon.md §3.4), and removing that member mid-scan must not
   * break the scan.
   */
  private removedMembers = new Map<string, NeonMemberRecord>();
  private invitationsByOrg = new Map<string, NeonInvitation[]>();
  keys = new Map<string, NeonKey>();
  spendingLimits = new Map<string, number | null>();
  /** Projects in seed order; consumption pages sort them (newest first). */
  projects = new Map<string, NeonProject>();
  /** project id → UTC day (`YYYY-MM-DD`) → that day's metrics; a missing day or metric is 0. */
  private consumptionByProject = new Map<string, Map<string, Partial<Record<ConsumptionMetric, number>>>>();
  /**
   * The consumption clock: the end of the latest seeded day (docs/providers/neon.md §7). The
   * billing period holding it is the current one (no `period_end`) and nothing is reported after
   * it. Seeds without consumption fall back to the wall clock.
   */
  consumptionAsOfMs = Date.now();

  /** `validated: true` skips validation for a seed that came out of parseNeonSeed already. */
  constructor(seed: NeonSeed | NeonSeedInput, opts: { validated?: boolean } = {}) {
    if (opts.validated) this.loadValidated(seed as NeonSeed);
    else this.load(seed);
  }

  /** Replaces everything with a validated copy of `seed`; throws InvalidSeedError. */
  load(seed: NeonSeed | NeonSeedInput): void {
    // zod builds fresh objects, so the caller's seed is never shared with live state.
    this.replaceWith(parseNeonSeed(seed));
  }

  /** Like load() for a seed parseNeonSeed already returned; copies it, so it can be reused (reset). */
  loadValidated(seed: NeonSeed): void {
    this.replaceWith(structuredClone(seed));
  }

  private replaceWith(s: NeonSeed): void {
    this.users = new Map(s.users.map((u) => [u.id, u]));
    this.orgs = new Map(s.orgs.map((o) => [o.id, o]));
    this.membersByOrg = new Map(s.orgs.map((o) => [o.id, new Map()]));
    for (const record of s.members) this.membersByOrg.get(record.org_id)!.set(record.member.id, record);
    this.removedMembers = new Map();
    this.invitationsByOrg = new Map(s.orgs.map((o) => [o.id, []]));
    for (const inv of s.invitations) this.invitationsByOrg.get(inv.org_id)!.push(inv);
    this.keys = new Map(s.keys.map((k) => [k.token, k]));
    this.spendingLimits = new Map(Object.entries(s.spending_limits));
    this.projects = new Map(s.projects.map((p) => [p.id, p]));
    this.consumptionByProject = new Map(s.projects.map((p) => [p.id, new Map()]));
    let lastDay = '';
    for (const c of s.consumption) {
      this.consumptionByProject.get(c.project_id)!.set(c.date, c.metrics);
      if (c.date > lastDay) lastDay = c.date;
    }
    this.consumptionAsOfMs = lastDay ? Date.parse(`${lastDay}T00:00:00Z`) + 86_400_000 : Date.now();
  }

  /** The current state in seed format (a deep copy). */
  snapshot(): NeonSeed {
    const spending: Record<string, number | null> = {};
    for (const [id, cents] of this.spendingLimits) spending[id] = cents;
    return structuredClone({
      users: [...this.users.values()],
      orgs: [...this.orgs.values()],
      members: [...this.membersByOrg.values()].flatMap((m) => [...m.values()]),
      invitations: [...this.invitationsByOrg.values()].flat(),
      keys: [...this.keys.values()],
      spending_limits: spending,
      projects: [...this.projects.values()],
      consumption: [...this.consumptionByProject].flatMap(([project_id, days]) =>
        [...days].map(([date, metrics]): NeonConsumptionDay => ({ project_id, date, metrics })),
      ),
    });
  }

  /** The org's projects. */
  projectsOf(orgId: string): NeonProject[] {
    return [...this.projects.values()].filter((p) => p.org_id === orgId);
  }

  /** One metric of one project on one UTC day (`YYYY-MM-DD`); 0 when nothing was recorded. */
  dailyValue(projectId: string, day: string, metric: ConsumptionMetric): number {
    return this.consumptionByProject.get(projectId)?.get(day)?.[metric] ?? 0;
  }

  members(orgId: string): NeonMemberRecord[] {
    return [...(this.membersByOrg.get(orgId)?.values() ?? [])];
  }

  member(orgId: string, memberId: string): NeonMemberRecord | undefined {
    return this.membersByOrg.get(orgId)?.get(memberId);
  }

  /** A current or removed member, for positioning a cursor. */
  memberForCursor(orgId: string, memberId: string): NeonMemberRecord | undefined {
    const removed = this.removedMembers.get(memberId);
    return this.member(orgId, memberId) ?? (removed?.org_id === orgId ? removed : undefined);
  }

  membershipOf(orgId: string, userId: string): NeonMemberRecord | undefined {
    return this.members(orgId).find((m) => m.member.user_id === userId);
  }

  orgsOfUser(userId: string): NeonOrganization[] {
    return [...this.orgs.values()].filter((o) => this.membershipOf(o.id, userId) !== undefined);
  }

  adminCount(orgId: string): number {
    return this.members(orgId).filter((m) => m.member.role === 'admin').length;
  }

  addMember(record: NeonMemberRecord): void {
    this.membersByOrg.get(record.org_id)?.set(record.member.id, record);
  }

  removeMember(orgId: string, memberId: string): boolean {
    const record = this.member(orgId, memberId);
    if (!record) return false;
    this.membersByOrg.get(orgId)!.delete(memberId);
    this.removedMembers.set(memberId, record);
    return true;
  }

  invitations(orgId: string): NeonInvitation[] {
    return [...(this.invitationsByOrg.get(orgId) ?? [])];
  }

  addInvitation(invitation: NeonInvitation): void {
    this.invitationsByOrg.get(invitation.org_id)?.push(invitation);
  }

  /**
   * Whether some Neon account uses this email: a seeded user, or anyone who is a member of some
   * org. Invitees with an account join at once (docs/providers/neon.md §3.6).
   */
  accountByEmail(email: string): { user_id: string; email: string } | undefined {
    const wanted = email.toLowerCase();
    for (const u of this.users.values()) if (u.email.toLowerCase() === wanted) return { user_id: u.id, email: u.email };
    for (const byId of this.membersByOrg.values()) {
      for (const m of byId.values()) {
        if (m.user.email.toLowerCase() === wanted) return { user_id: m.member.user_id, email: m.user.email };
      }
    }
    return undefined;
  }
}
