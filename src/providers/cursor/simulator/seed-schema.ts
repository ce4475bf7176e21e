import { z } from 'zod';
import { parseSeedWith } from '../../../simulator-kit/seed.ts';

/**
 * The Cursor Admin API simulator's seed (docs/providers/sources.md §6). The seed holds
 * facts, never totals: members, their limits, usage events (tokens, model, how each was billed)
 * and the per-day editor counters no event carries (lines, applies, tabs). Every amount Cursor
 * reports (event cents, cycle spend, included spend) is derived from the events and the price
 * table by state.ts, so the numbers always add up. Loading validates every field and
 * cross-reference and names the offending path.
 */

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const day = z
  .string()
  .regex(DAY, 'must be a day, YYYY-MM-DD')
  .refine((d) => Number.isFinite(Date.parse(`${d}T00:00:00Z`)), 'must be a real day');
const count = z.number().int().min(0);
/** Dollars as Cursor writes limits: a non-negative number with at most two decimals. */
const dollars = z
  .number()
  .min(0)
  .refine((n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-6, 'at most 2 decimals (cents)');

/** §6.2: `role` ∈ owner, member, free-owner. */
export const ROLES = ['owner', 'member', 'free-owner'] as const;
/** Request kinds of the daily report (§6.4); `bugbot` events count as `bugbotUsages`. */
export const REQUEST_TYPES = ['composer', 'chat', 'agent', 'cmdk', 'bugbot'] as const;
/**
 * Event `kind` values (§6.4): how the event was billed. Only "Usage-based" is on-demand spend;
 * "Included in Business" draws on the seat's included usage; the others charge nothing.
 */
export const KINDS = ['Included in Business', 'Usage-based', 'User API Key', 'Errored, Not Charged'] as const;

export const teamSchema = z.object({
  id: z.number().int().positive(),
  name: z.string().min(1),
  /** First day of the current billing cycle (`subscriptionCycleStart`, §6.3). */
  cycle_start: day,
});

export const apiKeySchema = z.object({
  /** Admin API key, sent as the HTTP Basic username (§6.1: docs show `key_…`, third parties report `crsr_…`). */
  key: z.string().regex(/^(key|crsr)_[A-Za-z0-9_]{8,}$/, 'must look like key_… or crsr_…'),
  name: z.string().min(1),
  revoked: z.boolean().default(false),
});

export const memberSchema = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  email: z.string().regex(EMAIL, 'must be an email address'),
  role: z.enum(ROLES),
  /** The day the member joined; the daily report has rows for them from that day. */
  joined: day,
  /** The day the member was removed (`isRemoved: true`): no rows from that day on, and no spend row. */
  removed: day.nullable().default(null),
  /** §6.3: per-user override in dollars; 0 = no override. */
  hard_limit_override_dollars: dollars.default(0),
  /** §6.3: the member's monthly limit in dollars, or null. */
  monthly_limit_dollars: dollars.nullable().default(null),
  /** §6.3 (third party): the effective cap in dollars; left out of the response when absent. */
  effective_per_user_limit_dollars: dollars.optional(),
});

export const priceSchema = z.object({
  model: z.string().min(1),
  input: count,
  output: count,
  cache_write: count,
  cache_read: count,
});

export const pricingSchema = z.object({
  /** Millicents per million tokens, per model and token type (pricing.ts). */
  models: z.array(priceSchema).min(1),
  /** Cursor's token fee on "Usage-based" events, millicents per million tokens. */
  token_fee_per_million: count.default(25_000),
});

export const tokensSchema = z.object({ input: count, output: count, cache_write: count.default(0), cache_read: count.default(0) });

export const eventSchema = z.object({
  /** The instant, with milliseconds (Cursor's `timestamp` is epoch ms as a string). Unique per member. */
  at: z.string().regex(INSTANT_MS, 'must be an instant with milliseconds, e.g. 2026-11-27T09:41:07.123Z'),
  user_id: z.number().int().positive(),
  model: z.string().min(1),
  kind: z.enum(KINDS),
  type: z.enum(REQUEST_TYPES),
  max_mode: z.boolean().default(false),
  headless: z.boolean().default(false),
  /** null: no token usage reported (errored calls). */
  tokens: tokensSchema.nullable(),
});

