/**
 * What Confluent bills for (docs/providers/sources-additions.md §2.6): the `product` and `line_type`
 * values of a Cost, and the list prices the default seed charges. Both enums are *extensible* in
 * Confluent's spec; the lists here are the ones §2.6 transcribes. Prices and units are our
 * choice (the API reports them per row, the spec fixes neither): prices are integer micro-dollars
 * per unit so every amount is exact in integer arithmetic.
 */

/** Product ids (§2.6) with a display name; the unified `products` mapping carries the same table. */
export const PRODUCTS = {
  KAFKA: 'Kafka',
  CONNECT: 'Connect',
  KSQL: 'ksqlDB',
  AUDIT_LOG: 'Audit Log',
  STREAM_GOVERNANCE: 'Stream Governance',
  CLUSTER_LINK: 'Cluster Linking',
  CUSTOM_CONNECT: 'Custom Connectors',
  FLINK: 'Flink',
  TABLEFLOW: 'Tableflow',
  SUPPORT_CLOUD_BASIC: 'Support (Basic)',
  SUPPORT_CLOUD_DEVELOPER: 'Support (Developer)',
  SUPPORT_CLOUD_BUSINESS: 'Support (Business)',
  SUPPORT_CLOUD_PREMIER: 'Support (Premier)',
  USM: 'Unified Stream Manager',
} as const;
export type Product = keyof typeof PRODUCTS;
export const PRODUCT_IDS = Object.keys(PRODUCTS) as Product[];

/** Line types §2.6 names, plus the older spec's (KAFKA_BASE, CONNECT_THROUGHPUT, …); extensible. */
export const LINE_TYPES = [
  'KAFKA_NUM_CKUS',
  'KAFKA_BASE',
  'KAFKA_STORAGE',
  'KAFKA_NETWORK_READ',
  'KAFKA_NETWORK_WRITE',
  'KAFKA_PARTITION',
  'KAFKA_REST_PRODUCE',
  'CONNECT_CAPACITY',
  'CONNECT_NUM_TASKS',
  'CONNECT_THROUGHPUT',
  'CONNECT_NUM_RECORDS',
  'KSQL_NUM_CSUS',
  'FLINK_NUM_CFUS',
  'SCHEMA_REGISTRY',
  'GOVERNANCE_BASE',
  'CLUSTER_LINKING_PER_LINK',
  'CLUSTER_LINKING_READ',
  'CLUSTER_LINKING_WRITE',
  'AUDIT_LOG_READ',
  'TABLEFLOW_STORAGE',
  'PROMO_CREDIT',
  'SUPPORT',
] as const;

export const NETWORK_ACCESS_TYPES = ['INTERNET', 'TRANSIT_GATEWAY', 'PRIVATE_LINK', 'PEERED_VPC', 'PNI', 'MULTI'] as const;
export type NetworkAccessType = (typeof NETWORK_ACCESS_TYPES)[number];

