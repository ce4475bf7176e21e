import { createPrng, type Prng } from '../../../simulator-kit/prng.ts';
import type { AnthropicApiKey, AnthropicPricing, AnthropicSeed, AnthropicUser, UsageRecord } from './seed-schema.ts';

/**
 * The seed the simulator starts with unless told otherwise: one Claude Enterprise organization with
 * twelve members (Enterprise and Console roles, names with one, two and three words and one empty),
 * two pending invites and one accepted, three workspaces plus the default one, per-member spend
 * limits of every shape the users mapping must handle, and 90 days of per-minute message usage
 * ending at the seed clock across four Claude models. Everything comes from one PRNG seed, so the
 * seed is identical byte for byte on every run.
 */

/** The seed's "now": usage ends the day before (the last full day is 2026-11-27). */
export const SEED_CLOCK = '2026-11-28T00:00:00Z';
export const SEED_LAST_DAY = '2026-11-27';
export const SEED_DAYS = 90;
export const SEED_FIRST_DAY = '2026-08-30';

export const DEFAULT_ANTHROPIC_ADMIN_KEY = 'sk-ant-admin01-TesseraSandboxAdminKey_0001-AA';

/** More keys of the default seed, for the authentication tests. */
export const DEFAULT_ANTHROPIC_KEYS = {
  /** A revoked admin key: 401 `invalid x-api-key`. */
  revokedAdmin: 'sk-ant-admin01-TesseraSandboxRevokedKey_0002-AA',
  /** An ordinary API key of the Production workspace: 401 on every admin endpoint. */
  api: 'sk-ant-api03-TesseraSandboxProductionKey_0003-AA',
} as const;

/** Hand-placed members, by what each one exercises in the users mapping. */
export const DEFAULT_ANTHROPIC_FIXTURES = {
  primaryOwner: { id: 'user_01TsAdaLovelace000000001', name: 'Ada Lovelace' },
  /** Monthly limit of $500 set on the member. */
  monthlyLimit: { id: 'user_01TsGraceHopper000000002', name: 'Grace Hopper', cents: 50_000 },
  /** Monthly row with no cap (amount null) and a weekly cap of $100: the weekly one is the spend limit. */
  weeklyOnly: { id: 'user_01TsAlanTuring00000000003', name: 'Alan Turing', cents: 10_000 },
  /** Only a daily cap of $20, inherited from a seat tier. */
  dailyOnly: { id: 'user_01TsKatherineJohnson0004', name: 'Katherine Johnson', cents: 2_000 },
  /** Monthly row with no cap at all: no spend limit; and never used the API. */
  noCap: { id: 'user_01TsLinusTorvalds0000005', name: 'Linus Torvalds' },
  /** Monthly $250 from the organization and daily $15: monthly wins. */
  monthlyAndDaily: { id: 'user_01TsMargaretHamilton006', name: 'Margaret Hamilton', cents: 25_000 },
  threeWords: { id: 'user_01TsDennisRitchie0000007', name: 'Dennis MacAlistair Ritchie' },
  singleName: { id: 'user_01TsCher0000000000000010', name: 'Cher' },
  /** An empty display name: the unified name falls back to the email. */
  emptyName: { id: 'user_01TsOpsBot00000000000011', name: '' },
} as const;

export const DEFAULT_ANTHROPIC_WORKSPACES = {
  default: 'wrkspc_01TsDefault000000000000',
  production: 'wrkspc_01TsProduction000000001',
  research: 'wrkspc_01TsResearch00000000002',
  tools: 'wrkspc_01TsInternalTools00003',
} as const;

export const DEFAULT_ANTHROPIC_PRICING: AnthropicPricing = {
  // List prices in cents per million tokens (sources.md §2.1: amounts are cents).
  models: [
    {
      model: 'claude-opus-4-1-20250805',
      display_name: 'Claude Opus 4.1',
      input: 1500,
      output: 7500,
      cache_write_5m: 1875,
      cache_write_1h: 3000,
      cache_read: 150,
    },
    {
      model: 'claude-sonnet-4-5-20250929',
      display_name: 'Claude Sonnet 4.5',
      input: 300,
      output: 1500,
      cache_write_5m: 375,
      cache_write_1h: 600,
      cache_read: 30,
    },
    { model: 'claude-haiku-4-5-20251001', display_name: 'Claude Haiku 4.5', input: 100, output: 500, cache_write_5m: 125, cache_write_1h: 200, cache_read: 10 },
    { model: 'claude-3-5-haiku-20241022', display_name: 'Claude Haiku 3.5', input: 80, output: 400, cache_write_5m: 100, cache_write_1h: 160, cache_read: 8 },
  ],
  web_search_per_1000: 1000,
  tier_percent: { standard: 100, batch: 50, priority: 100 },
};

