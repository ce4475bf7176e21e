import { z } from 'zod';
import { InvalidSeedError } from '../../../simulator-kit/simulator-app.ts';

/**
 * The Datadog Usage Metering simulator's seed (docs/providers/sources-additions.md §2.5). The seed
 * holds the multi-org account (a parent and its child orgs), the API and application keys, one
 * generator per hourly usage series and the contract's billing dimensions with their unit prices
 * and commitments. Hourly values are generated from the series deterministically; money is never
 * stored: every cost is derived from the hourly values and the prices in integer micro-dollars,
 * so costs always equal usage × price. Loading validates every field and cross-reference.
 */

/** Product families of `filter[product_families]` in @datadog/datadog-api-client 1.64.0 (`all` aside). */
export const KNOWN_PRODUCT_FAMILIES = [
  'ai',
  'analyzed_logs',
  'application_performance_monitoring',
  'application_security',
  'audit_logs',
  'audit_trail',
  'bits_ai',
  'serverless',
  'ci_app',
  'cloud_cost_management',
  'cloud_siem',
  'csm_container_enterprise',
  'csm_host_enterprise',
  'csm_host_pro',
  'cspm',
  'custom_events',
  'cws',
  'data_observability',
  'dbm',
  'digital_experience_management',
  'error_tracking',
  'fargate',
  'infra_hosts',
  'incident_management',
  'indexed_logs',
  'indexed_spans',
  'infrastructure_monitoring',
  'ingested_spans',
  'iot',
  'lambda_traced_invocations',
  'llm_observability',
  'log_management',
  'logs',
  'network_flows',
  'network_hosts',
  'network_monitoring',
  'observability_pipelines',
  'online_archive',
  'platform_capabilities',
  'product_analytics',
  'profiling',
  'rum',
  'rum_browser_sessions',
  'rum_mobile_sessions',
  'sds',
  'security',
  'snmp',
  'software_delivery',
  'synthetics_api',
  'synthetics_browser',
  'synthetics_mobile',
  'synthetics_parallel_testing',
  'timeseries',
  'vuln_management',
  'workflow_executions',
] as const;

/** Application-key permissions the usage routes check (the rest of Datadog's RBAC is not simulated). */
export const PERMISSIONS = ['usage_read', 'billing_read'] as const;
export type Permission = (typeof PERMISSIONS)[number];

const PUBLIC_ID = z.string().regex(/^[a-z0-9]{16}$/, 'must be 16 lower-case letters or digits, like Datadog public ids');
const SLUG = z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a snake_case name');
const WHOLE_DAY = /^\d{4}-\d{2}-\d{2}T00:00:00Z$/;

export const orgSchema = z.object({
  public_id: PUBLIC_ID,
  name: z.string().min(1),
  /** The parent's public id; null for the root (parent-level) organization. */
  parent: PUBLIC_ID.nullable().default(null),
  region: z.string().min(1).default('us'),
  /** As GET /api/v1/org writes it: `YYYY-MM-DD hh:mm:ss` (UTC, no zone). */
  created: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/, 'must be `YYYY-MM-DD hh:mm:ss`'),
  description: z.string().default(''),
  subscription: z.string().default('pro'),
  trial: z.boolean().default(false),
});

export const apiKeySchema = z.object({
  /** 32 hexadecimal characters, as Datadog API keys are. */
  key: z.string().regex(/^[0-9a-f]{32}$/, 'must be 32 lower-case hex characters'),
  org: PUBLIC_ID,
  name: z.string().min(1),
  revoked: z.boolean().default(false),
});

export const appKeySchema = z.object({
  /** 40 hexadecimal characters, as Datadog application keys are. */
  key: z.string().regex(/^[0-9a-f]{40}$/, 'must be 40 lower-case hex characters'),
  org: PUBLIC_ID,
  name: z.string().min(1),
  revoked: z.boolean().default(false),
  /** A scoped key's permissions; null (default) means the owner's, which include every usage permission. */
  permissions: z.array(z.enum(PERMISSIONS)).nullable().default(null),
});

/** One hourly series: `base` per hour on a weekday at its daily mean, shaped and jittered deterministically. */
export const seriesSchema = z.object({
  org: PUBLIC_ID,
  product_family: z.enum(KNOWN_PRODUCT_FAMILIES),
  usage_type: SLUG,
  base: z.number().int().min(0),
  /** Peak-to-mean swing of the daily cycle, in percent (peak at 15:00 UTC). */
  diurnal_pct: z.number().int().min(0).max(100).default(0),
  /** Weekend level as a percent of the weekday level. */
  weekend_pct: z.number().int().min(0).max(200).default(100),
  /** Linear growth over the seeded span, in percent. */
  growth_pct: z.number().int().min(-90).max(500).default(0),
  /** Uniform jitter, ± percent per hour. */
  noise_pct: z.number().int().min(0).max(50).default(0),
  /** The org has no such meter: every hour reports `value: null` (as Datadog does for e.g. container_count). */
  unmeasured: z.boolean().default(false),
});

