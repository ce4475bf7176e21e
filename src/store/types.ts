import type { EnvironmentIntegrationRows } from './environment-integration-rows.ts';
import type { LinkTokenRows } from './link-token-rows.ts';
import type { RequestLogRows } from './request-log-rows.ts';
import type { WebhookRows } from './webhook-rows.ts';
import type { StoreChanges } from './store-changes.ts';

/**
 * Store records: what the database holds, kept apart from the API's response types
 * (src/http/…/*.types.ts). Contexts here are plaintext; encryption happens inside the store.
 */

export interface EnvironmentRecord {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
}

/**
 * What a token may do. `admin`: everything in its environment, managing API tokens included (the
 * operator's tokens: bootstrap, CLI, sandbox). `standard`: everything except creating or deleting
 * API tokens. `integrated_account`: one account's data plane and /integrated-account/me, 15 minutes.
 */
export type TokenRole = 'admin' | 'standard' | 'integrated_account';

export interface ApiTokenRecord {
  id: string;
  environment_id: string;
  name: string;
  token_hash: string;
  expires_at: string | null;
  revoked_at: string | null;
  role: TokenRole;
  /** Set only for role `integrated_account`: the one account the token reaches. */
  integrated_account_id: string | null;
  /** The id of the token that created this one, when one did (null for the operator's). */
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

/** API tokens of an environment (never integrated-account tokens), newest last. */
export interface ApiTokenFilter {
  environment_id: string;
  name?: string | TextMatch;
  id?: TextMatch;
  after?: { created_at: string; id: string };
  limit: number;
}

export type IntegratedAccountStatus = 'active' | 'connecting' | 'post_install_error' | 'validation_error' | 'needs_reauth';

export interface IntegratedAccountRecord {
  id: string;
  tenant_id: string;
  environment_id: string;
  integration: string;
  status: IntegratedAccountStatus;
  is_sandbox: boolean;
  is_blocked: boolean;
  authentication_method: string;
  region: string;
  context: Record<string, unknown>;
  unified_model_override: Record<string, unknown>;
  /** Deep-merged into the integration's definition for this account (e.g. a sandbox base_url). */
  integration_override: Record<string, unknown>;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export type { DateRange, TextMatch } from './filters.ts';
import type { DateRange, TextMatch } from './filters.ts';

export interface IntegratedAccountFilter {
  environment_id: string;
  tenant_id?: string | TextMatch;
  integration?: string | TextMatch;
  status?: string | TextMatch;
  id?: TextMatch;
  is_sandbox?: boolean;
  /** Exclusive lower bound on (created_at, id) for keyset paging. */
  after?: { created_at: string; id: string };
  created_at?: DateRange;
  updated_at?: DateRange;
  ids?: string[];
  limit: number;
}

export type NewIntegratedAccount = Omit<IntegratedAccountRecord, 'created_at' | 'updated_at'>;
export type IntegratedAccountPatch = Partial<
  Pick<IntegratedAccountRecord, 'tenant_id' | 'status' | 'context' | 'unified_model_override' | 'integration_override' | 'last_error' | 'is_blocked' | 'region'>
>;

/** An environment's override of one mapping row (docs/contract.md §12.1). */
export interface EnvironmentMappingRecord {
  id: string;
  environment_id: string;
  model: string;
  resource: string;
  integration: string;
  method: string;
  config: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface EnvironmentMappingFilter {
  environment_id: string;
  model?: string | TextMatch;
  resource?: string | TextMatch;
  integration?: string | TextMatch;
  method?: string | TextMatch;
}

/**
 * An Idempotency-Key's row. It exists from the moment a request claims the key (`in_progress`,
 * owned by one attempt on one replica, its `heartbeat_at` renewed while it runs) until it expires:
 * `completed` holds the response to replay; `failed` means the attempt ended in an error after the
 * provider may have received the write, so its outcome is unknown and it is never run again.
 */
export type IdempotencyState = 'in_progress' | 'completed' | 'failed';

export interface IdempotencyRecord {
  key: string;
  request_hash: string;
  state: IdempotencyState;
  /** The attempt holding the claim: `<replica>/<uuid>`, unique per request. */
  owner: string | null;
  claimed_at: string | null;
  heartbeat_at: string | null;
  /** The response (0, '' and '{}' while in progress). */
  status: number;
  body: string;
  headers: string;
  expires_at: string;
}

export interface IdempotencyClaim {
  key: string;
  request_hash: string;
  owner: string;
  /** Now, as the claimant sees it: claimed_at and the first heartbeat. */
  at: string;
  expires_at: string;
}

export interface IdempotencyOutcome {
  state: 'completed' | 'failed';
  status: number;
  body: string;
  headers: string;
  expires_at: string;
}

/** The persistence boundary. SQLite (embedded) and Postgres both implement it through Kysely. */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;
  /** A trivial query: the database answers (start-up checks it first, to name the setting when it does not). */
  ping(): Promise<void>;
  /** Readiness: a trivial query answers, and the newest migration has run (else throws, saying which). */
  checkHealth(): Promise<void>;
  /** Server-wide values: read one; write one unless it exists (the first writer wins, across replicas). */
  getSetting(key: string): Promise<string | undefined>;
  putSettingIfAbsent(key: string, value: string): Promise<void>;

