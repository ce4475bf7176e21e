import { z } from 'zod';
import { parseSeedWith } from '../../../simulator-kit/seed.ts';

/**
 * The OpenAI Admin API simulator's seed format (docs/providers/sources.md §4). Users,
 * invites and projects are stored close to OpenAI's wire shapes; usage is stored as compact
 * per-day records (one per project × user × API key × model) that the routes aggregate into
 * buckets, and `prices` turns those records into the costs endpoint's line items, so costs are
 * always derived from usage and can never disagree with it. Every cross-reference is checked
 * when a seed loads, and problems name their path.
 */

export const USAGE_KINDS = [
  'completions',
  'embeddings',
  'moderations',
  'images',
  'audio_speeches',
  'audio_transcriptions',
  'vector_stores',
  'code_interpreter_sessions',
] as const;
export type UsageKind = (typeof USAGE_KINDS)[number];

/** Billable quantities a price can apply to (docs/providers/sources.md §4.7 line items). */
export const PRICE_ITEMS = ['input', 'cached_input', 'output', 'images', 'characters', 'seconds', 'storage', 'sessions'] as const;
export type PriceItem = (typeof PRICE_ITEMS)[number];

export const IMAGE_SIZES = ['256x256', '512x512', '1024x1024', '1792x1792', '1024x1792'] as const;
export const IMAGE_SOURCES = ['image.generation', 'image.edit', 'image.variation'] as const;

const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const unix = z.number().int().nonnegative();
const count = z.number().int().nonnegative();
const prefixed = (prefix: string) => z.string().regex(new RegExp(`^${prefix}[A-Za-z0-9_-]+$`), `must start with "${prefix}"`);

export const organizationSchema = z.object({ id: prefixed('org-'), name: z.string().min(1) });

export const adminKeySchema = z.object({
  id: prefixed('key_'),
  /** The secret sent as `Authorization: Bearer …`. */
  value: prefixed('sk-admin-'),
  name: z.string().min(1),
  revoked: z.boolean().default(false),
});

/** A project API key: usage carries its id, and sent as a bearer it is refused the admin routes (403). */
export const projectKeySchema = z.object({
  id: prefixed('key_'),
  value: prefixed('sk-proj-'),
  name: z.string().min(1),
  project_id: prefixed('proj_'),
  /** The user the key belongs to (null for a service account key). */
  user_id: prefixed('user-').nullable(),
});

export const userSchema = z.object({
  id: prefixed('user-'),
  name: z.string().min(1).nullable(),
  email: z.string().email().nullable(),
  role: z.enum(['owner', 'reader']),
  /** Unix seconds: when the user joined the organization. */
  added_at: unix,
  /** Unix seconds: when the user account was created. */
  created: unix,
  api_key_last_used_at: unix.nullable().default(null),
  is_default: z.boolean().default(false),
  is_service_account: z.boolean().default(false),
  is_scim_managed: z.boolean().default(false),
  is_scale_tier_authorized_purchaser: z.boolean().nullable().default(null),
  technical_level: z.string().nullable().default(null),
  developer_persona: z.string().nullable().default(null),
  /** `user.enabled`: false for a deactivated account (unified status `inactive`, docs/providers/sources.md §4.9). */
  enabled: z.boolean().default(true),
  banned: z.boolean().default(false),
  picture: z.string().nullable().default(null),
});

export const inviteSchema = z.object({
  id: prefixed('invite-'),
  email: z.string().email(),
  role: z.enum(['owner', 'reader']),
  status: z.enum(['accepted', 'expired', 'pending']),
  created_at: unix,
  expires_at: unix.nullable().default(null),
  accepted_at: unix.nullable().default(null),
  projects: z.array(z.object({ id: prefixed('proj_'), role: z.enum(['member', 'owner']) })).default([]),
});

export const projectSchema = z.object({
  id: prefixed('proj_'),
  name: z.string().min(1),
  created_at: unix,
  archived_at: unix.nullable().default(null),
  external_key_id: z.string().nullable().default(null),
  members: z.array(z.object({ user_id: prefixed('user-'), role: z.enum(['owner', 'member']) })).default([]),
});

/**
 * A price in integer micro-dollars per million units (tokens, images, characters, seconds, bytes
 * of storage per day, sessions), so that pricing is exact integer arithmetic: $2.50 per 1M input
 * tokens is 2_500_000; $0.04 per image is 40_000_000_000. `product` is the model, or the usage
 * kind for model-less kinds (`vector_stores`, `code_interpreter_sessions`). Usage without a price
 * is free (moderations).
 */
export const priceSchema = z.object({
  product: z.string().min(1),
  item: z.enum(PRICE_ITEMS),
  micro_usd_per_million: z.number().int().nonnegative(),
});

const dims = {
  date: z.string().regex(DATE_PATTERN, 'must be a YYYY-MM-DD date'),
  project_id: prefixed('proj_'),
};
const byUser = {
  ...dims,
  user_id: prefixed('user-').nullable(),
  api_key_id: prefixed('key_').nullable(),
  model: z.string().min(1),
};

