import { generateActivity, type MemberProfile } from './generate-activity.ts';
import { DEFAULT_MODEL_PRICES, DEFAULT_TOKEN_FEE_PER_MILLION } from './pricing.ts';
import { parseCursorSeed, type CursorMember, type CursorSeed } from './seed-schema.ts';

/**
 * The sandbox team: 15 members (owners, members, a free owner, one removed) with 90 days of
 * activity up to the fixed clock, generated from a fixed PRNG seed. Hand-placed members cover
 * every shape the users mapping must handle (docs/providers/sources.md §6.5): a three-word
 * name, a single name, no name, each kind of spend limit (effective, hard override, monthly with
 * cents, a zero limit that means none), an idle member, a removed member, a member whose email
 * has capitals (usage events carry it lower-cased), a member on their own API key, and a free
 * owner who never uses Cursor.
 */
export const SEED_CLOCK = '2026-11-27';
export const SEED_DAYS = 90;
export const SEED_FIRST_DAY = '2026-08-30';
export const SEED_CYCLE_START = '2026-11-15';
/** Included usage per seat per cycle: $20, in millicents. */
export const INCLUDED_PER_CYCLE_MILLICENTS = 2_000_000;

export const DEFAULT_CURSOR_API_KEY = 'key_tessera_sandbox_admin_0001';
export const DEFAULT_CURSOR_REVOKED_KEY = 'key_tessera_sandbox_revoked_0002';
export const DEFAULT_CURSOR_TEAM = { id: 7001, name: 'Tessera Sandbox' } as const;

/** Member ids of the hand-placed fixtures. */
export const DEFAULT_CURSOR_FIXTURES = {
  owner: 100001,
  freeOwner: 100002,
  threeWords: 100003,
  singleName: 100004,
  effectiveLimit: 100005,
  hardOverride: 100006,
  centsLimit: 100007,
  zeroLimit: 100008,
  idle: 100009,
  removed: 100010,
  apiKeyUser: 100011,
  mixedCase: 100012,
  noName: 100013,
} as const;

const F = DEFAULT_CURSOR_FIXTURES;
const member = (m: Partial<CursorMember> & Pick<CursorMember, 'id' | 'name' | 'email'>): CursorMember => ({
  role: 'member',
  joined: '2025-06-02',
  removed: null,
  hard_limit_override_dollars: 0,
  monthly_limit_dollars: null,
  ...m,
});

export const DEFAULT_CURSOR_MEMBERS: CursorMember[] = [
  member({ id: F.owner, name: 'Ada Lovelace', email: 'ada@tessera.example', role: 'owner', joined: '2025-01-06' }),
  member({ id: F.freeOwner, name: 'Grace Hopper', email: 'grace@tessera.example', role: 'free-owner', joined: '2025-01-06' }),
  member({ id: F.threeWords, name: 'Mary Jane Watson', email: 'mj@tessera.example', monthly_limit_dollars: 100 }),
  member({ id: F.singleName, name: 'Prince', email: 'prince@tessera.example', monthly_limit_dollars: 100 }),
  member({ id: F.effectiveLimit, name: 'Linus Torvalds', email: 'linus@tessera.example', monthly_limit_dollars: 100, effective_per_user_limit_dollars: 75.5 }),
  member({ id: F.hardOverride, name: 'Margaret Hamilton', email: 'margaret@tessera.example', hard_limit_override_dollars: 250, monthly_limit_dollars: 100 }),
  member({ id: F.centsLimit, name: 'Alan Turing', email: 'alan@tessera.example', monthly_limit_dollars: 12.99 }),
  member({ id: F.zeroLimit, name: 'Katherine Johnson', email: 'katherine@tessera.example', monthly_limit_dollars: 0 }),
  member({ id: F.idle, name: 'Dennis Ritchie', email: 'dennis@tessera.example', monthly_limit_dollars: 100 }),
  member({ id: F.removed, name: 'Ken Thompson', email: 'ken@tessera.example', joined: '2025-02-03', removed: '2026-10-10', monthly_limit_dollars: 100 }),
  member({ id: F.apiKeyUser, name: 'Barbara Liskov', email: 'barbara@tessera.example', monthly_limit_dollars: 100 }),
  member({ id: F.mixedCase, name: 'Lin Chen', email: 'Lin.Chen@Tessera.example', joined: '2026-09-14', monthly_limit_dollars: 100 }),
  member({ id: F.noName, name: '', email: 'build-bot@tessera.example', monthly_limit_dollars: 100 }),
  member({ id: 100014, name: 'Edsger Dijkstra', email: 'edsger@tessera.example', monthly_limit_dollars: 100 }),
  member({ id: 100015, name: 'Frances Allen', email: 'frances@tessera.example', joined: '2026-10-19', monthly_limit_dollars: 100 }),
];