export const RESOURCE_KINDS = ['kafka_dedicated', 'kafka_standard', 'kafka_basic', 'connector', 'ksql', 'flink', 'schema_registry', 'cluster_link'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

/** One billed line of a resource kind: what a day of it costs. */
export interface LineSpec {
  product: Product;
  line_type: string;
  unit: string;
  /** List price per unit, integer micro-dollars. */
  price_micro: number;
  /** Quantity per day for one unit of the resource's size, in thousandths of `unit`. */
  daily_milli: number;
  /** Capacity lines (hours of a provisioned size) do not vary; usage lines follow traffic. */
  fixed?: boolean;
}

const HOURS = 24_000; // 24 hours, in thousandths

/** Per resource kind, the lines a day of it produces; `size` (CKUs, tasks, CSUs, CFUs, GB/day) multiplies daily_milli. */
export const LINES: Record<ResourceKind, LineSpec[]> = {
  kafka_dedicated: [
    { product: 'KAFKA', line_type: 'KAFKA_NUM_CKUS', unit: 'CKU-hour', price_micro: 2_250_000, daily_milli: HOURS, fixed: true },
    { product: 'KAFKA', line_type: 'KAFKA_STORAGE', unit: 'GB-hour', price_micro: 137, daily_milli: 48_000_000 },
    { product: 'KAFKA', line_type: 'KAFKA_NETWORK_READ', unit: 'GB', price_micro: 50_000, daily_milli: 1_850_000 },
    { product: 'KAFKA', line_type: 'KAFKA_NETWORK_WRITE', unit: 'GB', price_micro: 50_000, daily_milli: 620_000 },
  ],
  kafka_standard: [
    { product: 'KAFKA', line_type: 'KAFKA_BASE', unit: 'Hour', price_micro: 1_500_000, daily_milli: HOURS, fixed: true },
    { product: 'KAFKA', line_type: 'KAFKA_STORAGE', unit: 'GB-hour', price_micro: 137, daily_milli: 9_600_000 },
    { product: 'KAFKA', line_type: 'KAFKA_NETWORK_READ', unit: 'GB', price_micro: 50_000, daily_milli: 240_000 },
    { product: 'KAFKA', line_type: 'KAFKA_NETWORK_WRITE', unit: 'GB', price_micro: 40_000, daily_milli: 96_000 },
    { product: 'KAFKA', line_type: 'KAFKA_PARTITION', unit: 'Partition-hour', price_micro: 1_500, daily_milli: 2_400_000, fixed: true },
  ],
  kafka_basic: [
    { product: 'KAFKA', line_type: 'KAFKA_STORAGE', unit: 'GB-hour', price_micro: 137, daily_milli: 120_000 },
    { product: 'KAFKA', line_type: 'KAFKA_NETWORK_READ', unit: 'GB', price_micro: 50_000, daily_milli: 3_500 },
    { product: 'KAFKA', line_type: 'KAFKA_NETWORK_WRITE', unit: 'GB', price_micro: 50_000, daily_milli: 1_200 },
  ],
  connector: [
    { product: 'CONNECT', line_type: 'CONNECT_CAPACITY', unit: 'Hour', price_micro: 170_000, daily_milli: HOURS, fixed: true },
    { product: 'CONNECT', line_type: 'CONNECT_NUM_TASKS', unit: 'Task-hour', price_micro: 34_000, daily_milli: HOURS, fixed: true },
    { product: 'CONNECT', line_type: 'CONNECT_THROUGHPUT', unit: 'GB', price_micro: 25_000, daily_milli: 180_000 },
  ],
  ksql: [{ product: 'KSQL', line_type: 'KSQL_NUM_CSUS', unit: 'CSU-hour', price_micro: 230_000, daily_milli: HOURS, fixed: true }],
  flink: [{ product: 'FLINK', line_type: 'FLINK_NUM_CFUS', unit: 'CFU-minute', price_micro: 3_500, daily_milli: 1_440_000 }],
  schema_registry: [
    { product: 'STREAM_GOVERNANCE', line_type: 'GOVERNANCE_BASE', unit: 'Hour', price_micro: 1_000_000, daily_milli: HOURS, fixed: true },
    { product: 'STREAM_GOVERNANCE', line_type: 'SCHEMA_REGISTRY', unit: 'Schema-hour', price_micro: 2_000, daily_milli: HOURS, fixed: true },
  ],
  cluster_link: [
    { product: 'CLUSTER_LINK', line_type: 'CLUSTER_LINKING_PER_LINK', unit: 'Link-hour', price_micro: 250_000, daily_milli: HOURS, fixed: true },
    { product: 'CLUSTER_LINK', line_type: 'CLUSTER_LINKING_READ', unit: 'GB', price_micro: 50_000, daily_milli: 310_000 },
  ],
};

/** The organization's support plan, billed per day (our choice: $1,000 a month, prorated over 365 days). */
export const SUPPORT_LINE = { product: 'SUPPORT_CLOUD_BUSINESS' as Product, line_type: 'SUPPORT', unit: 'Day', price_micro: 32_876_712 };

/** Promotional credit lines carry no product and no resource; the amount is negative. */
export const PROMO_LINE = { line_type: 'PROMO_CREDIT', unit: 'USD' };

function gcd(a: number, b: number): number {
  a = Math.abs(a);
  b = Math.abs(b);
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * The smallest quantity step (in thousandths) for which quantity × price is a whole number of
 * micro-dollars: thousandths of a GB at $0.05 are fine, GB-hours at $0.000137 must be whole.
 */
export function quantityStep(priceMicro: number): number {
  return 1000 / gcd(priceMicro === 0 ? 1000 : priceMicro, 1000);
}
