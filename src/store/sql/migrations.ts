import { type Kysely, type Migration, type MigrationProvider } from 'kysely';

/**
 * Versioned migrations, run by Kysely's Migrator on start. Portable SQL only (text timestamps,
 * JSON as text, boolean columns) so SQLite and Postgres share them. Never edit a shipped entry:
 * add the next one.
 */
const migrations: Record<string, Migration> = {
  '0001_initial': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('environments')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('name', 'varchar(255)', (c) => c.notNull().unique())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('api_tokens')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('environment_id', 'varchar(64)', (c) => c.notNull().references('environments.id').onDelete('cascade'))
        .addColumn('name', 'varchar(255)', (c) => c.notNull())
        .addColumn('token_hash', 'varchar(128)', (c) => c.notNull().unique())
        .addColumn('expires_at', 'varchar(32)')
        .addColumn('revoked_at', 'varchar(32)')
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('integrated_accounts')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('tenant_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('environment_id', 'varchar(64)', (c) => c.notNull().references('environments.id').onDelete('cascade'))
        .addColumn('integration', 'varchar(128)', (c) => c.notNull())
        .addColumn('status', 'varchar(32)', (c) => c.notNull())
        .addColumn('is_sandbox', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('is_blocked', 'boolean', (c) => c.notNull().defaultTo(false))
        .addColumn('authentication_method', 'varchar(64)', (c) => c.notNull())
        .addColumn('region', 'varchar(16)', (c) => c.notNull())
        .addColumn('context', 'text', (c) => c.notNull())
        .addColumn('unified_model_override', 'text', (c) => c.notNull())
        .addColumn('integration_override', 'text', (c) => c.notNull())
        .addColumn('last_error', 'text')
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('integrated_accounts_env_created').on('integrated_accounts').columns(['environment_id', 'created_at', 'id']).execute();
      await db.schema
        .createTable('idempotency_keys')
        .addColumn('key', 'varchar(512)', (c) => c.primaryKey())
        .addColumn('request_hash', 'varchar(128)', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('headers', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['idempotency_keys', 'integrated_accounts', 'api_tokens', 'environments']) {
        await db.schema.dropTable(t).execute();
      }
    },
  },
  '0002_environment_mappings': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('environment_mappings')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('environment_id', 'varchar(64)', (c) => c.notNull().references('environments.id').onDelete('cascade'))
        .addColumn('model', 'varchar(128)', (c) => c.notNull())
        .addColumn('resource', 'varchar(128)', (c) => c.notNull())
        .addColumn('integration', 'varchar(128)', (c) => c.notNull())
        .addColumn('method', 'varchar(128)', (c) => c.notNull())
        .addColumn('config', 'text', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .addUniqueConstraint('environment_mappings_target', ['environment_id', 'model', 'resource', 'integration', 'method'])
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('environment_mappings').execute();
    },
  },
  // Idempotency-Keys are claimed before the request runs (src/http/idempotency.ts), so replicas
  // sharing the database run a write once. Rows stored before this migration are finished
  // responses: `completed`. One column per statement: SQLite's ALTER TABLE adds one at a time.
  '0003_idempotency_claims': {
    async up(db: Kysely<any>) {
      await db.schema
        .alterTable('idempotency_keys')
        .addColumn('state', 'varchar(16)', (c) => c.notNull().defaultTo('completed'))
        .execute();
      await db.schema.alterTable('idempotency_keys').addColumn('owner', 'varchar(128)').execute();
      await db.schema.alterTable('idempotency_keys').addColumn('claimed_at', 'varchar(32)').execute();
      await db.schema.alterTable('idempotency_keys').addColumn('heartbeat_at', 'varchar(32)').execute();
      // Every claim sweeps expired rows first.
      await db.schema.createIndex('idempotency_keys_expires_at').on('idempotency_keys').column('expires_at').execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropIndex('idempotency_keys_expires_at').execute();
      for (const column of ['heartbeat_at', 'claimed_at', 'owner', 'state']) {
        await db.schema.alterTable('idempotency_keys').dropColumn(column).execute();
      }
    },
  },
  // Server-wide values, first of them the encryption canary (store/canary.ts): a known text sealed
  // with the key the data was first sealed with, so a start with another key is refused at once.
  '0004_settings': {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('settings')
        .addColumn('key', 'varchar(128)', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<any>) {
      await db.schema.dropTable('settings').execute();
    },
  },
  // The platform surface (docs/platform.md): API-token roles and integrated-account tokens in the
  // token table (one lookup authenticates either), environment-integrations, link tokens, webhooks
  // with their durable delivery outbox, and request logs.
  '0005_platform': {
    async up(db: Kysely<any>) {
      // Tokens that existed before roles were made by the operator (bootstrap, CLI): admin.
      await db.schema
        .alterTable('api_tokens')
        .addColumn('role', 'varchar(32)', (c) => c.notNull().defaultTo('admin'))
        .execute();
      await db.schema.alterTable('api_tokens').addColumn('integrated_account_id', 'varchar(64)').execute();
      await db.schema.alterTable('api_tokens').addColumn('created_by', 'varchar(255)').execute();
      await db.schema.createIndex('api_tokens_env_created').on('api_tokens').columns(['environment_id', 'created_at', 'id']).execute();
      await db.schema.createIndex('api_tokens_account').on('api_tokens').column('integrated_account_id').execute();
      await db.schema
        .createTable('environment_integrations')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('environment_id', 'varchar(64)', (c) => c.notNull().references('environments.id').onDelete('cascade'))
        .addColumn('integration', 'varchar(128)', (c) => c.notNull())
        .addColumn('override', 'text', (c) => c.notNull())
        .addColumn('is_enabled', 'boolean', (c) => c.notNull())
        .addColumn('show_in_catalog', 'boolean', (c) => c.notNull())
        .addColumn('is_installed', 'boolean', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .addUniqueConstraint('environment_integrations_target', ['environment_id', 'integration'])
        .execute();
      await db.schema
        .createTable('link_tokens')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('token_hash', 'varchar(128)', (c) => c.notNull().unique())
        .addColumn('environment_id', 'varchar(64)', (c) => c.notNull().references('environments.id').onDelete('cascade'))
        .addColumn('tenant_id', 'varchar(255)', (c) => c.notNull())
        .addColumn('integration', 'varchar(128)')
        .addColumn('integrated_account_id', 'varchar(64)')
        .addColumn('redirect_uri', 'text')
        .addColumn('region', 'varchar(16)')
        .addColumn('context', 'text', (c) => c.notNull())
        .addColumn('persist_previous_context', 'boolean', (c) => c.notNull().defaultTo(false))
        // JSON: the account's integration_override (as POST /integrated-account takes it) and the OAuth scopes.
        .addColumn('integration_override', 'text', (c) => c.notNull().defaultTo('{}'))
        .addColumn('scopes', 'text')
        .addColumn('expires_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('used_at', 'varchar(32)')
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('webhooks')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('environment_id', 'varchar(64)', (c) => c.notNull().references('environments.id').onDelete('cascade'))
        .addColumn('target_url', 'text', (c) => c.notNull())
        .addColumn('event_types', 'text', (c) => c.notNull())
        .addColumn('is_active', 'boolean', (c) => c.notNull())
        .addColumn('secret', 'text', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('webhook_id', 'varchar(64)', (c) => c.notNull().references('webhooks.id').onDelete('cascade'))
        .addColumn('environment_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('event_type', 'varchar(128)', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('state', 'varchar(16)', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('next_attempt_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('claimed_by', 'varchar(128)')
        .addColumn('claimed_until', 'varchar(32)')
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('delivered_at', 'varchar(32)')
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .addColumn('updated_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['state', 'next_attempt_at']).execute();
      await db.schema
        .createTable('request_logs')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('environment_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('log_type', 'varchar(32)', (c) => c.notNull())
        .addColumn('integrated_account_id', 'varchar(64)')
        .addColumn('integration', 'varchar(128)')
        .addColumn('request_id', 'varchar(128)')
        .addColumn('method', 'varchar(16)')
        .addColumn('path', 'text')
        .addColumn('status', 'integer')
        .addColumn('duration_ms', 'integer')
        .addColumn('error', 'text')
        .addColumn('detail', 'text', (c) => c.notNull())
        .addColumn('created_at', 'varchar(32)', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('request_logs_env_type_created').on('request_logs').columns(['environment_id', 'log_type', 'created_at', 'id']).execute();
      await db.schema.createIndex('request_logs_created').on('request_logs').column('created_at').execute();
    },
    async down(db: Kysely<any>) {
      for (const t of ['request_logs', 'webhook_deliveries', 'webhooks', 'link_tokens', 'environment_integrations']) await db.schema.dropTable(t).execute();
      await db.schema.dropIndex('api_tokens_account').execute();
      await db.schema.dropIndex('api_tokens_env_created').execute();
      for (const column of ['created_by', 'integrated_account_id', 'role']) await db.schema.alterTable('api_tokens').dropColumn(column).execute();
    },
  },
};

/** The newest migration's name: the database is current when it has run (readiness). */
export const LATEST_MIGRATION = Object.keys(migrations).sort().at(-1)!;

export const migrationProvider: MigrationProvider = {
  async getMigrations() {
    return migrations;
  },
};
