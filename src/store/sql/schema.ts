/** Table shapes as the database sees them (JSON as text, booleans as 0/1 or true/false). */
export interface EnvironmentsTable {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
}

export interface ApiTokensTable {
  id: string;
  environment_id: string;
  name: string;
  token_hash: string;
  expires_at: string | null;
  revoked_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface IntegratedAccountsTable {
  id: string;
  tenant_id: string;
  environment_id: string;
  integration: string;
  status: string;
  is_sandbox: number | boolean;
  is_blocked: number | boolean;
  authentication_method: string;
  region: string;
  /** JSON; protected values are `{"$enc": "v2:<key id>:…"}` (older rows `v1:…`; store/secret-box.ts). */
  context: string;
  unified_model_override: string;
  integration_override: string;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface IdempotencyKeysTable {
  key: string;
  request_hash: string;
  /** in_progress | completed | failed (store/types.ts IdempotencyState). */
  state: string;
  owner: string | null;
  claimed_at: string | null;
  heartbeat_at: string | null;
  status: number;
  body: string;
  headers: string;
  expires_at: string;
}

export interface EnvironmentMappingsTable {
  id: string;
  environment_id: string;
  model: string;
  resource: string;
  integration: string;
  method: string;
  /** JSON: a partial mapping config. */
  config: string;
  created_at: string;
  updated_at: string;
}

/** Server-wide values (the encryption canary). */
export interface SettingsTable {
  key: string;
  value: string;
  created_at: string;
}

export interface Database {
  settings: SettingsTable;
  environment_mappings: EnvironmentMappingsTable;
  environments: EnvironmentsTable;
  api_tokens: ApiTokensTable;
  integrated_accounts: IntegratedAccountsTable;
  idempotency_keys: IdempotencyKeysTable;
}