const F = DEFAULT_ANTHROPIC_FIXTURES;
const W = DEFAULT_ANTHROPIC_WORKSPACES;
const [OPUS, SONNET, HAIKU, HAIKU35] = DEFAULT_ANTHROPIC_PRICING.models.map((m) => m.model);
const DAY = 86_400_000;

const member = (id: string, name: string, email: string, role: AnthropicUser['role'], added_at: string): AnthropicUser => ({ id, email, name, role, added_at });

const USERS: AnthropicUser[] = [
  member(F.primaryOwner.id, F.primaryOwner.name, 'ada@tessera.example', 'primary_owner', '2024-03-04T09:12:44.512871Z'),
  member(F.monthlyLimit.id, F.monthlyLimit.name, 'grace@tessera.example', 'owner', '2024-03-04T09:30:02.000000Z'),
  member(F.weeklyOnly.id, F.weeklyOnly.name, 'alan@tessera.example', 'membership_admin', '2024-05-20T14:01:55.101Z'),
  member(F.dailyOnly.id, F.dailyOnly.name, 'katherine@tessera.example', 'user', '2024-09-02T08:00:00Z'),
  member(F.noCap.id, F.noCap.name, 'linus@tessera.example', 'user', '2025-01-13T17:45:10Z'),
  member(F.monthlyAndDaily.id, F.monthlyAndDaily.name, 'margaret@tessera.example', 'managed', '2025-02-27T11:11:11Z'),
  member(F.threeWords.id, F.threeWords.name, 'dmr@tessera.example', 'developer', '2025-04-01T10:00:00Z'),
  member('user_01TsBarbaraLiskov0000008', 'Barbara Liskov', 'barbara@tessera.example', 'claude_code_user', '2025-06-16T13:37:00Z'),
  member('user_01TsEdsgerDijkstra000009', 'Edsger Dijkstra', 'edsger@tessera.example', 'billing', '2025-07-07T07:07:07Z'),
  member(F.singleName.id, F.singleName.name, 'Cher@Tessera.example', 'user', '2025-10-10T10:10:10Z'),
  member(F.emptyName.id, F.emptyName.name, 'ops-bot@tessera.example', 'user', '2026-01-05T00:00:00Z'),
  member('user_01TsTimBernersLee0000012', 'Tim Berners-Lee', 'timbl@tessera.example', 'admin', '2026-09-15T16:20:00Z'),
];

const API_KEYS: AnthropicApiKey[] = [
  {
    id: 'apikey_01TsProductionBackend01',
    name: 'production-backend',
    workspace_id: W.production,
    created_by: F.monthlyLimit.id,
    key: DEFAULT_ANTHROPIC_KEYS.api,
  },
  { id: 'apikey_01TsProductionBatch0002', name: 'production-batch', workspace_id: W.production, created_by: F.weeklyOnly.id },
  { id: 'apikey_01TsResearchNotebooks03', name: 'research-notebooks', workspace_id: W.research, created_by: F.dailyOnly.id },
  { id: 'apikey_01TsInternalTools000004', name: 'internal-tools', workspace_id: W.tools, created_by: F.threeWords.id },
  { id: 'apikey_01TsDefaultWorkspace005', name: 'default-key', workspace_id: null, created_by: F.primaryOwner.id },
];

/** Who works where, with which models, how often (a share of days active, lower at weekends). */
interface Habit {
  user: string;
  keys: (string | null)[];
  models: string[];
  activeShare: number;
}

