import type { DatadogSeedInput } from './seed-schema.ts';

/**
 * The sandbox's Datadog account: a parent-level organization with two child orgs (production and
 * staging), 90 days of hourly usage up to the last full day 2026-11-27, and a contract of ten
 * billing dimensions with committed and on-demand prices. Hourly values come from the series below
 * (deterministic: same seed, same numbers); every cost is usage × price in micro-dollars.
 */
export const SEED_CLOCK = '2026-11-28T00:00:00Z';
export const SEED_DAYS = 90;
export const SEED_FIRST_DAY = '2026-08-30';
export const SEED_LAST_DAY = '2026-11-27';

export const DEFAULT_DATADOG_ORGS = {
  parent: { public_id: 'tw5k3x9pqv2ha7me', name: 'Tessera Labs' },
  production: { public_id: 'q8dn4rj2ct6wbz1f', name: 'Tessera Labs Production' },
  staging: { public_id: 'm3va7ye5gk9su2xl', name: 'Tessera Labs Staging' },
} as const;

/** Keys of the default seed: the parent's pair (what the sandbox connects with) and the fixtures. */
export const DEFAULT_DATADOG_KEYS = {
  api: '5f1c2e9a7b3d4c60a8e2f7b19d0c6a42',
  app: '0c7e5a1f9d2b4e8c6a3f0d7b2e9c5a1f4d8b6e20',
  /** A parent application key scoped to usage_read only: cost routes answer 403. */
  scopedApp: '9a2d6f0c4e8b1a5d3f7c9e2b6a0d4f8c1e5b3a77',
  revokedApi: 'b3e8d1a6c9f2e5b7a0d4c8f1e6b9a2d5',
  /** The production child org's pair: parent-only routes answer 400. */
  childApi: 'c4a9e2d7f0b5a8c1e6d3f9b2a7c0e5d8',
  childApp: '7f3b9e1d5a0c8f2e6b4d1a9c3e7f0b5d2a8c6e14',
} as const;

const P = DEFAULT_DATADOG_ORGS.parent.public_id;
const PROD = DEFAULT_DATADOG_ORGS.production.public_id;
const STG = DEFAULT_DATADOG_ORGS.staging.public_id;

/** Busy-hours traffic: high in the afternoon UTC, lower at weekends. */
const traffic = { diurnal_pct: 35, weekend_pct: 65, noise_pct: 10 };

