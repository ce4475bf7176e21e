/**
 * GitHub Copilot REST simulator: a faithful local stand-in for the GitHub endpoints Tessera's
 * `github-copilot` integration calls (Copilot seats, one seat, Copilot billing, the org, and the
 * billing platform's premium-request usage and budgets), used by
 * the sandbox mode and by tests. See README.md in this folder.
 */
export { simulator, startGithubCopilotSimulator } from './server.ts';
export type { GithubCopilotSimulator, GithubCopilotSimulatorOptions, GithubCopilotSwitches } from './server.ts';
export {
  defaultGithubCopilotSeed,
  DEFAULT_GITHUB_COPILOT_TOKEN,
  DEFAULT_GITHUB_COPILOT_EXTRA_TOKENS,
  DEFAULT_GITHUB_COPILOT_ORG,
  DEFAULT_GITHUB_COPILOT_ORG_ID,
  DEFAULT_GITHUB_COPILOT_OTHER_ORG,
  DEFAULT_GITHUB_COPILOT_SEAT_COUNT,
  DEFAULT_GITHUB_COPILOT_FIXTURES,
  DEFAULT_GITHUB_COPILOT_TEAM,
} from './default-seed.ts';
export { generateGithubCopilotSeed, SEED_CLOCK_MS, SEED_CYCLE_START, SEED_NEXT_CYCLE_START } from './generate-seed.ts';
export type { GenerateGithubCopilotSeedOptions } from './generate-seed.ts';
export { GithubCopilotState } from './state.ts';
export { DEFAULT_BILLING_TODAY, BUDGET_SCOPES } from './billing-schema.ts';
export {
  allocatePremiumRequests,
  budgetObject,
  includedOf,
  netCentsOf,
  premiumRequestReport,
  priceCentsOf,
  reportLines,
  DEFAULT_PREMIUM_REQUEST_PRICE_CENTS,
  INCLUDED_PREMIUM_REQUESTS,
} from './billing.ts';
export type { PremiumLine, ReportQuery } from './billing.ts';
export { generatePremiumUsage, orgBilling, PREMIUM_MODELS, USAGE_DAYS, USAGE_LAST_DAY } from './generate-billing.ts';
export { parseGithubCopilotSeed, PLAN_TYPES } from './seed-schema.ts';
export type {
  GithubCopilotSeed,
  GithubCopilotSeedInput,
  GithubUser,
  GithubOrg,
  GithubMembership,
  GithubTeam,
  GithubSeat,
  GithubToken,
  GithubBudget,
  PremiumRequestUsage,
} from './seed-schema.ts';
export { GITHUB_RATE_LIMITS, GITHUB_UNAUTHENTICATED_LIMIT } from './rate-limits.ts';
export type { GithubRateLimitConfig } from './rate-limits.ts';
export { PER_PAGE_DEFAULT, PER_PAGE_MAX } from './paging.ts';
export { SUPPORTED_API_VERSIONS } from './route-kit.ts';
export { InvalidSeedError } from '../../../simulator-kit/simulator-app.ts';
export type { FaultSpec, ActiveFault } from '../../../simulator-kit/fault-injector.ts';
export type { RecordedRequest } from '../../../simulator-kit/request-log.ts';
