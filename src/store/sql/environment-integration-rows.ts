import type { Kysely, Selectable } from 'kysely';
import type { SecretBox } from '../secret-box.ts';
import type { StoreChanges } from '../store-changes.ts';
import type { EnvironmentIntegrationRecord, EnvironmentIntegrationRows } from '../environment-integration-rows.ts';
import type { Database, EnvironmentIntegrationsTable } from './schema.ts';
import { sqlBool } from './sql-helpers.ts';

/**
 * Overrides are stored as plain JSON: they are refused when they hold a secret
 * (integrations/override-secrets.ts), so there is nothing to seal.
 */
export class SqlEnvironmentIntegrationRows implements EnvironmentIntegrationRows {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: 'sqlite' | 'postgres',
    // Kept for the constructor every row class shares; overrides hold no secrets.
    private readonly box: SecretBox,
    private readonly changes?: StoreChanges,
  ) {}

  async get(environmentId: string, integration: string) {
    const row = await this.db
      .selectFrom('environment_integrations')
      .selectAll()
      .where('environment_id', '=', environmentId)
      .where('integration', '=', integration)
      .executeTakeFirst();
    return row ? fromRow(row) : undefined;
  }

  async list(environmentId: string) {
    const rows = await this.db.selectFrom('environment_integrations').selectAll().where('environment_id', '=', environmentId).orderBy('integration').execute();
    return rows.map(fromRow);
  }

  async upsert(record: EnvironmentIntegrationRecord) {
    const row: EnvironmentIntegrationsTable = {
      ...record,
      override: JSON.stringify(record.override),
      is_enabled: this.bool(record.is_enabled),
      show_in_catalog: this.bool(record.show_in_catalog),
      is_installed: this.bool(record.is_installed),
    };
    const { override, is_enabled, show_in_catalog, is_installed, updated_at } = row;
    await this.db
      .insertInto('environment_integrations')
      .values(row)
      .onConflict((oc) => oc.columns(['environment_id', 'integration']).doUpdateSet({ override, is_enabled, show_in_catalog, is_installed, updated_at }))
      .execute();
    this.changes?.emit({ table: 'environment_integrations', environment_id: record.environment_id, integration: record.integration });
    return (await this.get(record.environment_id, record.integration))!;
  }

  private bool(v: boolean): number | boolean {
    return sqlBool(this.dialect, v);
  }
}

function fromRow(row: Selectable<EnvironmentIntegrationsTable>): EnvironmentIntegrationRecord {
  return {
    ...row,
    override: JSON.parse(row.override) as Record<string, unknown>,
    is_enabled: Boolean(row.is_enabled),
    show_in_catalog: Boolean(row.show_in_catalog),
    is_installed: Boolean(row.is_installed),
  };
}