/** A price in micro-dollars per `per` units (e.g. 100000 per 1e9 bytes = $0.10 per GB). */
export const priceSchema = z.object({
  committed_micros: z.number().int().min(0),
  on_demand_micros: z.number().int().min(0),
  per: z.number().int().min(1),
});

export const dimensionSchema = z.object({
  /** The billing dimension, as cost `charges[].product_name` and billing_dimension_mapping `id` write it. */
  id: SLUG,
  in_app_label: z.string().min(1),
  /** The hourly_usage measurement that meters it; null for dimensions outside the contract. */
  product_family: z.enum(KNOWN_PRODUCT_FAMILIES).nullable().default(null),
  usage_type: SLUG.nullable().default(null),
  price: priceSchema.nullable().default(null),
  /** Units per month bought in advance, per org; usage up to it is `committed`, beyond it `on_demand`. */
  commitments: z.record(PUBLIC_ID, z.number().int().min(0)).default({}),
});

export const seedSchema = z.object({
  /** End (exclusive) of the seeded hourly data: a whole UTC day. "Now" is never earlier. */
  clock: z.string().regex(WHOLE_DAY, 'must be a whole UTC day, e.g. 2026-11-28T00:00:00Z'),
  /** Days of hourly data before `clock`. */
  days: z.number().int().min(1).max(460),
  /** Seeds the value generator, so the same seed gives the same numbers byte for byte. */
  random_seed: z.number().int().min(0),
  orgs: z.array(orgSchema).min(1),
  api_keys: z.array(apiKeySchema).min(1),
  app_keys: z.array(appKeySchema).min(1),
  series: z.array(seriesSchema),
  dimensions: z.array(dimensionSchema),
});

export type DatadogSeed = z.infer<typeof seedSchema>;
export type DatadogSeedInput = z.input<typeof seedSchema>;
export type DatadogOrg = z.infer<typeof orgSchema>;
export type DatadogSeries = z.infer<typeof seriesSchema>;
export type DatadogDimension = z.infer<typeof dimensionSchema>;
export type DatadogAppKey = z.infer<typeof appKeySchema>;

/** Validates a seed and its cross-references; throws InvalidSeedError naming the offending path. */
export function parseDatadogSeed(input: unknown): DatadogSeed {
  const parsed = seedSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new InvalidSeedError(`invalid seed: ${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`);
  }
  const seed = parsed.data;
  const fail = (path: string, message: string): never => {
    throw new InvalidSeedError(`invalid seed: ${path}: ${message}`);
  };
  const orgIds = new Set<string>();
  seed.orgs.forEach((o, i) => {
    if (orgIds.has(o.public_id)) fail(`orgs.${i}.public_id`, `duplicate ${o.public_id}`);
    orgIds.add(o.public_id);
  });
  const roots = seed.orgs.filter((o) => o.parent === null);
  if (roots.length !== 1) fail('orgs', `exactly one parent-level organization (parent: null) is required, found ${roots.length}`);
  seed.orgs.forEach((o, i) => {
    if (o.parent !== null && o.parent !== roots[0].public_id) fail(`orgs.${i}.parent`, 'must be the parent-level organization (one level of child orgs)');
  });
  const keys = new Set<string>();
  for (const [list, name] of [
    [seed.api_keys, 'api_keys'],
    [seed.app_keys, 'app_keys'],
  ] as const) {
    list.forEach((k, i) => {
      if (!orgIds.has(k.org)) fail(`${name}.${i}.org`, `unknown org ${k.org}`);
      if (keys.has(k.key)) fail(`${name}.${i}.key`, 'duplicate key');
      keys.add(k.key);
    });
  }
  const series = new Set<string>();
  seed.series.forEach((s, i) => {
    if (!orgIds.has(s.org)) fail(`series.${i}.org`, `unknown org ${s.org}`);
    const id = `${s.org}|${s.product_family}|${s.usage_type}`;
    if (series.has(id)) fail(`series.${i}`, `duplicate series ${s.product_family}.${s.usage_type} for ${s.org}`);
    series.add(id);
  });
  const dims = new Set<string>();
  const meters = new Set<string>();
  seed.dimensions.forEach((d, i) => {
    if (dims.has(d.id)) fail(`dimensions.${i}.id`, `duplicate ${d.id}`);
    dims.add(d.id);
    const metered = d.product_family !== null && d.usage_type !== null;
    if ((d.product_family === null) !== (d.usage_type === null)) fail(`dimensions.${i}`, 'product_family and usage_type go together');
    if (metered !== (d.price !== null)) fail(`dimensions.${i}.price`, 'a metered dimension needs a price, an unmetered one has none');
    if (metered) {
      const meter = `${d.product_family}.${d.usage_type}`;
      if (meters.has(meter)) fail(`dimensions.${i}`, `${meter} already meters another dimension`);
      meters.add(meter);
    }
    for (const org of Object.keys(d.commitments)) if (!orgIds.has(org)) fail(`dimensions.${i}.commitments.${org}`, 'unknown org');
  });
  return seed;
}