const everyday: Record<string, number> = { 'claude-4-sonnet': 4, 'gpt-5': 3, 'gemini-2.5-pro': 1, 'cursor-small': 1 };
const ordinary: MemberProfile = { activity: 0.7, events: [3, 12], models: everyday, max_mode: 0.05 };

export const DEFAULT_CURSOR_PROFILES: Record<number, MemberProfile> = {
  [F.owner]: { activity: 0.9, events: [10, 28], models: { 'claude-4-sonnet': 5, 'claude-4.1-opus': 2, 'gpt-5': 2 }, max_mode: 0.2, bugbot: [0, 2] },
  [F.threeWords]: ordinary,
  [F.singleName]: { ...ordinary, activity: 0.5 },
  [F.effectiveLimit]: { activity: 0.85, events: [12, 30], models: { 'claude-4.1-opus': 2, 'claude-4-sonnet': 3 }, max_mode: 0.1, bugbot: [0, 1] },
  [F.hardOverride]: { activity: 0.8, events: [10, 24], models: { 'claude-4-sonnet': 3, 'claude-4.1-opus': 1, 'gpt-5': 1 }, max_mode: 0.1 },
  [F.centsLimit]: { activity: 0.8, events: [10, 22], models: { 'claude-4.1-opus': 1, 'claude-4-sonnet': 2 }, max_mode: 0.1 },
  [F.zeroLimit]: ordinary,
  [F.idle]: { ...ordinary, idle_last_days: 40 },
  [F.removed]: ordinary,
  [F.apiKeyUser]: { ...ordinary, api_key: 0.6 },
  [F.mixedCase]: ordinary,
  [F.noName]: { activity: 0.4, events: [1, 4], models: { 'cursor-small': 1 }, bugbot: [1, 3] },
  100014: ordinary,
  100015: { ...ordinary, activity: 0.6 },
};

/** The PRNG seed of the sandbox's activity. */
export const DEFAULT_RANDOM_SEED = 0xc0501;

let cached: CursorSeed | undefined;

/** The deterministic sandbox seed (generated once per process, then cloned). */
export function defaultCursorSeed(): CursorSeed {
  cached ??= buildCursorSeed(DEFAULT_RANDOM_SEED);
  return structuredClone(cached);
}

/** The sandbox team with activity drawn from another PRNG seed (`--random-seed`): same members, other days. */
export function buildCursorSeed(randomSeed: number): CursorSeed {
  return parseCursorSeed({
    clock: SEED_CLOCK,
    team: { ...DEFAULT_CURSOR_TEAM, cycle_start: SEED_CYCLE_START },
    api_keys: [
      { key: DEFAULT_CURSOR_API_KEY, name: 'Tessera sandbox (read)' },
      { key: DEFAULT_CURSOR_REVOKED_KEY, name: 'Old dashboard key', revoked: true },
    ],
    members: DEFAULT_CURSOR_MEMBERS,
    pricing: { models: DEFAULT_MODEL_PRICES, token_fee_per_million: DEFAULT_TOKEN_FEE_PER_MILLION },
    ...generateActivity({
      seed: randomSeed,
      clock: SEED_CLOCK,
      days: SEED_DAYS,
      cycleStart: SEED_CYCLE_START,
      members: DEFAULT_CURSOR_MEMBERS,
      profiles: DEFAULT_CURSOR_PROFILES,
      prices: DEFAULT_MODEL_PRICES,
      tokenFeePerMillion: DEFAULT_TOKEN_FEE_PER_MILLION,
      includedPerCycle: INCLUDED_PER_CYCLE_MILLICENTS,
    }),
  });
}
