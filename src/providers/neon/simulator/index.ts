/**
 * Neon API v2 simulator: a faithful local stand-in for the Neon endpoints Tessera's Neon
 * integration calls, used by the sandbox mode and by tests. See README.md in this folder.
 */
export { simulator, startNeonSimulator } from './server.ts';
export type { NeonSimulator, NeonSimulatorOptions, NeonSwitches } from './server.ts';
export {
  defaultNeonSeed,
  DEFAULT_NEON_KEYS,
  DEFAULT_NEON_EXTRA_KEYS,
  DEFAULT_NEON_ORG_ID,
  DEFAULT_NEON_BIG_ORG_ID,
  DEFAULT_NEON_BIG_ORG_MEMBER_COUNT,
  DEFAULT_NEON_HIDDEN_ORG_ID,
  DEFAULT_NEON_FIXTURE_IDS,
} from './default-seed.ts';
export { generateNeonSeed } from './generate-seed.ts';
export type { GenerateNeonSeedOptions } from './generate-seed.ts';
export { NeonState } from './state.ts';
export { parseNeonSeed, MEMBER_ROLES } from './seed-schema.ts';
export type {
  MemberRole,
  NeonSeed,
  NeonSeedInput,
  NeonUser,
  NeonOrganization,
  NeonMember,
  NeonMemberUserInfo,
  NeonMemberRecord,
  NeonInvitation,
  NeonKey,
  NeonKeyKind,
} from './seed-schema.ts';
export { CONSUMPTION_METRICS, EARLIEST_CONSUMPTION } from './consumption-schema.ts';
export type { ConsumptionMetric, NeonProject, NeonConsumptionDay } from './consumption-schema.ts';
export { CONSUMPTION_LIMIT, GRANULARITIES, MAX_RANGE, consumptionPage, parseConsumptionQuery, periodId, timeframeValue } from './consumption.ts';
export type { ConsumptionQuery, Granularity } from './consumption.ts';
export { CONSUMPTION_DAYS, CONSUMPTION_FIRST_DAY, CONSUMPTION_LAST_DAY, DEFAULT_NEON_PROJECT_IDS } from './default-consumption.ts';
export { NEON_RATE_LIMITS } from './rate-limits.ts';
export type { NeonRateLimitConfig } from './rate-limits.ts';
export { RECORDED_USERS_ME_2024 } from './recorded-users-me.ts';
export { InvalidSeedError } from '../../../simulator-kit/simulator-app.ts';
export type { FaultSpec, ActiveFault } from '../../../simulator-kit/fault-injector.ts';
export type { RecordedRequest } from '../../../simulator-kit/request-log.ts';