export const usageRecordSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('completions'),
    ...byUser,
    batch: z.boolean().default(false),
    service_tier: z.string().default('default'),
    /** All input tokens, cached and cache-write included (OpenAI's semantics). */
    input_tokens: count,
    input_cached_tokens: count.default(0),
    input_cache_write_tokens: count.default(0),
    output_tokens: count,
    num_model_requests: count,
  }),
  z.object({ kind: z.literal('embeddings'), ...byUser, input_tokens: count, num_model_requests: count }),
  z.object({ kind: z.literal('moderations'), ...byUser, input_tokens: count, num_model_requests: count }),
  z.object({
    kind: z.literal('images'),
    ...byUser,
    size: z.enum(IMAGE_SIZES),
    source: z.enum(IMAGE_SOURCES),
    images: count,
    num_model_requests: count,
  }),
  z.object({ kind: z.literal('audio_speeches'), ...byUser, characters: count, num_model_requests: count }),
  z.object({ kind: z.literal('audio_transcriptions'), ...byUser, seconds: count, num_model_requests: count }),
  /** Bytes stored that day: a level, not a flow (hourly buckets repeat it). */
  z.object({ kind: z.literal('vector_stores'), ...dims, usage_bytes: count }),
  z.object({ kind: z.literal('code_interpreter_sessions'), ...dims, num_sessions: count }),
]);

export const openaiSeedSchema = z
  .object({
    /** The simulator's "now" (unix seconds): buckets end here when `end_time` is absent or later. */
    clock: unix,
    organization: organizationSchema,
    admin_keys: z.array(adminKeySchema).min(1),
    project_keys: z.array(projectKeySchema).default([]),
    users: z.array(userSchema).default([]),
    invites: z.array(inviteSchema).default([]),
    projects: z.array(projectSchema).default([]),
    prices: z.array(priceSchema).default([]),
    usage: z.array(usageRecordSchema).default([]),
  })
  .superRefine((seed, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const unique = <T>(items: T[], key: (t: T) => string, path: string, field: string) => {
      const seen = new Set<string>();
      items.forEach((item, i) => {
        const k = key(item);
        if (seen.has(k)) issue([path, i, field], `duplicate ${field} "${k}"`);
        seen.add(k);
      });
      return seen;
    };
    const users = unique(seed.users, (u) => u.id, 'users', 'id');
    const projects = unique(seed.projects, (p) => p.id, 'projects', 'id');
    unique(seed.invites, (i) => i.id, 'invites', 'id');
    unique(seed.prices, (p) => `${p.product} ${p.item}`, 'prices', 'item');
    const secrets = new Set<string>();
    const keyIds = new Set<string>();
    for (const [list, keys] of [
      ['admin_keys', seed.admin_keys],
      ['project_keys', seed.project_keys],
    ] as const) {
      keys.forEach((k, i) => {
        if (secrets.has(k.value)) issue([list, i, 'value'], 'duplicate key value');
        if (keyIds.has(k.id)) issue([list, i, 'id'], `duplicate key id "${k.id}"`);
        secrets.add(k.value);
        keyIds.add(k.id);
      });
    }
    const projectKeys = new Map(seed.project_keys.map((k) => [k.id, k]));
    seed.project_keys.forEach((k, i) => {
      if (!projects.has(k.project_id)) issue(['project_keys', i, 'project_id'], `unknown project "${k.project_id}"`);
      if (k.user_id !== null && !users.has(k.user_id)) issue(['project_keys', i, 'user_id'], `unknown user "${k.user_id}"`);
    });
    seed.projects.forEach((p, i) =>
      p.members.forEach((m, j) => {
        if (!users.has(m.user_id)) issue(['projects', i, 'members', j, 'user_id'], `unknown user "${m.user_id}"`);
      }),
    );
    seed.invites.forEach((inv, i) => {
      inv.projects.forEach((p, j) => {
        if (!projects.has(p.id)) issue(['invites', i, 'projects', j, 'id'], `unknown project "${p.id}"`);
      });
      if (inv.status === 'accepted' && inv.accepted_at === null) issue(['invites', i, 'accepted_at'], 'an accepted invite has accepted_at');
    });
    seed.usage.forEach((u, i) => {
      if (!projects.has(u.project_id)) issue(['usage', i, 'project_id'], `unknown project "${u.project_id}"`);
      if (!('user_id' in u)) return;
      if (u.user_id !== null && !users.has(u.user_id)) issue(['usage', i, 'user_id'], `unknown user "${u.user_id}"`);
      if (u.api_key_id !== null) {
        const key = projectKeys.get(u.api_key_id);
        if (!key) issue(['usage', i, 'api_key_id'], `unknown project key "${u.api_key_id}"`);
        else if (key.project_id !== u.project_id) issue(['usage', i, 'api_key_id'], `key "${u.api_key_id}" belongs to project "${key.project_id}"`);
      }
      if (u.kind === 'completions' && u.input_cached_tokens + u.input_cache_write_tokens > u.input_tokens) {
        issue(['usage', i, 'input_cached_tokens'], 'cached and cache-write tokens are part of input_tokens');
      }
    });
  });

/** A validated seed, every default filled in. */
export type OpenAISeed = z.output<typeof openaiSeedSchema>;
/** What a seed file or `POST /__sim/seed` may contain: defaults may be left out. */
export type OpenAISeedInput = z.input<typeof openaiSeedSchema>;
export type OpenAIUser = z.output<typeof userSchema>;
export type OpenAIInvite = z.output<typeof inviteSchema>;
export type OpenAIProject = z.output<typeof projectSchema>;
export type OpenAIAdminKey = z.output<typeof adminKeySchema>;
export type OpenAIProjectKey = z.output<typeof projectKeySchema>;
export type OpenAIPrice = z.output<typeof priceSchema>;
export type UsageRecord = z.output<typeof usageRecordSchema>;

/** Validates a seed; throws InvalidSeedError listing the problems as `path: message`. */
export function parseOpenAISeed(input: unknown): OpenAISeed {
  return parseSeedWith(openaiSeedSchema, input, 'OpenAI');
}
