/**
 * Datadog Usage Metering API simulator: a local stand-in for the v2 usage endpoints (hourly usage
 * by product family, historical, estimated and by-org cost, billing-dimension mapping) and the v1
 * organization routes Tessera's `datadog` integration calls, used by the sandbox and by tests.
 * See README.md in this folder.
 */
export { simulator, startDatadogSimulator } from './server.ts';
export type { DatadogSimulator, DatadogSimulatorOptions, DatadogSwitches } from './server.ts';
export { defaultDatadogSeed, DEFAULT_DATADOG_KEYS, DEFAULT_DATADOG_ORGS, SEED_CLOCK, SEED_DAYS, SEED_FIRST_DAY, SEED_LAST_DAY } from './default-seed.ts';
export { DatadogState, DAY_MS, HOUR_MS, monthStart } from './state.ts';
export { parseDatadogSeed, KNOWN_PRODUCT_FAMILIES, PERMISSIONS } from './seed-schema.ts';
export type { DatadogSeed, DatadogSeedInput, DatadogOrg, DatadogDimension, DatadogSeries } from './seed-schema.ts';
export { chargeFor, microsToCents, microsToDecimal, microsToDollars, priceUnits } from './pricing.ts';
export { DATADOG_BUCKETS } from './rate-limits.ts';
export { MESSAGES } from './errors.ts';
export { InvalidSeedError } from '../../../simulator-kit/simulator-app.ts';
