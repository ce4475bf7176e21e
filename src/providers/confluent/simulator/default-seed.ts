import { createPrng, type Prng } from '../../../simulator-kit/prng.ts';
import { LINES, PROMO_LINE, SUPPORT_LINE, quantityStep, type ResourceKind } from './catalog.ts';
import { lineMicro } from './money.ts';
import type { ConfluentSeedInput, CostLine } from './seed-schema.ts';

/**
 * The sandbox organization (docs/providers/sources-additions.md §2.6): three environments with
 * Kafka clusters of all three types, connectors, ksqlDB, Flink, Schema Registry and a cluster
 * link; a Business support plan; a committed-use discount on production Kafka and Connect; and a
 * $1,500 promotional credit that pays for every day's bill until it runs out. Deterministic: the
 * same options give the same seed, byte for byte.
 */

/** "Now" of the seed: cost lines cover the 90 days up to the last full day, 2026-11-27. */
export const SEED_CLOCK = '2026-11-28T00:00:00Z';
export const SEED_DAYS = 90;
export const DAY_MS = 86_400_000;
export const SEED_LAST_DAY = '2026-11-27';
export const SEED_FIRST_DAY = new Date(Date.parse(SEED_CLOCK) - SEED_DAYS * DAY_MS).toISOString().slice(0, 10); // 2026-08-30

/** Credentials the sandbox connects with: an OrganizationAdmin Cloud API key. */
export const DEFAULT_CONFLUENT_API_KEY = 'TSRAORGADMIN0001';
export const DEFAULT_CONFLUENT_API_SECRET = 'tSr4+OrgAdminSecret/0001+sandboxSandboxSandboxSandboxSandbox0001';
export const DEFAULT_CONFLUENT_KEYS = {
  orgAdmin: { key: DEFAULT_CONFLUENT_API_KEY, secret: DEFAULT_CONFLUENT_API_SECRET },
  billingAdmin: { key: 'TSRABILLADMIN002', secret: 'tSr4+BillingAdminSecret/0002+sandboxSandboxSandboxSandbox0002' },
  /** Valid, but without a billing role: org/v2 answers, billing/v1 is a 403. */
  environmentAdmin: { key: 'TSRAENVADMIN0003', secret: 'tSr4+EnvAdminSecret/0003+sandboxSandboxSandboxSandboxSandbox03' },
  revoked: { key: 'TSRAREVOKED00004', secret: 'tSr4+RevokedSecret/0004+sandboxSandboxSandboxSandboxSandbox0004' },
} as const;

export const DEFAULT_CONFLUENT_ORG = { id: '8f0c2b6e-4a1d-4c3b-9e7f-2d5a6b8c9e01', display_name: 'Tessera Streaming' };
export const DEFAULT_CONFLUENT_ENVIRONMENTS = { production: 'env-prod01', staging: 'env-stg02', development: 'env-dev03' } as const;
/** Committed-use discount on production Kafka and Connect lines, in basis points (12%). */
export const PRODUCTION_DISCOUNT_BP = 1_200;
export const PROMO_CODE = 'STARTUP1500';
export const PROMO_CREDIT_MICRO = 1_500_000_000;

interface ResourcePlan {
  id: string;
  display_name: string;
  environment_id: string;
  kind: ResourceKind;
  network_access_type?: 'INTERNET' | 'PRIVATE_LINK' | 'TRANSIT_GATEWAY' | 'PEERED_VPC';
  /** Multiplies each line's daily quantity (CKUs, tasks, CSUs, CFUs, traffic). */
  size: number;
  discount_bp?: number;
  /** Traffic growth over the whole period (0.3 = +30% from the first day to the last). */
  growth?: number;
}

const E = DEFAULT_CONFLUENT_ENVIRONMENTS;
export const DEFAULT_CONFLUENT_RESOURCES: ResourcePlan[] = [
  {
    id: 'lkc-pr0d1',
    display_name: 'orders-prod',
    environment_id: E.production,
    kind: 'kafka_dedicated',
    network_access_type: 'PRIVATE_LINK',
    size: 2,
    discount_bp: PRODUCTION_DISCOUNT_BP,
    growth: 0.3,
  },
  {
    id: 'lcc-s3snk1',
    display_name: 'orders-s3-sink',
    environment_id: E.production,
    kind: 'connector',
    size: 4,
    discount_bp: PRODUCTION_DISCOUNT_BP,
    growth: 0.3,
  },
  { id: 'lksqlc-enr1', display_name: 'orders-enrichment', environment_id: E.production, kind: 'ksql', size: 4 },
  { id: 'lfcp-frd01', display_name: 'fraud-detection', environment_id: E.production, kind: 'flink', size: 5, growth: 0.5 },
  { id: 'lsrc-prd01', display_name: 'prod-schema-registry', environment_id: E.production, kind: 'schema_registry', size: 1 },
  { id: 'lkc-stg01', display_name: 'orders-staging', environment_id: E.staging, kind: 'kafka_standard', network_access_type: 'INTERNET', size: 1 },
  { id: 'lcc-pgcdc1', display_name: 'pg-cdc-source', environment_id: E.staging, kind: 'connector', size: 2 },
  { id: 'cl-p2s01', display_name: 'prod-to-staging', environment_id: E.staging, kind: 'cluster_link', network_access_type: 'PRIVATE_LINK', size: 1 },
  { id: 'lkc-dev01', display_name: 'sandbox', environment_id: E.development, kind: 'kafka_basic', network_access_type: 'INTERNET', size: 1 },
  { id: 'lfcp-dev01', display_name: 'dev-pool', environment_id: E.development, kind: 'flink', size: 1 },
];