const HABITS: Habit[] = [
  { user: F.primaryOwner.id, keys: ['apikey_01TsDefaultWorkspace005', null], models: [OPUS, SONNET], activeShare: 0.45 },
  { user: F.monthlyLimit.id, keys: ['apikey_01TsProductionBackend01'], models: [SONNET, HAIKU], activeShare: 0.9 },
  { user: F.weeklyOnly.id, keys: ['apikey_01TsProductionBackend01', null], models: [SONNET], activeShare: 0.6 },
  { user: F.dailyOnly.id, keys: ['apikey_01TsResearchNotebooks03'], models: [OPUS, SONNET, HAIKU35], activeShare: 0.75 },
  { user: F.monthlyAndDaily.id, keys: ['apikey_01TsResearchNotebooks03', null], models: [SONNET, HAIKU], activeShare: 0.7 },
  { user: F.threeWords.id, keys: ['apikey_01TsInternalTools000004'], models: [HAIKU, HAIKU35], activeShare: 0.8 },
  { user: 'user_01TsBarbaraLiskov0000008', keys: ['apikey_01TsInternalTools000004', null], models: [SONNET, OPUS], activeShare: 0.85 },
  { user: 'user_01TsEdsgerDijkstra000009', keys: [null], models: [HAIKU35], activeShare: 0.15 },
  { user: F.singleName.id, keys: ['apikey_01TsResearchNotebooks03'], models: [SONNET], activeShare: 0.35 },
  { user: F.emptyName.id, keys: ['apikey_01TsDefaultWorkspace005'], models: [HAIKU], activeShare: 0.95 },
  { user: 'user_01TsTimBernersLee0000012', keys: ['apikey_01TsProductionBackend01'], models: [SONNET, HAIKU], activeShare: 0.5 },
];

const minuteIso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function record(rng: Prng, at: number, account: string | null, keyId: string | null, model: string, batch: boolean): UsageRecord {
  const key = API_KEYS.find((k) => k.id === keyId);
  const searches = rng.chance(0.3) ? rng.int(1, 12) : 0;
  return {
    at: minuteIso(at),
    account_id: account,
    api_key_id: keyId,
    workspace_id: key ? key.workspace_id : null,
    model,
    service_tier: batch ? 'batch' : 'standard',
    context_window: model === SONNET && rng.chance(0.05) ? '200k-1M' : '0-200k',
    inference_geo: rng.chance(0.2) ? 'us' : 'global',
    uncached_input_tokens: rng.int(2_000, 400_000),
    cache_creation_5m: rng.chance(0.6) ? rng.int(1_000, 60_000) : 0,
    cache_creation_1h: rng.chance(0.25) ? rng.int(1_000, 25_000) : 0,
    cache_read_input_tokens: rng.chance(0.7) ? rng.int(5_000, 350_000) : 0,
    output_tokens: rng.int(500, 60_000),
    web_search_requests: searches,
  };
}

/** 90 days of usage: per-member habits plus an unattributed nightly batch job (account_id null). */
function generateUsage(rng: Prng, clockMs: number): UsageRecord[] {
  const out: UsageRecord[] = [];
  for (let day = clockMs - SEED_DAYS * DAY; day < clockMs; day += DAY) {
    const weekend = [0, 6].includes(new Date(day).getUTCDay());
    for (const habit of HABITS) {
      // Nobody uses the API before joining the organization.
      if (day + DAY <= Date.parse(USERS.find((u) => u.id === habit.user)!.added_at)) continue;
      if (!rng.chance(weekend ? habit.activeShare / 3 : habit.activeShare)) continue;
      const n = rng.int(1, 3);
      for (let i = 0; i < n; i++) {
        const minute = rng.int(8 * 60, 19 * 60 + 59);
        out.push(record(rng, day + minute * 60_000, habit.user, rng.pick(habit.keys), rng.pick(habit.models), false));
      }
    }
    if (rng.chance(0.8)) out.push(record(rng, day + rng.int(60, 240) * 60_000, null, 'apikey_01TsProductionBatch0002', HAIKU, true));
  }
  return out.sort((a, b) => a.at.localeCompare(b.at));
}

