/**
 * Confluent Cloud API simulator: a local stand-in for the endpoints Tessera's `confluent`
 * integration calls (`GET /billing/v1/costs`, the org/v2 environments and organizations), used by
 * the sandbox and by tests. See README.md in this folder.
 */
export { simulator, startConfluentSimulator } from './server.ts';
export type { ConfluentSimulator, ConfluentSimulatorOptions, ConfluentSwitches } from './server.ts';
export {
  defaultConfluentSeed,
  generateConfluentSeed,
  DEFAULT_CONFLUENT_API_KEY,
  DEFAULT_CONFLUENT_API_SECRET,
  DEFAULT_CONFLUENT_KEYS,
  DEFAULT_CONFLUENT_ORG,
  DEFAULT_CONFLUENT_ENVIRONMENTS,
  DEFAULT_CONFLUENT_RESOURCES,
  PRODUCTION_DISCOUNT_BP,
  PROMO_CODE,
  PROMO_CREDIT_MICRO,
  SEED_CLOCK,
  SEED_DAYS,
  SEED_FIRST_DAY,
  SEED_LAST_DAY,
} from './default-seed.ts';
export { ConfluentState, DAY_MS } from './state.ts';
export type { MoneyTotals, PricedLine } from './state.ts';
export { parseConfluentSeed } from './seed-schema.ts';
export type { ConfluentSeed, ConfluentSeedInput, CostLine, ConfluentEnvironment, ConfluentResource } from './seed-schema.ts';
export { PRODUCTS, PRODUCT_IDS, LINE_TYPES, NETWORK_ACCESS_TYPES, LINES } from './catalog.ts';
export { centsOf, dollars, parseMicro, parseMilli } from './money.ts';
export { CONFLUENT_RATE_LIMIT } from './rate-limits.ts';
export { COSTS_PAGE, ORG_PAGE } from './paging.ts';
export { InvalidSeedError } from '../../../simulator-kit/simulator-app.ts';
