import { createPrng, type Prng } from '../../../simulator-kit/prng.ts';
import { tokenCostMillicents, tokenFeeMillicents, type ModelPrice } from './pricing.ts';
import type { CursorActivity, CursorEvent, CursorKind, CursorMember, RequestType } from './seed-schema.ts';

/**
 * Deterministic activity for a seed: per member and day, usage events (model, tokens, how each
 * was billed) and the editor counters of the daily report. Billing follows how a Business seat
 * works: usage draws on the seat's included amount for the billing cycle first, then becomes
 * on-demand ("Usage-based") up to the member's effective limit, after which requests fall back to
 * the free model. Kinds are decided here, in integer millicents, and stored in the seed; the
 * simulator derives every amount from them at run time.
 */
export interface MemberProfile {
  /** Chance of activity on a weekday (weekends are a quarter of it). 0: never active. */
  activity: number;
  /** Events per active day, inclusive range. */
  events: [number, number];
  /** Relative weight per model. */
  models: Record<string, number>;
  /** Share of events sent with the member's own API key. */
  api_key?: number;
  max_mode?: number;
  /** Bugbot reviews per active day, inclusive range. */
  bugbot?: [number, number];
  /** Stops being active this many days before the clock (an idle member). */
  idle_last_days?: number;
}

export interface GenerateOptions {
  seed: number;
  clock: string;
  days: number;
  cycleStart: string;
  members: CursorMember[];
  profiles: Record<number, MemberProfile>;
  prices: ModelPrice[];
  tokenFeePerMillion: number;
  /** Included usage per seat per cycle, millicents. */
  includedPerCycle: number;
}

const DAY_MS = 86_400_000;
const TYPES: RequestType[] = ['agent', 'agent', 'agent', 'composer', 'chat', 'chat', 'cmdk'];
const EXTENSIONS = ['ts', 'tsx', 'py', 'go', 'rs', 'md', 'sql'];
const FREE_MODEL = 'cursor-small';

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** Billing cycles are monthly from the team's cycle start day; the start of the cycle holding `ms`. */
function cycleOf(ms: number, cycleStart: string): string {
  const anchor = new Date(`${cycleStart}T00:00:00Z`);
  const d = new Date(ms);
  let start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), anchor.getUTCDate());
  if (start > ms) start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - 1, anchor.getUTCDate());
  return dayOf(start);
}

function weighted(prng: Prng, weights: Record<string, number>): string {
  const entries = Object.entries(weights).filter(([, w]) => w > 0);
  let roll = prng.next() * entries.reduce((sum, [, w]) => sum + w, 0);
  for (const [key, w] of entries) {
    roll -= w;
    if (roll < 0) return key;
  }
  return entries[entries.length - 1][0];
}

function tokensFor(prng: Prng, maxMode: boolean, small: boolean) {
  const scale = (maxMode ? 3 : 1) * (small ? 0.2 : 1);
  const n = (min: number, max: number) => Math.round(prng.int(min, max) * scale);
  return { input: n(1_500, 40_000), output: n(200, 4_000), cache_write: n(0, 20_000), cache_read: n(0, 180_000) };
}

/** Effective on-demand cap in millicents, as §6.5 orders the limits; Infinity when none applies. */
export function limitMillicents(m: CursorMember): number {
  const dollars = [m.effective_per_user_limit_dollars, m.hard_limit_override_dollars, m.monthly_limit_dollars].find(
    (d): d is number => typeof d === 'number' && d > 0,
  );
  // Seed dollars have at most two decimals, so rounding the product recovers the exact cents.
  return dollars === undefined ? Number.POSITIVE_INFINITY : Math.round(dollars * 100) * 1000;
}

