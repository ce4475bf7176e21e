import { createPrng } from '../../../simulator-kit/prng.ts';
import { DAY_S, generateUsage, lastKeyUse } from './generate-usage.ts';
import type { OpenAIPrice, OpenAIProject, OpenAIProjectKey, OpenAISeed, OpenAIUser } from './seed-schema.ts';

/**
 * The seed the simulator starts with unless told otherwise: one organization with 12 users
 * (hand-placed shapes the users mapping must handle), 2 pending invites and 1 accepted, 3
 * projects (one archived), and 90 days of daily usage priced by OpenAI's list prices. Times
 * come from a fixed seed clock, never the real one.
 */

/** "Now" for the seed: 2026-11-28T12:00:00Z, so 2026-11-27 is the last full day of usage. */
export const SEED_CLOCK_S = Date.UTC(2026, 10, 28, 12, 0, 0) / 1000;
export const USAGE_DAYS = 90;
/** Midnight of the first usage day (2026-08-30) and of the day after the last (2026-11-28). */
export const USAGE_FIRST_DAY_S = Date.UTC(2026, 10, 28) / 1000 - USAGE_DAYS * DAY_S;
export const USAGE_END_S = Date.UTC(2026, 10, 28) / 1000;

export const DEFAULT_OPENAI_ORG = { id: 'org-TesseraSandbox0000000001', name: 'Tessera Sandbox' } as const;
/** The sandbox account's admin key (`Authorization: Bearer …`). */
export const DEFAULT_OPENAI_ADMIN_KEY = 'sk-admin-TesseraSandboxAdminKey000000000000000000000000000001';

