import { z } from 'zod';
import { parseSeedWith } from '../../../simulator-kit/seed.ts';

/**
 * The Anthropic Admin API simulator's seed (docs/providers/sources.md §5). Entities are kept
 * compact and rendered into Anthropic's wire shapes by wire.ts; usage is stored as per-minute
 * records so every bucket width (1d, 1h, 1m) is an aggregation of the same data, and money is
 * derived from the records and the seed's price table, never stored, so costs always add up.
 * Loading validates every field and cross-reference and names the offending path.
 */

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const MINUTE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00Z$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const dateTime = z.string().regex(DATE_TIME, 'must be an RFC 3339 date-time');
const tagged = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9]{4,40}$`), `must look like ${prefix}_…`);
const count = z.number().int().min(0);
/** Whole cents as Anthropic writes them: a non-negative integer decimal string ("50000" = $500.00). */
const wholeCents = z.string().regex(/^(0|[1-9]\d*)$/, 'must be a string of whole cents, e.g. "50000"');
/** A price in cents per million tokens with at most 3 decimals (so prices are exact in milli-cents). */
const price = z
  .number()
  .min(0)
  .refine((n) => Math.abs(n * 1000 - Math.round(n * 1000)) < 1e-6, 'at most 3 decimals');

/** Console (API) organizations and Claude Enterprise organizations accept different roles (§5.1). */
export const CONSOLE_ROLES = ['user', 'developer', 'billing', 'admin', 'claude_code_user'] as const;
export const ENTERPRISE_ROLES = ['user', 'owner', 'primary_owner', 'membership_admin', 'managed'] as const;
export const ROLES = ['admin', 'billing', 'claude_code_user', 'developer', 'managed', 'membership_admin', 'owner', 'primary_owner', 'user'] as const;
export const SERVICE_TIERS = ['standard', 'batch', 'priority'] as const;
export const CONTEXT_WINDOWS = ['0-200k', '200k-1M'] as const;
export const INFERENCE_GEOS = ['global', 'us', 'not_available'] as const;
export const PERIODS = ['monthly', 'weekly', 'daily'] as const;

export const organizationSchema = z.object({
  id: z.string().uuid(),
  name: z.string().min(1),
  /** `enterprise` also answers the Enterprise-only endpoints (spend limits, analytics); `console` refuses them. */
  type: z.enum(['enterprise', 'console']).default('enterprise'),
});

export const adminKeySchema = z.object({
  /** The secret, `sk-ant-admin01-…`; accepted in `x-api-key` or `Authorization: Bearer`. */
  key: z.string().regex(/^sk-ant-admin\d{2}-[A-Za-z0-9_-]{8,}$/, 'must be an admin key (sk-ant-admin01-…)'),
  name: z.string().min(1),
  revoked: z.boolean().default(false),
});

export const apiKeySchema = z.object({
  id: tagged('apikey'),
  name: z.string().min(1),
  /** Workspace the key belongs to; null for the default workspace (as the usage report writes it). */
  workspace_id: tagged('wrkspc').nullable(),
  created_by: tagged('user'),
  /** The ordinary key's secret (`sk-ant-api03-…`), optional: admin endpoints refuse it with 401. */
  key: z
    .string()
    .regex(/^sk-ant-api\d{2}-[A-Za-z0-9_-]{8,}$/, 'must be an API key (sk-ant-api03-…)')
    .optional(),
});

export const userSchema = z.object({
  id: tagged('user'),
  email: z.string().regex(EMAIL, 'must be an email address'),
  name: z.string(),
  role: z.enum(ROLES),
  added_at: dateTime,
});

export const inviteSchema = z.object({
  id: tagged('invite'),
  email: z.string().regex(EMAIL, 'must be an email address'),
  role: z.enum(ROLES),
  status: z.enum(['pending', 'accepted', 'expired', 'deleted']),
  invited_at: dateTime,
  expires_at: dateTime,
  accepted_at: dateTime.nullable().default(null),
  rbac_group_ids: z.array(z.string()).default([]),
});

export const workspaceSchema = z.object({
  id: tagged('wrkspc'),
  name: z.string().min(1),
  created_at: dateTime,
  archived_at: dateTime.nullable().default(null),
  display_color: z
    .string()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a #rrggbb colour')
    .default('#6C5BB9'),
  /** The organization's default workspace: listed only with include_default, reported as `workspace_id: null` in reports. */
  is_default: z.boolean().default(false),
});

export const spendLimitSchema = z.object({
  id: tagged('spl'),
  user_id: tagged('user'),
  period: z.enum(PERIODS),
  /** Whole cents, or null: no cap for this period (the member still gets a row). */
  amount: wholeCents.nullable(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code')
    .default('USD'),
  /** Where the effective limit comes from: set on the member, or inherited. */
  source: z.enum(['user', 'seat_tier', 'organization']).default('user'),
  seat_tier: z.string().default('standard'),
});

export const priceSchema = z.object({
  model: z.string().min(1),
  /** As the cost report's `description` names the model, e.g. "Claude Sonnet 4". */
  display_name: z.string().min(1),
  /** Cents per million tokens (Anthropic's list price × 100), per token type. */
  input: price,
  output: price,
  cache_write_5m: price,
  cache_write_1h: price,
  cache_read: price,
});

export const pricingSchema = z.object({
  models: z.array(priceSchema).min(1),
  /** Cents per 1,000 web searches ($10 → 1000). */
  web_search_per_1000: price.default(1000),
  /** Percent of list price charged per service tier (Batch is half price). */
  tier_percent: z
    .object({ standard: z.number().int().min(0), batch: z.number().int().min(0), priority: z.number().int().min(0) })
    .default({ standard: 100, batch: 50, priority: 100 }),
});

export const usageRecordSchema = z.object({
  /** The minute the tokens were used (UTC, whole minute). */
  at: z.string().regex(MINUTE, 'must be a whole UTC minute, e.g. 2026-11-27T09:41:00Z'),
  /** The member the usage is attributed to (`account_id` in the report); null for API-key-only usage. */
  account_id: tagged('user').nullable(),
  /** null: Console usage without a key (the Workbench). */
  api_key_id: tagged('apikey').nullable(),
  /** null: the default workspace. Must match the key's workspace when a key is named. */
  workspace_id: tagged('wrkspc').nullable(),
  model: z.string().min(1),
  service_tier: z.enum(SERVICE_TIERS).default('standard'),
  context_window: z.enum(CONTEXT_WINDOWS).default('0-200k'),
  inference_geo: z.enum(INFERENCE_GEOS).default('global'),
  uncached_input_tokens: count,
  cache_creation_5m: count.default(0),
  cache_creation_1h: count.default(0),
  cache_read_input_tokens: count.default(0),
  output_tokens: count,
  web_search_requests: count.default(0),
});

export const anthropicSeedSchema = z
  .object({
    /** The seed's "now": usage data ends before it; period-to-date spend is measured up to it. */
    clock: dateTime,
    organization: organizationSchema,
    admin_keys: z.array(adminKeySchema).min(1),
    api_keys: z.array(apiKeySchema).default([]),
    users: z.array(userSchema),
    invites: z.array(inviteSchema).default([]),
    workspaces: z.array(workspaceSchema).default([]),
    spend_limits: z.array(spendLimitSchema).default([]),
    pricing: pricingSchema,
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
    unique(seed.users, (u) => u.email.toLowerCase(), 'users', 'email');
    unique(seed.invites, (i) => i.id, 'invites', 'id');
    unique(seed.admin_keys, (k) => k.key, 'admin_keys', 'key');
    const workspaces = unique(seed.workspaces, (w) => w.id, 'workspaces', 'id');
    if (seed.workspaces.filter((w) => w.is_default).length > 1) issue(['workspaces'], 'at most one default workspace');
    const keys = new Map(seed.api_keys.map((k) => [k.id, k]));
    unique(seed.api_keys, (k) => k.id, 'api_keys', 'id');
    seed.api_keys.forEach((k, i) => {
      if (!users.has(k.created_by)) issue(['api_keys', i, 'created_by'], `unknown user "${k.created_by}"`);
      if (k.workspace_id !== null && !workspaces.has(k.workspace_id)) issue(['api_keys', i, 'workspace_id'], `unknown workspace "${k.workspace_id}"`);
    });
    unique(seed.spend_limits, (s) => s.id, 'spend_limits', 'id');
    unique(seed.spend_limits, (s) => `${s.user_id}/${s.period}`, 'spend_limits', 'period');
    seed.spend_limits.forEach((s, i) => {
      if (!users.has(s.user_id)) issue(['spend_limits', i, 'user_id'], `unknown user "${s.user_id}"`);
    });
    const models = unique(seed.pricing.models, (m) => m.model, 'pricing.models', 'model');
    const clock = Date.parse(seed.clock);
    seed.usage.forEach((r, i) => {
      if (!models.has(r.model)) issue(['usage', i, 'model'], `no price for model "${r.model}"`);
      if (r.account_id !== null && !users.has(r.account_id)) issue(['usage', i, 'account_id'], `unknown user "${r.account_id}"`);
      if (r.workspace_id !== null && !workspaces.has(r.workspace_id)) issue(['usage', i, 'workspace_id'], `unknown workspace "${r.workspace_id}"`);
      if (r.api_key_id !== null) {
        const key = keys.get(r.api_key_id);
        if (!key) issue(['usage', i, 'api_key_id'], `unknown API key "${r.api_key_id}"`);
        else if (key.workspace_id !== r.workspace_id)
          issue(['usage', i, 'workspace_id'], `API key "${r.api_key_id}" belongs to workspace ${key.workspace_id ?? 'null (default)'}`);
      }
      if (Date.parse(r.at) >= clock) issue(['usage', i, 'at'], `must be before the clock ${seed.clock}`);
    });
  });

/** A validated seed, every default filled in. */
export type AnthropicSeed = z.output<typeof anthropicSeedSchema>;
/** What a seed file or `POST /__sim/seed` may contain: defaults may be left out. */
export type AnthropicSeedInput = z.input<typeof anthropicSeedSchema>;
export type AnthropicUser = z.output<typeof userSchema>;
export type AnthropicInvite = z.output<typeof inviteSchema>;
export type AnthropicWorkspace = z.output<typeof workspaceSchema>;
export type AnthropicApiKey = z.output<typeof apiKeySchema>;
export type AnthropicSpendLimit = z.output<typeof spendLimitSchema>;
export type AnthropicPrice = z.output<typeof priceSchema>;
export type AnthropicPricing = z.output<typeof pricingSchema>;
export type UsageRecord = z.output<typeof usageRecordSchema>;

/** Validates a seed; throws InvalidSeedError listing the problems as `path: message`. */
export function parseAnthropicSeed(input: unknown): AnthropicSeed {
  return parseSeedWith(anthropicSeedSchema, input, 'Anthropic');
}