export function generateActivity(opts: GenerateOptions): { events: CursorEvent[]; activity: CursorActivity[] } {
  const prng = createPrng(opts.seed);
  const prices = new Map(opts.prices.map((p) => [p.model, p]));
  const lastDay = Date.parse(`${opts.clock}T00:00:00Z`);
  const events: CursorEvent[] = [];
  const activity: CursorActivity[] = [];
  for (const member of opts.members) {
    const profile = opts.profiles[member.id];
    if (!profile || profile.activity <= 0) continue;
    const limit = limitMillicents(member);
    const spent = new Map<string, { included: number; onDemand: number }>();
    let version = prng.int(0, 3);
    for (let d = lastDay - (opts.days - 1) * DAY_MS; d <= lastDay; d += DAY_MS) {
      const day = dayOf(d);
      if (day < member.joined || (member.removed !== null && day >= member.removed)) continue;
      if (profile.idle_last_days !== undefined && d > lastDay - profile.idle_last_days * DAY_MS) continue;
      if (new Date(d).getUTCDate() === 1) version++;
      const weekend = [0, 6].includes(new Date(d).getUTCDay());
      if (!prng.chance(weekend ? profile.activity / 4 : profile.activity)) continue;
      const cycle = cycleOf(d, opts.cycleStart);
      const budget = spent.get(cycle) ?? { included: 0, onDemand: 0 };
      spent.set(cycle, budget);
      const count = prng.int(profile.events[0], profile.events[1]);
      const bugbots = profile.bugbot ? prng.int(profile.bugbot[0], profile.bugbot[1]) : 0;
      const times = new Set<number>();
      while (times.size < count + bugbots) times.add(d + prng.int(7 * 3600_000, 20 * 3600_000));
      const sorted = [...times].sort((a, b) => a - b);
      const bugbotAt = new Set<number>();
      while (bugbotAt.size < bugbots) bugbotAt.add(sorted[prng.int(0, sorted.length - 1)]);
      const models: string[] = [];
      let lines = 0;
      for (const at of sorted) {
        const isBugbot = bugbotAt.has(at);
        const type: RequestType = isBugbot ? 'bugbot' : prng.pick(TYPES);
        let model = isBugbot ? 'claude-4-sonnet' : weighted(prng, profile.models);
        const maxMode = !isBugbot && prng.chance(profile.max_mode ?? 0);
        let kind: CursorKind;
        let tokens: CursorEvent['tokens'] = tokensFor(prng, maxMode, model === FREE_MODEL);
        if (isBugbot) kind = 'Included in Business';
        else if (prng.chance(0.02)) {
          kind = 'Errored, Not Charged';
          tokens = null;
        } else if (prng.chance(profile.api_key ?? 0)) kind = 'User API Key';
        else {
          const cost = tokenCostMillicents(tokens, prices.get(model)!);
          const fee = tokenFeeMillicents(tokens, opts.tokenFeePerMillion);
          if (cost === 0 || budget.included + cost <= opts.includedPerCycle) {
            kind = 'Included in Business';
            budget.included += cost;
          } else if (budget.onDemand + cost + fee <= limit) {
            kind = 'Usage-based';
            budget.onDemand += cost + fee;
          } else {
            // Over the limit: Cursor keeps the member working on the free model.
            model = FREE_MODEL;
            tokens = tokensFor(prng, false, true);
            kind = 'Included in Business';
          }
        }
        if (!isBugbot) {
          models.push(model);
          lines += prng.int(0, 60);
        }
        events.push({ at: new Date(at).toISOString(), user_id: member.id, model, kind, type, max_mode: maxMode, headless: isBugbot, tokens });
      }
      const applies = prng.int(0, Math.max(1, Math.ceil(count / 2)));
      const accepts = prng.int(0, applies);
      const tabsShown = prng.int(0, 250);
      const linesDeleted = prng.int(0, Math.ceil(lines / 3));
      activity.push({
        user_id: member.id,
        day,
        lines_added: lines,
        lines_deleted: linesDeleted,
        accepted_lines_added: prng.int(0, lines),
        accepted_lines_deleted: prng.int(0, linesDeleted),
        applies,
        accepts,
        rejects: prng.int(0, applies - accepts),
        tabs_shown: tabsShown,
        tabs_accepted: prng.int(0, Math.floor(tabsShown * 0.4)),
        client_version: `2.${(version % 4) + 1}.${10 + (version % 7)}`,
        ...(models.length ? { apply_extension: prng.pick(EXTENSIONS), tab_extension: prng.pick(EXTENSIONS) } : {}),
      });
    }
  }
  events.sort((a, b) => (a.at === b.at ? a.user_id - b.user_id : a.at < b.at ? -1 : 1));
  return { events, activity };
}