export interface GenerateOptions {
  /** Days of history before the clock (default 90, at most 365). */
  days?: number;
  /** PRNG seed of the daily traffic (default 2026). */
  prngSeed?: number;
  clock?: string;
}

/** Traffic of one day: weekdays busier than weekends, a steady trend, ±15% noise. */
function trafficFactor(rng: Prng, dayIndex: number, days: number, weekday: number, growth: number): number {
  const weekend = weekday === 0 || weekday === 6 ? 0.62 : 1;
  const trend = 1 + (growth * dayIndex) / Math.max(1, days - 1);
  return weekend * trend * (0.85 + 0.3 * rng.next());
}

function dayLines(rng: Prng, day: string, dayIndex: number, days: number, nextId: () => string): CostLine[] {
  const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
  const out: CostLine[] = [];
  for (const r of DEFAULT_CONFLUENT_RESOURCES) {
    for (const line of LINES[r.kind]) {
      const step = quantityStep(line.price_micro);
      const raw = line.daily_milli * r.size * (line.fixed ? 1 : trafficFactor(rng, dayIndex, days, weekday, r.growth ?? 0.1));
      const quantity_milli = Math.max(step, Math.round(raw / step) * step);
      const original = lineMicro(quantity_milli, line.price_micro);
      const discount_micro = r.discount_bp && (line.product === 'KAFKA' || line.product === 'CONNECT') ? Math.floor((original * r.discount_bp) / 10_000) : 0;
      out.push({
        id: nextId(),
        date: day,
        product: line.product,
        line_type: line.line_type as CostLine['line_type'],
        unit: line.unit,
        quantity_milli,
        price_micro: line.price_micro,
        discount_micro,
        resource_id: r.id,
        ...(line.product === 'KAFKA' || line.product === 'CLUSTER_LINK' ? { network_access_type: r.network_access_type } : {}),
      });
    }
  }
  out.push({
    id: nextId(),
    date: day,
    product: SUPPORT_LINE.product,
    line_type: 'SUPPORT',
    unit: SUPPORT_LINE.unit,
    quantity_milli: 1000,
    price_micro: SUPPORT_LINE.price_micro,
    discount_micro: 0,
  });
  return out;
}

/** A seed with `days` days of cost lines before the clock. */
export function generateConfluentSeed(options: GenerateOptions = {}): ConfluentSeedInput {
  const days = options.days ?? SEED_DAYS;
  if (!Number.isInteger(days) || days < 1 || days > 365) throw new Error('days must be an integer from 1 to 365');
  const clock = options.clock ?? SEED_CLOCK;
  const rng = createPrng(options.prngSeed ?? 2026);
  const idRng = createPrng((options.prngSeed ?? 2026) ^ 0x5eed);
  const usedIds = new Set<string>();
  const nextId = () => {
    let id: string;
    do id = `dlz-${idRng.token(7, '0123456789abcdef')}`;
    while (usedIds.has(id));
    usedIds.add(id);
    return id;
  };
  const first = Date.parse(clock.slice(0, 10)) - days * DAY_MS;
  let balance = PROMO_CREDIT_MICRO;
  const costs: CostLine[] = [];
  for (let i = 0; i < days; i++) {
    const day = new Date(first + i * DAY_MS).toISOString().slice(0, 10);
    const lines = dayLines(rng, day, i, days, nextId);
    costs.push(...lines);
    // The promotional credit pays the day's bill (after discounts) until the balance runs out.
    if (balance > 0) {
      const bill = lines.reduce((sum, l) => sum + lineMicro(l.quantity_milli, l.price_micro) - l.discount_micro, 0);
      const credit = Math.min(balance, bill);
      balance -= credit;
      costs.push({
        id: nextId(),
        date: day,
        line_type: 'PROMO_CREDIT',
        unit: PROMO_LINE.unit,
        quantity_milli: 1000,
        price_micro: -credit,
        discount_micro: 0,
        description: PROMO_CODE,
      });
    }
  }
  return {
    clock,
    organization: { ...DEFAULT_CONFLUENT_ORG, created_at: '2024-03-11T09:30:00Z' },
    environments: [
      { id: E.production, display_name: 'production', created_at: '2024-03-11T09:42:10Z', stream_governance_package: 'ADVANCED' },
      { id: E.staging, display_name: 'staging', created_at: '2024-03-12T14:05:33Z', stream_governance_package: 'ESSENTIALS' },
      { id: E.development, display_name: 'development', created_at: '2025-01-20T08:15:00Z' },
    ],
    resources: DEFAULT_CONFLUENT_RESOURCES.map(({ size: _s, discount_bp: _d, growth: _g, ...r }) => r),
    api_keys: [
      { ...DEFAULT_CONFLUENT_KEYS.orgAdmin, role: 'OrganizationAdmin' },
      { ...DEFAULT_CONFLUENT_KEYS.billingAdmin, role: 'BillingAdmin' },
      { ...DEFAULT_CONFLUENT_KEYS.environmentAdmin, role: 'EnvironmentAdmin' },
      { ...DEFAULT_CONFLUENT_KEYS.revoked, role: 'OrganizationAdmin', revoked: true },
    ],
    costs,
  };
}

/** The seed the sandbox and most tests use. */
export function defaultConfluentSeed(): ConfluentSeedInput {
  return generateConfluentSeed();
}
