/**
 * OpenAI Admin API simulator: a local stand-in for the admin endpoints Tessera's `openai`
 * integration calls (organization users, invites, projects, usage and costs), used by the sandbox
 * and by tests. See README.md in this folder.
 */
export { simulator, startOpenAISimulator } from './server.ts';
export type { OpenAISimulator, OpenAISimulatorOptions, OpenAISwitches } from './server.ts';
export {
  defaultOpenAISeed,
  DEFAULT_OPENAI_ADMIN_KEY,
  DEFAULT_OPENAI_FIXTURES,
  DEFAULT_OPENAI_ORG,
  DEFAULT_OPENAI_PENDING_INVITE_COUNT,
  DEFAULT_OPENAI_PRICES,
  DEFAULT_OPENAI_PROJECT_KEY,
  DEFAULT_OPENAI_USER_COUNT,
  SEED_CLOCK_S,
  USAGE_DAYS,
  USAGE_END_S,
  USAGE_FIRST_DAY_S,
} from './default-seed.ts';
export { DAY_S, generateUsage, isoDate } from './generate-usage.ts';
export { OpenAIState } from './state.ts';
export { parseOpenAISeed, USAGE_KINDS, PRICE_ITEMS } from './seed-schema.ts';
export type { OpenAISeed, OpenAISeedInput, OpenAIUser, OpenAIInvite, OpenAIProject, OpenAIPrice, UsageKind, UsageRecord } from './seed-schema.ts';
export { costLines, lineQuantities, priceCents, priceTable } from './pricing.ts';
export type { CostLine, LineQuantity } from './pricing.ts';
export { BUCKET_WIDTHS, USAGE_BUCKET_LIMITS, COSTS_BUCKET_LIMIT } from './buckets.ts';
export { KIND_SPECS } from './usage-routes.ts';
export { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX } from './list-routes.ts';
export { OPENAI_ADMIN_RATE_LIMIT } from './route-kit.ts';
export type { OpenAIRateLimitConfig } from './route-kit.ts';
export { InvalidSeedError } from '../../../simulator-kit/simulator-app.ts';