const rng = createPrng(0x09e2a1);
const token = (n: number) => rng.token(n, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789');
const ts = (iso: string) => Date.parse(iso) / 1000;

/** Stable ids for the hand-placed fixtures; everything else is drawn from the PRNG above. */
const U = {
  owner: 'user-AdaLovelace000000000001',
  secondOwner: 'user-GraceHopper00000000002',
  deactivated: 'user-KenThompson00000000005',
  threeWords: 'user-MaryAnnEvans000000007',
  singleName: 'user-Cher0000000000000000008',
  noName: 'user-NoName00000000000000009',
  neverUsedKey: 'user-AlanTuring00000000010',
  archivedOnly: 'user-RadiaPerlman000000011',
} as const;

export const DEFAULT_OPENAI_FIXTURES = {
  ...U,
  projects: { main: 'proj_TesseraMain000000000001', support: 'proj_SupportBot00000000002', legacy: 'proj_LegacyExperiments03' },
  invites: { pending: 'invite-PendingNewHire000001', pendingOwner: 'invite-PendingOwner00000002', accepted: 'invite-AcceptedCher0000003' },
} as const;
const P = DEFAULT_OPENAI_FIXTURES.projects;

/** Archived 2026-10-15: its usage stops the day before. */
const LEGACY_ARCHIVED_AT = ts('2026-10-15T00:00:00Z');
/** Ken was deactivated 2026-10-24; his last usage is the day before. */
const DEACTIVATED_LAST_DAY = ts('2026-10-23T00:00:00Z');

type UserInput = Pick<OpenAIUser, 'id' | 'name' | 'email' | 'role' | 'added_at'> & Partial<OpenAIUser>;
const user = (u: UserInput): OpenAIUser => ({
  created: u.added_at - rng.int(1, 400) * DAY_S,
  api_key_last_used_at: null,
  is_default: false,
  is_service_account: false,
  is_scim_managed: false,
  is_scale_tier_authorized_purchaser: null,
  technical_level: null,
  developer_persona: null,
  enabled: true,
  banned: false,
  picture: null,
  ...u,
});

const genId = (prefix: string) => `${prefix}${token(24)}`;

const USERS: OpenAIUser[] = [
  user({
    id: U.owner,
    name: 'Ada Lovelace',
    email: 'ada@tessera.example',
    role: 'owner',
    added_at: ts('2024-02-01T09:00:00Z'),
    is_default: true,
    technical_level: 'expert',
    developer_persona: 'backend',
  }),
  user({ id: U.secondOwner, name: 'Grace Hopper', email: 'grace@tessera.example', role: 'owner', added_at: ts('2024-03-11T10:30:00Z') }),
  user({ id: genId('user-'), name: 'Linus Torvalds', email: 'linus@tessera.example', role: 'reader', added_at: ts('2024-06-03T08:00:00Z') }),
  user({ id: genId('user-'), name: 'Margaret Hamilton', email: 'margaret@tessera.example', role: 'reader', added_at: ts('2024-09-17T14:00:00Z') }),
  user({ id: U.deactivated, name: 'Ken Thompson', email: 'ken@tessera.example', role: 'reader', added_at: ts('2024-11-05T16:45:00Z'), enabled: false }),
  user({ id: genId('user-'), name: 'Barbara Liskov', email: 'barbara@tessera.example', role: 'reader', added_at: ts('2025-01-20T11:15:00Z') }),
  user({ id: U.threeWords, name: 'Mary Ann Evans', email: 'mary.ann@tessera.example', role: 'reader', added_at: ts('2025-04-02T09:20:00Z') }),
  user({ id: U.singleName, name: 'Cher', email: 'cher@tessera.example', role: 'reader', added_at: ts('2025-07-14T13:00:00Z') }),
  user({ id: U.noName, name: null, email: 'ops-reader@tessera.example', role: 'reader', added_at: ts('2025-10-01T07:00:00Z') }),
  user({ id: U.neverUsedKey, name: 'Alan Turing', email: 'alan@tessera.example', role: 'reader', added_at: ts('2026-02-09T10:00:00Z') }),
  user({ id: U.archivedOnly, name: 'Radia Perlman', email: 'radia@tessera.example', role: 'reader', added_at: ts('2026-05-18T15:30:00Z') }),
  user({ id: genId('user-'), name: 'Guido van Rossum', email: 'guido@tessera.example', role: 'reader', added_at: ts('2026-09-01T12:00:00Z') }),
];
const [ada, grace, linus, margaret, ken, barbara, maryAnn, cher, , , radia, guido] = USERS;

const PROJECTS: OpenAIProject[] = [
  {
    id: P.main,
    name: 'Default project',
    created_at: ts('2024-02-01T09:00:00Z'),
    archived_at: null,
    external_key_id: null,
    members: [ada, grace, linus, ken, barbara, cher, guido].map((u) => ({
      user_id: u.id,
      role: u.role === 'owner' ? ('owner' as const) : ('member' as const),
    })),
  },
  {
    id: P.support,
    name: 'Support Bot',
    created_at: ts('2024-08-12T12:00:00Z'),
    archived_at: null,
    external_key_id: null,
    members: [ada, grace, margaret, barbara, maryAnn].map((u) => ({ user_id: u.id, role: u.role === 'owner' ? ('owner' as const) : ('member' as const) })),
  },
  {
    id: P.legacy,
    name: 'Legacy Experiments',
    created_at: ts('2024-04-22T08:00:00Z'),
    archived_at: LEGACY_ARCHIVED_AT,
    external_key_id: null,
    members: [
      { user_id: ada.id, role: 'owner' },
      { user_id: ken.id, role: 'member' },
      { user_id: radia.id, role: 'member' },
    ],
  },
];

/** One project key per (user, project) membership: usage names it as `api_key_id`. */
const PROJECT_KEYS: OpenAIProjectKey[] = PROJECTS.flatMap((p) =>
  p.members.map((m) => ({ id: genId('key_').slice(0, 20), value: `sk-proj-${token(48)}`, name: `${p.name} key`, project_id: p.id, user_id: m.user_id })),
);
/** A project key of the owner, for the "a normal key gets 403" path. */
export const DEFAULT_OPENAI_PROJECT_KEY = PROJECT_KEYS[0].value;

/** OpenAI list prices in µ$ per million units (docs/providers/sources.md §4.7; vector storage $0.10/GB-day). */
export const DEFAULT_OPENAI_PRICES: OpenAIPrice[] = [
  { product: 'gpt-4o', item: 'input', micro_usd_per_million: 2_500_000 },
  { product: 'gpt-4o', item: 'cached_input', micro_usd_per_million: 1_250_000 },
  { product: 'gpt-4o', item: 'output', micro_usd_per_million: 10_000_000 },
  { product: 'gpt-4o-mini', item: 'input', micro_usd_per_million: 150_000 },
  { product: 'gpt-4o-mini', item: 'cached_input', micro_usd_per_million: 75_000 },
  { product: 'gpt-4o-mini', item: 'output', micro_usd_per_million: 600_000 },
  { product: 'o3', item: 'input', micro_usd_per_million: 2_000_000 },
  { product: 'o3', item: 'cached_input', micro_usd_per_million: 500_000 },
  { product: 'o3', item: 'output', micro_usd_per_million: 8_000_000 },
  { product: 'text-embedding-3-small', item: 'input', micro_usd_per_million: 20_000 },
  { product: 'dall-e-3', item: 'images', micro_usd_per_million: 40_000_000_000 },
  { product: 'tts-1', item: 'characters', micro_usd_per_million: 15_000_000 },
  { product: 'whisper-1', item: 'seconds', micro_usd_per_million: 100_000_000 },
  { product: 'vector_stores', item: 'storage', micro_usd_per_million: 100 },
  { product: 'code_interpreter_sessions', item: 'sessions', micro_usd_per_million: 30_000_000_000 },
];

const USAGE = generateUsage(rng, {
  firstDay: USAGE_FIRST_DAY_S,
  days: USAGE_DAYS,
  users: USERS,
  projects: PROJECTS,
  keys: PROJECT_KEYS,
  lastActiveDay: { [ken.id]: DEACTIVATED_LAST_DAY },
});
const LAST_USE = lastKeyUse(USAGE);

/** Members of the org: users plus the pending invites the unified users list appends. */
export const DEFAULT_OPENAI_USER_COUNT = USERS.length;
export const DEFAULT_OPENAI_PENDING_INVITE_COUNT = 2;

export function defaultOpenAISeed(): OpenAISeed {
  return structuredClone({
    clock: SEED_CLOCK_S,
    organization: { ...DEFAULT_OPENAI_ORG },
    admin_keys: [
      { id: 'key_TesseraAdmin00001', value: DEFAULT_OPENAI_ADMIN_KEY, name: 'Tessera sandbox', revoked: false },
      { id: 'key_TesseraAdmin00002', value: 'sk-admin-TesseraSandboxRevokedKey00000000000000000000000000002', name: 'Rotated', revoked: true },
    ],
    project_keys: PROJECT_KEYS,
    users: USERS.map((u) => ({ ...u, api_key_last_used_at: LAST_USE.get(u.id) ?? null })),
    invites: [
      {
        id: DEFAULT_OPENAI_FIXTURES.invites.pending,
        email: 'new.hire@tessera.example',
        role: 'reader' as const,
        status: 'pending' as const,
        created_at: ts('2026-11-20T10:00:00Z'),
        expires_at: ts('2026-12-20T10:00:00Z'),
        accepted_at: null,
        projects: [{ id: P.main, role: 'member' as const }],
      },
      {
        id: DEFAULT_OPENAI_FIXTURES.invites.pendingOwner,
        email: 'cto@tessera.example',
        role: 'owner' as const,
        status: 'pending' as const,
        created_at: ts('2026-11-25T16:00:00Z'),
        expires_at: ts('2026-12-25T16:00:00Z'),
        accepted_at: null,
        projects: [],
      },
      {
        id: DEFAULT_OPENAI_FIXTURES.invites.accepted,
        email: cher.email!,
        role: 'reader' as const,
        status: 'accepted' as const,
        created_at: cher.added_at - 2 * DAY_S,
        expires_at: cher.added_at + 28 * DAY_S,
        accepted_at: cher.added_at,
        projects: [{ id: P.main, role: 'member' as const }],
      },
    ],
    projects: PROJECTS,
    prices: DEFAULT_OPENAI_PRICES,
    usage: USAGE,
  });
}
