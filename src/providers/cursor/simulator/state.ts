import { tokenCostMillicents, tokenFeeMillicents, type ModelPrice } from './pricing.ts';
import type { CursorActivity, CursorEvent, CursorMember, CursorSeed } from './seed-schema.ts';

/**
 * The live state of one running Cursor simulator: the seed plus indexes, and every number Cursor
 * reports derived from the events (docs/providers/sources.md §6.3, §6.4), in integer
 * millicents, so that they add up by construction:
 *
 * - an event's `chargedCents`: its tokens at list price ("Included in Business"; 0 for free Bugbot
 *   reviews), plus Cursor's token fee when "Usage-based"; 0 for "User API Key" and errored calls;
 * - a member's cycle `spendCents` = Σ chargedCents of their "Usage-based" events since the cycle
 *   start; `includedSpendCents` = Σ of their "Included in Business" events; `overallSpendCents` =
 *   the two together (the vendor's reading of §6.3; sources-additions.md §2.3 notes a third party's
 *   other reading);
 * - the daily report's request counts are counts of that member's events of that day.
 */
export const DAY_MS = 86_400_000;

export interface PricedEvent {
  event: CursorEvent;
  member: CursorMember;
  ms: number;
  /** Lower-cased, as usage events carry it. */
  email: string;
  /** Tokens at list price (`tokenUsage.totalCents`), millicents. */
  totalMc: number;
  /** Cursor's token fee, on "Usage-based" events only, millicents. */
  feeMc: number;
  /** `chargedCents`, millicents. */
  chargedMc: number;
}

export interface MemberCycleSpend {
  member: CursorMember;
  onDemandMc: number;
  includedMc: number;
  fastPremiumRequests: number;
}

export interface DailyRow {
  member: CursorMember;
  day: string;
  dayMs: number;
  activity: CursorActivity | undefined;
  events: PricedEvent[];
  isActive: boolean;
}

export const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const dayMs = (day: string) => Date.parse(`${day}T00:00:00Z`);

export class CursorState {
  seed!: CursorSeed;
  private members = new Map<number, CursorMember>();
  private byEmail = new Map<string, CursorMember>();
  private events: PricedEvent[] = [];
  private eventsByMemberDay = new Map<string, PricedEvent[]>();
  private activity = new Map<string, CursorActivity>();

  constructor(seed: CursorSeed) {
    this.load(seed);
  }

  load(seed: CursorSeed): void {
    this.seed = structuredClone(seed);
    this.members = new Map(this.seed.members.map((m) => [m.id, m]));
    this.byEmail = new Map(this.seed.members.map((m) => [m.email.toLowerCase(), m]));
    const prices = new Map<string, ModelPrice>(this.seed.pricing.models.map((p) => [p.model, p]));
    this.events = this.seed.events.map((event) => this.price(event, prices.get(event.model)!));
    this.events.sort((a, b) => a.ms - b.ms || a.member.id - b.member.id);
    this.eventsByMemberDay = new Map();
    for (const e of this.events) {
      const key = `${e.member.id}@${dayOf(e.ms)}`;
      const list = this.eventsByMemberDay.get(key) ?? [];
      list.push(e);
      this.eventsByMemberDay.set(key, list);
    }
    this.activity = new Map(this.seed.activity.map((a) => [`${a.user_id}@${a.day}`, a]));
  }

  snapshot(): CursorSeed {
    return structuredClone(this.seed);
  }

  /** The end of the clock day: the first instant without data. */
  get clockEndMs(): number {
    return dayMs(this.seed.clock) + DAY_MS;
  }

  get cycleStartMs(): number {
    return dayMs(this.seed.team.cycle_start);
  }

  keyStatus(key: string): 'valid' | 'revoked' | 'unknown' {
    const found = this.seed.api_keys.find((k) => k.key === key);
    return !found ? 'unknown' : found.revoked ? 'revoked' : 'valid';
  }

  allMembers(): CursorMember[] {
    return this.seed.members;
  }

  memberByEmail(email: string): CursorMember | undefined {
    return this.byEmail.get(email.toLowerCase());
  }

  memberById(id: number): CursorMember | undefined {
    return this.members.get(id);
  }

  private price(event: CursorEvent, price: ModelPrice): PricedEvent {
    const member = this.members.get(event.user_id)!;
    const listMc = event.tokens && event.kind !== 'User API Key' ? tokenCostMillicents(event.tokens, price) : 0;
    const feeMc = event.kind === 'Usage-based' && event.tokens ? tokenFeeMillicents(event.tokens, this.seed.pricing.token_fee_per_million) : 0;
    const chargedMc = event.kind === 'Usage-based' ? listMc + feeMc : event.kind === 'Included in Business' && event.type !== 'bugbot' ? listMc : 0;
    return { event, member, ms: Date.parse(event.at), email: member.email.toLowerCase(), totalMc: listMc, feeMc, chargedMc };
  }

  /** Events in [startMs, endMs] (both inclusive, as Cursor's bodies read), oldest first. */
  eventsBetween(startMs: number, endMs: number, filter: { email?: string; userId?: number } = {}): PricedEvent[] {
    const email = filter.email?.toLowerCase();
    return this.events.filter(
      (e) => e.ms >= startMs && e.ms <= endMs && (email === undefined || e.email === email) && (filter.userId === undefined || e.member.id === filter.userId),
    );
  }

  /** Current members (not removed), with their spend in the current billing cycle (§6.3). */
  cycleSpend(): MemberCycleSpend[] {
    const out = new Map<number, MemberCycleSpend>();
    for (const m of this.seed.members) if (m.removed === null) out.set(m.id, { member: m, onDemandMc: 0, includedMc: 0, fastPremiumRequests: 0 });
    for (const e of this.eventsBetween(this.cycleStartMs, this.clockEndMs - 1)) {
      const row = out.get(e.member.id);
      if (!row) continue;
      if (e.event.kind === 'Usage-based') row.onDemandMc += e.chargedMc;
      if (e.event.kind === 'Included in Business') {
        row.includedMc += e.chargedMc;
        // Premium requests: included calls on a priced model (not the free model, not Bugbot).
        if (e.event.type !== 'bugbot' && e.totalMc > 0) row.fastPremiumRequests++;
      }
    }
    return [...out.values()];
  }

  /**
   * The daily report's rows for the days overlapping [startMs, endMs]: one per member per day
   * the member was on the team, up to the clock day; users ordered by id, days in order.
   */
  dailyRows(startMs: number, endMs: number): DailyRow[] {
    const first = Math.floor(startMs / DAY_MS) * DAY_MS;
    const last = Math.min(Math.floor(endMs / DAY_MS) * DAY_MS, this.clockEndMs - DAY_MS);
    const rows: DailyRow[] = [];
    const members = [...this.seed.members].sort((a, b) => a.id - b.id);
    for (const member of members) {
      for (let d = first; d <= last; d += DAY_MS) {
        const day = dayOf(d);
        if (day < member.joined || (member.removed !== null && day >= member.removed)) continue;
        const events = this.eventsByMemberDay.get(`${member.id}@${day}`) ?? [];
        const activity = this.activity.get(`${member.id}@${day}`);
        const editing = activity !== undefined && (activity.tabs_shown > 0 || activity.applies > 0 || activity.lines_added > 0);
        rows.push({ member, day, dayMs: d, activity, events, isActive: editing || events.some((e) => e.event.type !== 'bugbot') });
      }
    }
    return rows;
  }
}