export function defaultAnthropicSeed(): AnthropicSeed {
  const rng = createPrng(0xa7c1a0d3);
  const clockMs = Date.parse(SEED_CLOCK);
  return {
    clock: SEED_CLOCK,
    organization: { id: rng.uuid(), name: 'Tessera Sandbox', type: 'enterprise' },
    admin_keys: [
      { key: DEFAULT_ANTHROPIC_ADMIN_KEY, name: 'tessera-sandbox', revoked: false },
      { key: DEFAULT_ANTHROPIC_KEYS.revokedAdmin, name: 'old-admin-key', revoked: true },
    ],
    api_keys: structuredClone(API_KEYS),
    users: structuredClone(USERS),
    invites: [
      {
        id: 'invite_01TsPendingDeveloper01',
        email: 'new.developer@tessera.example',
        role: 'user',
        status: 'pending',
        invited_at: '2026-11-20T15:00:00Z',
        expires_at: '2026-12-11T15:00:00Z',
        accepted_at: null,
        rbac_group_ids: [],
      },
      {
        id: 'invite_01TsPendingManaged0002',
        email: 'contractor@partner.example',
        role: 'managed',
        status: 'pending',
        invited_at: '2026-11-25T09:30:00Z',
        expires_at: '2026-12-16T09:30:00Z',
        accepted_at: null,
        rbac_group_ids: [],
      },
      {
        // Tim's invite: accepted, so Tim is a member and the invite is history.
        id: 'invite_01TsAcceptedTimBL00003',
        email: 'timbl@tessera.example',
        role: 'user',
        status: 'accepted',
        invited_at: '2026-09-14T12:00:00Z',
        expires_at: '2026-10-05T12:00:00Z',
        accepted_at: '2026-09-15T16:20:00Z',
        rbac_group_ids: [],
      },
    ],
    workspaces: [
      { id: W.default, name: 'Default Workspace', created_at: '2024-03-04T09:12:44Z', archived_at: null, display_color: '#6C5BB9', is_default: true },
      { id: W.production, name: 'Production', created_at: '2024-03-11T10:00:00Z', archived_at: null, display_color: '#D97757', is_default: false },
      { id: W.research, name: 'Research', created_at: '2024-09-02T08:30:00Z', archived_at: null, display_color: '#5B8DEF', is_default: false },
      { id: W.tools, name: 'Internal Tools', created_at: '2025-04-01T10:05:00Z', archived_at: null, display_color: '#3FA17A', is_default: false },
    ],
    spend_limits: [
      {
        id: 'spl_01TsGraceMonthly00001',
        user_id: F.monthlyLimit.id,
        period: 'monthly',
        amount: String(F.monthlyLimit.cents),
        currency: 'USD',
        source: 'user',
        seat_tier: 'standard',
      },
      {
        id: 'spl_01TsAlanMonthly000002',
        user_id: F.weeklyOnly.id,
        period: 'monthly',
        amount: null,
        currency: 'USD',
        source: 'organization',
        seat_tier: 'standard',
      },
      {
        id: 'spl_01TsAlanWeekly0000003',
        user_id: F.weeklyOnly.id,
        period: 'weekly',
        amount: String(F.weeklyOnly.cents),
        currency: 'USD',
        source: 'user',
        seat_tier: 'standard',
      },
      {
        id: 'spl_01TsKatherineDaily004',
        user_id: F.dailyOnly.id,
        period: 'daily',
        amount: String(F.dailyOnly.cents),
        currency: 'USD',
        source: 'seat_tier',
        seat_tier: 'premium',
      },
      { id: 'spl_01TsLinusMonthly00005', user_id: F.noCap.id, period: 'monthly', amount: null, currency: 'USD', source: 'organization', seat_tier: 'standard' },
      {
        id: 'spl_01TsMargaretMonthly06',
        user_id: F.monthlyAndDaily.id,
        period: 'monthly',
        amount: String(F.monthlyAndDaily.cents),
        currency: 'USD',
        source: 'organization',
        seat_tier: 'standard',
      },
      {
        id: 'spl_01TsMargaretDaily0007',
        user_id: F.monthlyAndDaily.id,
        period: 'daily',
        amount: '1500',
        currency: 'USD',
        source: 'user',
        seat_tier: 'standard',
      },
    ],
    pricing: structuredClone(DEFAULT_ANTHROPIC_PRICING),
    usage: generateUsage(rng, clockMs),
  };
}

/** The members' expected unified spend limit (sources.md §2.6: monthly, else weekly, else daily; no cap → none). */
export const EXPECTED_SPEND_LIMIT_CENTS: Record<string, number> = {
  [F.monthlyLimit.id]: F.monthlyLimit.cents,
  [F.weeklyOnly.id]: F.weeklyOnly.cents,
  [F.dailyOnly.id]: F.dailyOnly.cents,
  [F.monthlyAndDaily.id]: F.monthlyAndDaily.cents,
};