export function defaultDatadogSeed(): DatadogSeedInput {
  return {
    clock: SEED_CLOCK,
    days: SEED_DAYS,
    random_seed: 20261127,
    orgs: [
      { ...DEFAULT_DATADOG_ORGS.parent, parent: null, created: '2023-02-14 09:30:00', description: 'Parent organization: billing and shared tooling' },
      { ...DEFAULT_DATADOG_ORGS.production, parent: P, created: '2023-02-14 09:41:12', description: 'Production workloads' },
      { ...DEFAULT_DATADOG_ORGS.staging, parent: P, created: '2024-06-03 15:02:45', description: 'Staging and load tests' },
    ],
    api_keys: [
      { key: DEFAULT_DATADOG_KEYS.api, org: P, name: 'Tessera usage export' },
      { key: DEFAULT_DATADOG_KEYS.revokedApi, org: P, name: 'Old billing script', revoked: true },
      { key: DEFAULT_DATADOG_KEYS.childApi, org: PROD, name: 'Production agent key' },
    ],
    app_keys: [
      { key: DEFAULT_DATADOG_KEYS.app, org: P, name: 'Tessera usage export' },
      { key: DEFAULT_DATADOG_KEYS.scopedApp, org: P, name: 'Usage dashboards (usage_read only)', permissions: ['usage_read'] },
      { key: DEFAULT_DATADOG_KEYS.childApp, org: PROD, name: 'Production automation' },
    ],
    series: [
      // The parent runs a few tooling hosts and little else; it has no container agent (null values).
      { org: P, product_family: 'infra_hosts', usage_type: 'host_count', base: 4 },
      { org: P, product_family: 'infra_hosts', usage_type: 'apm_host_count', base: 1 },
      { org: P, product_family: 'infra_hosts', usage_type: 'container_count', base: 0, unmeasured: true },
      { org: P, product_family: 'logs', usage_type: 'ingested_events_bytes', base: 150_000_000, ...traffic },
      { org: P, product_family: 'logs', usage_type: 'indexed_events_count', base: 40_000, ...traffic },
      // Production: autoscaled hosts, heavy logs and traces, growing LLM features, real users.
      { org: PROD, product_family: 'infra_hosts', usage_type: 'host_count', base: 118, diurnal_pct: 12, weekend_pct: 85, growth_pct: 10, noise_pct: 3 },
      { org: PROD, product_family: 'infra_hosts', usage_type: 'apm_host_count', base: 42, diurnal_pct: 10, weekend_pct: 90, growth_pct: 8, noise_pct: 3 },
      { org: PROD, product_family: 'infra_hosts', usage_type: 'container_count', base: 940, diurnal_pct: 25, weekend_pct: 70, growth_pct: 15, noise_pct: 5 },
      { org: PROD, product_family: 'logs', usage_type: 'ingested_events_bytes', base: 38_000_000_000, ...traffic, growth_pct: 12 },
      { org: PROD, product_family: 'logs', usage_type: 'indexed_events_count', base: 9_500_000, ...traffic, growth_pct: 12 },
      {
        org: PROD,
        product_family: 'indexed_spans',
        usage_type: 'indexed_events_count',
        base: 2_400_000,
        diurnal_pct: 40,
        weekend_pct: 60,
        growth_pct: 20,
        noise_pct: 12,
      },
      {
        org: PROD,
        product_family: 'ingested_spans',
        usage_type: 'ingested_events_bytes',
        base: 21_000_000_000,
        diurnal_pct: 40,
        weekend_pct: 60,
        growth_pct: 20,
        noise_pct: 12,
      },
      {
        org: PROD,
        product_family: 'llm_observability',
        usage_type: 'llm_observability_spans',
        base: 18_000,
        diurnal_pct: 60,
        weekend_pct: 40,
        growth_pct: 80,
        noise_pct: 20,
      },
      { org: PROD, product_family: 'rum', usage_type: 'rum_lite_session_count', base: 6_200, diurnal_pct: 70, weekend_pct: 55, growth_pct: 10, noise_pct: 10 },
      { org: PROD, product_family: 'rum', usage_type: 'rum_replay_session_count', base: 700, diurnal_pct: 70, weekend_pct: 55, growth_pct: 10, noise_pct: 10 },
      // Staging: scaled down at night and at weekends; LLM experiments ramping up; no real users.
      { org: STG, product_family: 'infra_hosts', usage_type: 'host_count', base: 26, diurnal_pct: 30, weekend_pct: 40, noise_pct: 5 },
      { org: STG, product_family: 'infra_hosts', usage_type: 'apm_host_count', base: 9, diurnal_pct: 30, weekend_pct: 40, noise_pct: 5 },
      { org: STG, product_family: 'infra_hosts', usage_type: 'container_count', base: 150, diurnal_pct: 40, weekend_pct: 30, noise_pct: 8 },
      { org: STG, product_family: 'logs', usage_type: 'ingested_events_bytes', base: 4_200_000_000, diurnal_pct: 40, weekend_pct: 30, noise_pct: 15 },
      { org: STG, product_family: 'logs', usage_type: 'indexed_events_count', base: 900_000, diurnal_pct: 40, weekend_pct: 30, noise_pct: 15 },
      { org: STG, product_family: 'indexed_spans', usage_type: 'indexed_events_count', base: 350_000, diurnal_pct: 40, weekend_pct: 30, noise_pct: 15 },
      { org: STG, product_family: 'ingested_spans', usage_type: 'ingested_events_bytes', base: 3_100_000_000, diurnal_pct: 40, weekend_pct: 30, noise_pct: 15 },
      {
        org: STG,
        product_family: 'llm_observability',
        usage_type: 'llm_observability_spans',
        base: 2_500,
        diurnal_pct: 50,
        weekend_pct: 20,
        growth_pct: 150,
        noise_pct: 25,
      },
    ],
    // Prices are micro-dollars per `per` units: hosts and containers per hour, bytes per GB, events
    // and spans per million (LLM spans per 10,000), sessions per 1,000. Commitments are units a month.
    dimensions: [
      {
        id: 'infra_host',
        in_app_label: 'Infra Hosts',
        product_family: 'infra_hosts',
        usage_type: 'host_count',
        price: { committed_micros: 20_548, on_demand_micros: 24_658, per: 1 },
        commitments: { [PROD]: 79_200, [STG]: 14_400 },
      },
      {
        id: 'apm_host',
        in_app_label: 'APM Hosts',
        product_family: 'infra_hosts',
        usage_type: 'apm_host_count',
        price: { committed_micros: 42_466, on_demand_micros: 49_315, per: 1 },
        commitments: { [PROD]: 28_800 },
      },
      {
        id: 'infra_container',
        in_app_label: 'Containers',
        product_family: 'infra_hosts',
        usage_type: 'container_count',
        price: { committed_micros: 1_370, on_demand_micros: 2_000, per: 1 },
        commitments: { [PROD]: 600_000 },
      },
      {
        id: 'logs_ingested',
        in_app_label: 'Ingested Logs',
        product_family: 'logs',
        usage_type: 'ingested_events_bytes',
        price: { committed_micros: 100_000, on_demand_micros: 100_000, per: 1_000_000_000 },
        commitments: { [PROD]: 25_000_000_000_000 },
      },
      {
        id: 'logs_indexed_15day',
        in_app_label: 'Indexed Logs (15-day Retention)',
        product_family: 'logs',
        usage_type: 'indexed_events_count',
        price: { committed_micros: 1_700_000, on_demand_micros: 2_550_000, per: 1_000_000 },
        commitments: { [PROD]: 5_000_000_000, [STG]: 300_000_000 },
      },
      {
        id: 'apm_trace_search',
        in_app_label: 'Indexed Spans',
        product_family: 'indexed_spans',
        usage_type: 'indexed_events_count',
        price: { committed_micros: 1_700_000, on_demand_micros: 2_550_000, per: 1_000_000 },
        commitments: { [PROD]: 1_000_000_000 },
      },
      {
        id: 'ingested_spans',
        in_app_label: 'Ingested Spans',
        product_family: 'ingested_spans',
        usage_type: 'ingested_events_bytes',
        price: { committed_micros: 100_000, on_demand_micros: 100_000, per: 1_000_000_000 },
        commitments: { [PROD]: 10_000_000_000_000 },
      },
      {
        id: 'llm_observability',
        in_app_label: 'LLM Observability',
        product_family: 'llm_observability',
        usage_type: 'llm_observability_spans',
        price: { committed_micros: 8_000_000, on_demand_micros: 12_000_000, per: 10_000 },
      },
      {
        id: 'rum_lite',
        in_app_label: 'RUM Sessions',
        product_family: 'rum',
        usage_type: 'rum_lite_session_count',
        price: { committed_micros: 1_500_000, on_demand_micros: 2_200_000, per: 1_000 },
        commitments: { [PROD]: 3_000_000 },
      },
      {
        id: 'rum_replay',
        in_app_label: 'Session Replay',
        product_family: 'rum',
        usage_type: 'rum_replay_session_count',
        price: { committed_micros: 2_500_000, on_demand_micros: 3_600_000, per: 1_000 },
        commitments: { [PROD]: 300_000 },
      },
      // Outside the contract: listed by billing_dimension_mapping with filter[view]=all only.
      { id: 'synthetics_api_tests', in_app_label: 'API Tests' },
      { id: 'siem', in_app_label: 'Cloud SIEM' },
    ],
  };
}
