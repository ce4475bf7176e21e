/**
 * Cursor Admin API simulator: a local stand-in for the `api.cursor.com` endpoints Tessera's
 * `cursor` integration reads (team members, cycle spend, the daily usage report, usage events),
 * used by the sandbox and by tests. See README.md in this folder.
 */
export { simulator, startCursorSimulator } from './server.ts';
export type { CursorSimulator, CursorSimulatorOptions, CursorSwitches } from './server.ts';
export {
  buildCursorSeed,
  defaultCursorSeed,
  DEFAULT_CURSOR_API_KEY,
  DEFAULT_CURSOR_REVOKED_KEY,
  DEFAULT_CURSOR_TEAM,
  DEFAULT_CURSOR_FIXTURES,
  DEFAULT_CURSOR_MEMBERS,
  DEFAULT_RANDOM_SEED,
  INCLUDED_PER_CYCLE_MILLICENTS,
  SEED_CLOCK,
  SEED_CYCLE_START,
  SEED_DAYS,
  SEED_FIRST_DAY,
} from './default-seed.ts';
export { CursorState, DAY_MS } from './state.ts';
export { parseCursorSeed, KINDS, REQUEST_TYPES, ROLES } from './seed-schema.ts';
export type { CursorSeed, CursorSeedInput, CursorMember, CursorEvent, CursorActivity } from './seed-schema.ts';
export { centsOf, millicentsOf, tokenCostMillicents, DEFAULT_MODEL_PRICES } from './pricing.ts';
export { CURSOR_ADMIN_RATE_LIMIT } from './rate-limits.ts';
export { DAILY_MAX_RANGE_MS, PAGE_SIZE } from './routes.ts';
export { MESSAGES } from './errors.ts';
export { InvalidSeedError } from '../../../simulator-kit/simulator-app.ts';
