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
  /** admin | standard | integrated_account (store/types.ts TokenRole). */
  role: string;
  integrated_account_id: string | null;
  created_by: string | null;
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

/** An integration installed in an environment; absent rows mean installed with defaults (store/types.ts). */
export interface EnvironmentIntegrationsTable {
  id: string;
  environment_id: string;
  integration: string;
  /** JSON: deep-merged into the definition for every account of the environment. */
  override: string;
  is_enabled: number | boolean;
  show_in_catalog: number | boolean;
  is_installed: number | boolean;
  created_at: string;
  updated_at: string;
}

export interface LinkTokensTable {
  id: string;
  token_hash: string;
  environment_id: string;
  tenant_id: string;
  integration: string | null;
  integrated_account_id: string | null;
  redirect_uri: string | null;
  region: string | null;
  /** JSON, sealed like an account's context. */
  context: string;
  persist_previous_context: number | boolean;
  /** JSON object: deep-merged into the integration for the account the token creates (no secrets: checked on creation). */
  integration_override: string;
  /** JSON array of OAuth scopes, or null for the integration's own. */
  scopes: string | null;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export interface WebhooksTable {
  id: string;
  environment_id: string;
  target_url: string;
  /** JSON array of event names. */
  event_types: string;
  is_active: number | boolean;
  /** The signing secret, sealed (`v2:<key id>:…`). */
  secret: string;
  created_at: string;
  updated_at: string;
}

/** The durable outbox: a delivery row exists from the event until it is delivered or gives up. */
export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  environment_id: string;
  event_type: string;
  /** The exact JSON body sent (and signed). */
  payload: string;
  /** pending | delivered | failed */
  state: string;
  attempts: number;
  next_attempt_at: string;
  claimed_by: string | null;
  claimed_until: string | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface RequestLogsTable {
  id: string;
  environment_id: string;
  /** unified_proxy_api | webhook */
  log_type: string;
  integrated_account_id: string | null;
  integration: string | null;
  request_id: string | null;
  method: string | null;
  path: string | null;
  status: number | null;
  duration_ms: number | null;
  error: string | null;
  /** JSON: the type's own fields (upstream calls; a webhook delivery's event and attempt). */
  detail: string;
  created_at: string;
}

export interface Database {
  environment_integrations: EnvironmentIntegrationsTable;
  link_tokens: LinkTokensTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  request_logs: RequestLogsTable;
  settings: SettingsTable;
  environment_mappings: EnvironmentMappingsTable;
  environments: EnvironmentsTable;
  api_tokens: ApiTokensTable;
  integrated_accounts: IntegratedAccountsTable;
  idempotency_keys: IdempotencyKeysTable;
}
