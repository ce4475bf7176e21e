/**
 * An integration as an environment changed it (docs/platform.md). Every bundled integration is
 * installed in every environment by default; a row exists only once something was changed: an
 * override, a flag, or an uninstall (`is_installed: false`).
 */
export interface EnvironmentIntegrationRecord {
  /** Derived from (environment_id, integration): services/environment-integration-id.ts. */
  id: string;
  environment_id: string;
  integration: string;
  /** Deep-merged into the definition for every account of the environment, under the account's own override. */
  override: Record<string, unknown>;
  is_enabled: boolean;
  show_in_catalog: boolean;
  is_installed: boolean;
  created_at: string;
  updated_at: string;
}

export interface EnvironmentIntegrationRows {
  /** One indexed lookup (the unique (environment_id, integration) pair): data-plane calls make it. */
  get(environmentId: string, integration: string): Promise<EnvironmentIntegrationRecord | undefined>;
  list(environmentId: string): Promise<EnvironmentIntegrationRecord[]>;
  /** Inserts or replaces the pair's row; `created_at` of an existing row is kept. */
  upsert(record: EnvironmentIntegrationRecord): Promise<EnvironmentIntegrationRecord>;
}
