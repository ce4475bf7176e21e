import { z } from 'zod';
import { parseSeedWith } from '../../../simulator-kit/seed.ts';
import { LINE_TYPES, NETWORK_ACCESS_TYPES, PRODUCT_IDS, RESOURCE_KINDS } from './catalog.ts';

/**
 * The Confluent Cloud simulator's seed (docs/providers/sources-additions.md §2.6): one organization,
 * its environments and billed resources, the Cloud API keys that may call it, and the daily cost
 * lines. Money is stored as integers only (quantity in thousandths of a unit, price and discount
 * in micro-dollars); `original_amount` and `amount` are derived, so every row adds up by
 * construction. Loading validates every field and cross-reference and names the offending path.
 */

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const dateTime = z.string().regex(DATE_TIME, 'must be an RFC 3339 UTC date-time (…Z)');
const date = z
  .string()
  .regex(DATE, 'must be a date YYYY-MM-DD')
  .refine((d) => new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'is not a real date');
const int = z.number().int().refine(Number.isSafeInteger, 'must be a safe integer');

export const organizationSchema = z.object({
  id: z.string().uuid(),
  display_name: z.string().regex(/^[^<>#%'*^`{|}~"]{1,31}$/, '1–31 characters, none of <>#%\'*^`{|}~"'),
  created_at: dateTime,
});

export const environmentSchema = z.object({
  id: z.string().regex(/^env-[a-z0-9]{5,}$/, 'must look like env-…'),
  display_name: z.string().min(1),
  created_at: dateTime,
  stream_governance_package: z.enum(['ESSENTIALS', 'ADVANCED']).optional(),
});

export const resourceSchema = z.object({
  /** lkc- (Kafka cluster), lcc- (connector), lksqlc- (ksqlDB), lfcp- (Flink pool), lsrc- (Schema Registry), cl- (cluster link). */
  id: z.string().regex(/^(lkc|lcc|lksqlc|lfcp|lsrc|cl)-[a-z0-9]{4,}$/, 'must look like lkc-…, lcc-…, lksqlc-…, lfcp-…, lsrc-… or cl-…'),
  display_name: z.string().min(1),
  environment_id: z.string(),
  kind: z.enum(RESOURCE_KINDS),
  network_access_type: z.enum(NETWORK_ACCESS_TYPES).optional(),
});

export const apiKeySchema = z.object({
  /** A Cloud API key id: 16 upper-case letters and digits. */
  key: z.string().regex(/^[A-Z0-9]{16}$/, 'must be 16 upper-case letters and digits'),
  secret: z.string().min(16),
  /** Billing needs OrganizationAdmin or BillingAdmin (§2.6); any valid key reads org/v2. */
  role: z.enum(['OrganizationAdmin', 'BillingAdmin', 'EnvironmentAdmin', 'MetricsViewer']),
  revoked: z.boolean().default(false),
});

export const costSchema = z.object({
  id: z.string().min(1).max(255),
  /** The day the line covers: start_date; end_date is the next day (granularity DAILY). */
  date,
  /** Absent on organization-wide promotional credits. */
  product: z.enum(PRODUCT_IDS as [string, ...string[]]).optional(),
  line_type: z.enum(LINE_TYPES),
  unit: z.string().min(1),
  /** Thousandths of `unit`. */
  quantity_milli: int,
  /** Micro-dollars per unit; negative on credits. */
  price_micro: int,
  /** Micro-dollars taken off the original amount. */
  discount_micro: int.default(0),
  resource_id: z.string().optional(),
  network_access_type: z.enum(NETWORK_ACCESS_TYPES).optional(),
  description: z.string().optional(),
});

export const confluentSeedSchema = z
  .object({
    /** "Now" of the seed: lines exist for days before it (the last full day is the day before). */
    clock: dateTime,
    organization: organizationSchema,
    environments: z.array(environmentSchema),
    resources: z.array(resourceSchema),
    api_keys: z.array(apiKeySchema).min(1),
    costs: z.array(costSchema),
  })
  .superRefine((seed, ctx) => {
    const issue = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    const unique = <T>(items: T[], key: (t: T) => string, where: string, field: string) => {
      const seen = new Set<string>();
      items.forEach((item, i) => {
        const k = key(item);
        if (seen.has(k)) issue([where, i, field], `duplicate ${field} "${k}"`);
        seen.add(k);
      });
      return seen;
    };
    const environments = unique(seed.environments, (e) => e.id, 'environments', 'id');
    unique(seed.resources, (r) => r.id, 'resources', 'id');
    unique(seed.api_keys, (k) => k.key, 'api_keys', 'key');
    unique(seed.costs, (c) => c.id, 'costs', 'id');
    // The unified row id is (day, product, line type, resource): two lines may not share it.
    unique(seed.costs, (c) => `${c.date}/${c.product ?? '-'}/${c.line_type}/${c.resource_id ?? '-'}`, 'costs', 'line');
    const resources = new Map(seed.resources.map((r) => [r.id, r]));
    seed.resources.forEach((r, i) => {
      if (!environments.has(r.environment_id)) issue(['resources', i, 'environment_id'], `unknown environment "${r.environment_id}"`);
    });
    const clockDay = seed.clock.slice(0, 10);
    seed.costs.forEach((c, i) => {
      if (c.resource_id !== undefined && !resources.has(c.resource_id)) issue(['costs', i, 'resource_id'], `unknown resource "${c.resource_id}"`);
      if (c.product === undefined && c.line_type !== 'PROMO_CREDIT') issue(['costs', i, 'product'], 'required (only PROMO_CREDIT lines may omit it)');
      if ((c.quantity_milli * c.price_micro) % 1000 !== 0) issue(['costs', i, 'quantity_milli'], 'quantity × price must be a whole number of micro-dollars');
      if (c.date >= clockDay) issue(['costs', i, 'date'], `must be before the clock's day ${clockDay}`);
    });
  });

/** A validated seed, every default filled in. */
export type ConfluentSeed = z.output<typeof confluentSeedSchema>;
/** What a seed file or `POST /__sim/seed` may contain: defaults may be left out. */
export type ConfluentSeedInput = z.input<typeof confluentSeedSchema>;
export type ConfluentOrganization = z.output<typeof organizationSchema>;
export type ConfluentEnvironment = z.output<typeof environmentSchema>;
export type ConfluentResource = z.output<typeof resourceSchema>;
export type ConfluentApiKey = z.output<typeof apiKeySchema>;
export type CostLine = z.output<typeof costSchema>;

/** Validates a seed; throws InvalidSeedError listing the problems as `path: message`. */
export function parseConfluentSeed(input: unknown): ConfluentSeed {
  return parseSeedWith(confluentSeedSchema, input, 'Confluent');
}
