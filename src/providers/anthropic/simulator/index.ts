/**
 * Anthropic Admin API simulator: a local stand-in for the `/v1/organizations/…` endpoints Tessera's
 * `anthropic` integration calls (organization, members, invites, workspaces, effective spend
 * limits, per-member activity, the messages usage report and the cost report), used by the sandbox
 * and by tests. See README.md in this folder.
 */
export { simulator, startAnthropicSimulator } from './server.ts';
export type { AnthropicSimulator, AnthropicSimulatorOptions, AnthropicSwitches } from './server.ts';
export {
  defaultAnthropicSeed,
  DEFAULT_ANTHROPIC_ADMIN_KEY,
  DEFAULT_ANTHROPIC_KEYS,
  DEFAULT_ANTHROPIC_FIXTURES,
  DEFAULT_ANTHROPIC_WORKSPACES,
  DEFAULT_ANTHROPIC_PRICING,
  EXPECTED_SPEND_LIMIT_CENTS,
  SEED_CLOCK,
  SEED_DAYS,
  SEED_FIRST_DAY,
  SEED_LAST_DAY,
} from './default-seed.ts';
export { AnthropicState, DAY_MS } from './state.ts';
export { parseAnthropicSeed, CONSOLE_ROLES, ENTERPRISE_ROLES } from './seed-schema.ts';
export type { AnthropicSeed, AnthropicSeedInput, AnthropicUser, AnthropicInvite, AnthropicWorkspace, UsageRecord } from './seed-schema.ts';
export { formatCents, parseCents, priceAggregate, TOKEN_TYPES } from './pricing.ts';
export { ANTHROPIC_ADMIN_RATE_LIMIT } from './rate-limits.ts';
export { BUCKETS } from './report-routes.ts';
export { ORG_PREFIX } from './route-kit.ts';
export { InvalidSeedError } from '../../../simulator-kit/simulator-app.ts';
