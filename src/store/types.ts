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

export interface ApiTokenRecord {
  id: string;
  environment_id: string;
  name: string;
  token_hash: string;
  expires_at: string | null;
  revoked_at: string | null;
  created_at: string;
  updated_at: string;
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

export interface IntegratedAccountFilter {
  environment_id: string;
  tenant_id?: string;
  integration?: string;
  status?: string;
  is_sandbox?: boolean;
  /** Exclusive lower bound on (created_at, id) for keyset paging. */
  after?: { created_at: string; id: string };
  created_at?: Partial<Record<'gt' | 'gte' | 'lt' | 'lte', string>>;
  updated_at?: Partial<Record<'gt' | 'gte' | 'lt' | 'lte', string>>;
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
  model?: string;
  resource?: string;
  integration?: string;
  method?: string;
}

export interface IdempotencyRecord {
  key: string;
  request_hash: string;
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

  createEnvironment(env: EnvironmentRecord): Promise<EnvironmentRecord>;
  getEnvironment(id: string): Promise<EnvironmentRecord | undefined>;
  findEnvironmentByName(name: string): Promise<EnvironmentRecord | undefined>;
  listEnvironments(): Promise<EnvironmentRecord[]>;

  createApiToken(token: ApiTokenRecord): Promise<ApiTokenRecord>;
  findApiTokenByHash(hash: string): Promise<ApiTokenRecord | undefined>;

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
  putIdempotency(record: IdempotencyRecord): Promise<void>;

  /**
   * Runs `fn` while holding the lock `name` across every process on this database (Postgres: a
   * session advisory lock on a connection of its own). The embedded SQLite store serves one
   * process, so there it just runs `fn`: callers pair it with an in-process lock.
   */
  withLock<T>(name: string, fn: () => Promise<T>): Promise<T>;
}