/** Editor counters of one member on one day that no event carries (§6.4). */
export const activitySchema = z
  .object({
    user_id: z.number().int().positive(),
    day,
    lines_added: count,
    lines_deleted: count,
    accepted_lines_added: count,
    accepted_lines_deleted: count,
    applies: count,
    accepts: count,
    rejects: count,
    tabs_shown: count,
    tabs_accepted: count,
    client_version: z.string().min(1),
    apply_extension: z.string().min(1).optional(),
    tab_extension: z.string().min(1).optional(),
  })
  .superRefine((a, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (a.accepted_lines_added > a.lines_added) issue('accepted_lines_added', 'cannot exceed lines_added');
    if (a.accepted_lines_deleted > a.lines_deleted) issue('accepted_lines_deleted', 'cannot exceed lines_deleted');
    if (a.accepts + a.rejects > a.applies) issue('accepts', 'accepts + rejects cannot exceed applies');
    if (a.tabs_accepted > a.tabs_shown) issue('tabs_accepted', 'cannot exceed tabs_shown');
  });

export const cursorSeedSchema = z
  .object({
    /** The last full day of data (UTC). The simulator's "now" is never earlier than the end of it. */
    clock: day,
    team: teamSchema,
    api_keys: z.array(apiKeySchema).min(1),
    members: z.array(memberSchema),
    pricing: pricingSchema,
    events: z.array(eventSchema).default([]),
    activity: z.array(activitySchema).default([]),
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
    };
    unique(seed.members, (m) => String(m.id), 'members', 'id');
    // Usage carries only the email (§2.3), so emails must identify members case-insensitively.
    unique(seed.members, (m) => m.email.toLowerCase(), 'members', 'email');
    unique(seed.api_keys, (k) => k.key, 'api_keys', 'key');
    unique(seed.pricing.models, (m) => m.model, 'pricing.models', 'model');
    unique(seed.events, (e) => `${e.user_id}@${e.at}`, 'events', 'at');
    unique(seed.activity, (a) => `${a.user_id}@${a.day}`, 'activity', 'day');
    const members = new Map(seed.members.map((m) => [m.id, m]));
    const models = new Set(seed.pricing.models.map((m) => m.model));
    const endOfClock = Date.parse(`${seed.clock}T00:00:00Z`) + 86_400_000;
    if (seed.team.cycle_start > seed.clock) issue(['team', 'cycle_start'], `must not be after the clock ${seed.clock}`);
    seed.members.forEach((m, i) => {
      if (m.removed !== null && m.removed < m.joined) issue(['members', i, 'removed'], 'must not be before joined');
    });
    const member = (userId: number, path: (string | number)[], on: string) => {
      const m = members.get(userId);
      if (!m) issue(path, `unknown member ${userId}`);
      else if (on < m.joined || (m.removed !== null && on >= m.removed)) issue(path, `member ${userId} is not on the team on ${on}`);
    };
    seed.events.forEach((e, i) => {
      member(e.user_id, ['events', i, 'user_id'], e.at.slice(0, 10));
      if (!models.has(e.model)) issue(['events', i, 'model'], `no price for model "${e.model}"`);
      if (Date.parse(e.at) >= endOfClock) issue(['events', i, 'at'], `must be on or before the clock day ${seed.clock}`);
      if (e.kind !== 'Errored, Not Charged' && e.tokens === null) issue(['events', i, 'tokens'], `a "${e.kind}" event needs tokens`);
    });
    seed.activity.forEach((a, i) => {
      member(a.user_id, ['activity', i, 'user_id'], a.day);
      if (a.day > seed.clock) issue(['activity', i, 'day'], `must be on or before the clock ${seed.clock}`);
    });
  });

/** A validated seed, every default filled in. */
export type CursorSeed = z.output<typeof cursorSeedSchema>;
/** What a seed file or `POST /__sim/seed` may contain: defaults may be left out. */
export type CursorSeedInput = z.input<typeof cursorSeedSchema>;
export type CursorMember = z.output<typeof memberSchema>;
export type CursorEvent = z.output<typeof eventSchema>;
export type CursorActivity = z.output<typeof activitySchema>;
export type CursorKind = (typeof KINDS)[number];
export type RequestType = (typeof REQUEST_TYPES)[number];

/** Validates a seed; throws InvalidSeedError listing the problems as `path: message`. */
export function parseCursorSeed(input: unknown): CursorSeed {
  return parseSeedWith(cursorSeedSchema, input, 'Cursor');
}