  createEnvironment(env: EnvironmentRecord): Promise<EnvironmentRecord>;
  getEnvironment(id: string): Promise<EnvironmentRecord | undefined>;
  findEnvironmentByName(name: string): Promise<EnvironmentRecord | undefined>;
  listEnvironments(): Promise<EnvironmentRecord[]>;
  updateEnvironment(id: string, patch: Pick<EnvironmentRecord, 'name'>): Promise<EnvironmentRecord | undefined>;

  createApiToken(token: ApiTokenRecord): Promise<ApiTokenRecord>;
  findApiTokenByHash(hash: string): Promise<ApiTokenRecord | undefined>;
  getApiToken(id: string): Promise<ApiTokenRecord | undefined>;
  listApiTokens(filter: ApiTokenFilter): Promise<ApiTokenRecord[]>;
  deleteApiToken(id: string): Promise<boolean>;
  /** Integrated-account tokens: those of one account (it was deleted), or every expired one. */
  deleteAccountTokens(where: { integrated_account_id: string } | { expired_before: string }): Promise<number>;

  createIntegratedAccount(account: NewIntegratedAccount): Promise<IntegratedAccountRecord>;
  getIntegratedAccount(id: string): Promise<IntegratedAccountRecord | undefined>;
  listIntegratedAccounts(filter: IntegratedAccountFilter): Promise<IntegratedAccountRecord[]>;
  updateIntegratedAccount(id: string, patch: IntegratedAccountPatch): Promise<IntegratedAccountRecord | undefined>;
  deleteIntegratedAccount(id: string): Promise<boolean>;

  createEnvironmentMapping(record: EnvironmentMappingRecord): Promise<EnvironmentMappingRecord>;
  getEnvironmentMapping(id: string): Promise<EnvironmentMappingRecord | undefined>;
  listEnvironmentMappings(filter: EnvironmentMappingFilter): Promise<EnvironmentMappingRecord[]>;
  updateEnvironmentMapping(id: string, config: Record<string, unknown>): Promise<EnvironmentMappingRecord | undefined>;
  deleteEnvironmentMapping(id: string): Promise<boolean>;

  getIdempotency(key: string, now: string): Promise<IdempotencyRecord | undefined>;
  /**
   * Claims the key if no live row holds it, in one atomic insert-if-absent that every replica on
   * the database races fairly, and returns the row that holds it now: ours when `owner` matches.
   * Undefined only if the row vanished between the insert and the read (claim again).
   */
  claimIdempotency(claim: IdempotencyClaim): Promise<IdempotencyRecord | undefined>;
  /** Renews the owner's lease; false when the owner no longer holds an in-progress claim. */
  heartbeatIdempotency(key: string, owner: string, at: string): Promise<boolean>;
  /** Records the outcome of the owner's in-progress claim; false when it no longer holds one. */
  finishIdempotency(key: string, owner: string, outcome: IdempotencyOutcome): Promise<boolean>;
  /** Drops the owner's in-progress claim, so a retry with the key runs afresh. */
  releaseIdempotency(key: string, owner: string): Promise<void>;

  /**
   * Runs `fn` while holding the lock `name` across every process on this database (Postgres: a
   * session advisory lock on a connection of its own). The embedded SQLite store serves one
   * process, so there it just runs `fn`: callers pair it with an in-process lock.
   */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T>;

  /**
   * Writes to the tables the request path caches (tokens, accounts, environment integrations and
   * mappings), told in this process (src/services/cache/). A store without it is never cached.
   */
  readonly changes?: StoreChanges;

  /** The platform tables, each behind its own small interface (docs/platform.md). */
  readonly environmentIntegrations: EnvironmentIntegrationRows;
  readonly linkTokens: LinkTokenRows;
  readonly webhooks: WebhookRows;
  readonly requestLogs: RequestLogRows;
}
