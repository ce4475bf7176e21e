import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Selectable } from 'kysely';
import { openContext, sealContext, type KeyPredicate, type SecretBox } from '../secret-box.ts';
import type {
  ApiTokenFilter,
  ApiTokenRecord,
  EnvironmentMappingFilter,
  EnvironmentMappingRecord,
  EnvironmentRecord,
  IdempotencyClaim,
  IdempotencyOutcome,
  IdempotencyRecord,
  IntegratedAccountFilter,
  IntegratedAccountPatch,
  IntegratedAccountRecord,
  IntegratedAccountStatus,
  NewIntegratedAccount,
  Store,
} from '../types.ts';
import { LATEST_MIGRATION, migrationProvider } from './migrations.ts';
import { sqlBool, whereText } from './sql-helpers.ts';
import type { Database, IntegratedAccountsTable } from './schema.ts';
import { SqlEnvironmentIntegrationRows } from './environment-integration-rows.ts';
import { SqlLinkTokenRows } from './link-token-rows.ts';
import { SqlRequestLogRows } from './request-log-rows.ts';
import { SqlWebhookRows } from './webhook-rows.ts';
import { StoreChanges } from '../store-changes.ts';
import { withStatementCache } from './statement-cache.ts';

const now = () => new Date().toISOString();

/** One Store for both SQL engines: Kysely builds portable queries, the dialect is the only difference. */
export class SqlStore implements Store {
  readonly environmentIntegrations: SqlEnvironmentIntegrationRows;
  readonly linkTokens: SqlLinkTokenRows;
  readonly webhooks: SqlWebhookRows;
  readonly requestLogs: SqlRequestLogRows;
  /** Every write to a table the request path caches is told here (src/services/cache/). */
  readonly changes = new StoreChanges();

  constructor(
    private readonly db: Kysely<Database>,
    readonly dialect: 'sqlite' | 'postgres',
    private readonly box: SecretBox,
    private readonly isSecret?: KeyPredicate,
    /** Postgres only: a small pool of its own, so lock holders never starve the queries they run. */
    private readonly lockPool?: LockPool,
  ) {
    this.environmentIntegrations = new SqlEnvironmentIntegrationRows(db, dialect, box, this.changes);
    this.linkTokens = new SqlLinkTokenRows(db, dialect, box);
    this.webhooks = new SqlWebhookRows(db, dialect, box);
    this.requestLogs = new SqlRequestLogRows(db, dialect, box);
  }

  async migrate(): Promise<void> {
    // Kysely looks for its migration tables in every schema it can see; name ours, or another
    // schema's tables (another Tessera, a concurrent test run) would be taken for ours.
    const migrator = new Migrator({ db: this.db, provider: migrationProvider, ...(await this.migrationTableSchema()) });
    const { error, results } = await migrator.migrateToLatest();
    const failed = results?.find((r) => r.status === 'Error');
    if (error || failed) {
      throw new Error(`Database migration ${failed?.migrationName ?? ''} failed: ${String((error as Error)?.message ?? error)}`);
    }
  }

  private async migrationTableSchema(): Promise<{ migrationTableSchema?: string }> {
    if (this.dialect !== 'postgres') return {};
    const schema = (await sql<{ schema: string }>`select current_schema() as schema`.execute(this.db)).rows[0]?.schema;
    return schema ? { migrationTableSchema: schema } : {};
  }

  async close(): Promise<void> {
    await this.db.destroy();
    await this.lockPool?.end();
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async checkHealth(): Promise<void> {
    await this.ping();
    const migrator = new Migrator({ db: this.db, provider: migrationProvider, ...(await this.migrationTableSchema()) });
    const done = (await migrator.getMigrations()).filter((m) => m.executedAt).map((m) => m.name);
    if (!done.includes(LATEST_MIGRATION)) throw new Error(`migration ${LATEST_MIGRATION} has not run`);
  }

  async getSetting(key: string): Promise<string | undefined> {
    return (await this.db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value;
  }

  async putSettingIfAbsent(key: string, value: string): Promise<void> {
    await this.db
      .insertInto('settings')
      .values({ key, value, created_at: now() })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
  }

  async withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (!this.lockPool) return fn();
    const client = await this.lockPool.connect();
    try {
      await client.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    } catch (e) {
      client.release(e as Error);
      throw e;
    }
    try {
      return await fn();
    } finally {
      try {
        await client.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
        client.release();
      } catch (e) {
        // Destroying the connection ends its session, which releases the lock.
        client.release(e as Error);
      }
    }
  }

  async createEnvironment(env: EnvironmentRecord) {
    await this.db.insertInto('environments').values(env).execute();
    return env;
  }

  async getEnvironment(id: string) {
    return this.db.selectFrom('environments').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async findEnvironmentByName(name: string) {
    return this.db.selectFrom('environments').selectAll().where('name', '=', name).executeTakeFirst();
  }

  async listEnvironments() {
    return this.db.selectFrom('environments').selectAll().orderBy('created_at').execute();
  }

  async updateEnvironment(id: string, patch: Pick<EnvironmentRecord, 'name'>) {
    const res = await this.db.updateTable('environments').set({ name: patch.name, updated_at: now() }).where('id', '=', id).executeTakeFirst();
    return Number(res.numUpdatedRows) ? this.getEnvironment(id) : undefined;
  }

  async createApiToken(token: ApiTokenRecord) {
    await this.db.insertInto('api_tokens').values(token).execute();
    this.changes.emit({ table: 'api_tokens' });
    return token;
  }

  async findApiTokenByHash(hash: string) {
    return this.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', hash).executeTakeFirst() as Promise<ApiTokenRecord | undefined>;
  }

  async getApiToken(id: string) {
    return this.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst() as Promise<ApiTokenRecord | undefined>;
  }

  async listApiTokens(f: ApiTokenFilter) {
    let q = this.db.selectFrom('api_tokens').selectAll().where('environment_id', '=', f.environment_id).where('role', '!=', 'integrated_account');
    q = whereText(whereText(q, 'name', f.name), 'id', f.id);
    if (f.after) {
      const { created_at, id } = f.after;
      q = q.where((eb) => eb.or([eb('created_at', '>', created_at), eb.and([eb('created_at', '=', created_at), eb('id', '>', id)])]));
    }
    return q.orderBy('created_at').orderBy('id').limit(f.limit).execute() as Promise<ApiTokenRecord[]>;
  }

  async deleteApiToken(id: string) {
    const res = await this.db.deleteFrom('api_tokens').where('id', '=', id).executeTakeFirst();
    this.changes.emit({ table: 'api_tokens' });
    return Number(res.numDeletedRows) > 0;
  }

  async deleteAccountTokens(where: { integrated_account_id: string } | { expired_before: string }) {
    let q = this.db.deleteFrom('api_tokens').where('role', '=', 'integrated_account');
    q =
      'integrated_account_id' in where ? q.where('integrated_account_id', '=', where.integrated_account_id) : q.where('expires_at', '<', where.expired_before);
    const deleted = Number((await q.executeTakeFirst()).numDeletedRows);
    if (deleted) this.changes.emit({ table: 'api_tokens' });
    return deleted;
  }

  async createIntegratedAccount(account: NewIntegratedAccount) {
    const ts = now();
    const record: IntegratedAccountRecord = { ...account, created_at: ts, updated_at: ts };
    await this.db.insertInto('integrated_accounts').values(this.toRow(record)).execute();
    return record;
  }

  async getIntegratedAccount(id: string) {
    const row = await this.db.selectFrom('integrated_accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return row && this.fromRow(row);
  }

  async listIntegratedAccounts(f: IntegratedAccountFilter) {
    let q = this.db.selectFrom('integrated_accounts').selectAll().where('environment_id', '=', f.environment_id);
    for (const column of ['tenant_id', 'integration', 'status', 'id'] as const) q = whereText(q, column, f[column]);
    if (f.is_sandbox !== undefined) q = q.where('is_sandbox', '=', this.bool(f.is_sandbox));
    if (f.ids?.length) q = q.where('id', 'in', f.ids);
    const ops = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;
    for (const column of ['created_at', 'updated_at'] as const) {
      for (const [op, value] of Object.entries(f[column] ?? {})) {
        if (value !== undefined) q = q.where(column, ops[op as keyof typeof ops], value);
      }
    }
    if (f.after) {
      const { created_at, id } = f.after;
      q = q.where((eb) => eb.or([eb('created_at', '>', created_at), eb.and([eb('created_at', '=', created_at), eb('id', '>', id)])]));
    }
    const rows = await q.orderBy('created_at').orderBy('id').limit(f.limit).execute();
    return rows.map((r) => this.fromRow(r));
  }

  async updateIntegratedAccount(id: string, patch: IntegratedAccountPatch) {
    const current = await this.getIntegratedAccount(id);
    if (!current) return undefined;
    const next: IntegratedAccountRecord = { ...current, ...patch, updated_at: now() };
    const row = this.toRow(next);
    // Only the patched columns: a status change must not write back a context read a moment ago
    // over one another request just stored (a refreshed OAuth token).
    const changes: Partial<IntegratedAccountsTable> = { updated_at: row.updated_at };
    for (const key of Object.keys(patch) as (keyof IntegratedAccountPatch)[])
      if (patch[key] !== undefined) (changes as Record<string, unknown>)[key] = row[key];
    await this.db.updateTable('integrated_accounts').set(changes).where('id', '=', id).execute();
    this.changes.emit({ table: 'integrated_accounts', id });
    return next;
  }

  async deleteIntegratedAccount(id: string) {
    // Its integrated-account tokens go with it: a token outliving its account could reach a later
    // account that reused nothing but would still authenticate until it expires.
    await this.deleteAccountTokens({ integrated_account_id: id });
    const res = await this.db.deleteFrom('integrated_accounts').where('id', '=', id).executeTakeFirst();
    this.changes.emit({ table: 'integrated_accounts', id });
    return Number(res.numDeletedRows) > 0;
  }

  async createEnvironmentMapping(record: EnvironmentMappingRecord) {
    await this.db
      .insertInto('environment_mappings')
      .values({ ...record, config: JSON.stringify(record.config) })
      .execute();
    this.changes.emit({ table: 'environment_mappings' });
    return record;
  }

  async getEnvironmentMapping(id: string) {
    const row = await this.db.selectFrom('environment_mappings').selectAll().where('id', '=', id).executeTakeFirst();
    return row && { ...row, config: JSON.parse(row.config) };
  }

  async listEnvironmentMappings(f: EnvironmentMappingFilter) {
    let q = this.db.selectFrom('environment_mappings').selectAll().where('environment_id', '=', f.environment_id);
    for (const key of ['model', 'resource', 'integration', 'method'] as const) q = whereText(q, key, f[key]);
    const rows = await q.orderBy('created_at').orderBy('id').execute();
    return rows.map((row) => ({ ...row, config: JSON.parse(row.config) }));
  }

  async updateEnvironmentMapping(id: string, config: Record<string, unknown>) {
    const updated_at = now();
    const res = await this.db
      .updateTable('environment_mappings')
      .set({ config: JSON.stringify(config), updated_at })
      .where('id', '=', id)
      .executeTakeFirst();
    this.changes.emit({ table: 'environment_mappings' });
    return Number(res.numUpdatedRows) ? this.getEnvironmentMapping(id) : undefined;
  }

  async deleteEnvironmentMapping(id: string) {
    const res = await this.db.deleteFrom('environment_mappings').where('id', '=', id).executeTakeFirst();
    this.changes.emit({ table: 'environment_mappings' });
    return Number(res.numDeletedRows) > 0;
  }

  async getIdempotency(key: string, at: string) {
    await this.db.deleteFrom('idempotency_keys').where('expires_at', '<', at).execute();
    const row = await this.db.selectFrom('idempotency_keys').selectAll().where('key', '=', key).executeTakeFirst();
    return row as IdempotencyRecord | undefined;
  }

  async claimIdempotency(claim: IdempotencyClaim) {
    await this.db.deleteFrom('idempotency_keys').where('expires_at', '<', claim.at).execute();
    // Insert-if-absent is one statement on both engines: of every replica racing for the key,
    // exactly one insert lands; the others do nothing and read the winner's row below.
    await this.db
      .insertInto('idempotency_keys')
      .values({
        key: claim.key,
        request_hash: claim.request_hash,
        state: 'in_progress',
        owner: claim.owner,
        claimed_at: claim.at,
        heartbeat_at: claim.at,
        status: 0,
        body: '',
        headers: '{}',
        expires_at: claim.expires_at,
      })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const row = await this.db.selectFrom('idempotency_keys').selectAll().where('key', '=', claim.key).executeTakeFirst();
    return row as IdempotencyRecord | undefined;
  }

  async heartbeatIdempotency(key: string, owner: string, at: string) {
    const res = await this.db
      .updateTable('idempotency_keys')
      .set({ heartbeat_at: at })
      .where('key', '=', key)
      .where('owner', '=', owner)
      .where('state', '=', 'in_progress')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async finishIdempotency(key: string, owner: string, outcome: IdempotencyOutcome) {
    const res = await this.db
      .updateTable('idempotency_keys')
      .set({ ...outcome, heartbeat_at: now() })
      .where('key', '=', key)
      .where('owner', '=', owner)
      .where('state', '=', 'in_progress')
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async releaseIdempotency(key: string, owner: string) {
    await this.db.deleteFrom('idempotency_keys').where('key', '=', key).where('owner', '=', owner).where('state', '=', 'in_progress').execute();
  }

  private bool(v: boolean): number | boolean {
    return sqlBool(this.dialect, v);
  }

  private toRow(r: IntegratedAccountRecord): IntegratedAccountsTable {
    return {
      ...r,
      is_sandbox: this.bool(r.is_sandbox),
      is_blocked: this.bool(r.is_blocked),
      context: JSON.stringify(sealContext(r.context, this.box, this.isSecret)),
      unified_model_override: JSON.stringify(r.unified_model_override ?? {}),
      integration_override: JSON.stringify(r.integration_override ?? {}),
    };
  }

  private fromRow(row: Selectable<IntegratedAccountsTable>): IntegratedAccountRecord {
    return {
      ...row,
      status: row.status as IntegratedAccountStatus,
      is_sandbox: Boolean(row.is_sandbox),
      is_blocked: Boolean(row.is_blocked),
      context: openContext(JSON.parse(row.context), this.box),
      unified_model_override: JSON.parse(row.unified_model_override),
      integration_override: JSON.parse(row.integration_override),
    };
  }
}

export async function openSqliteStore(file: string, box: SecretBox, isSecret?: KeyPredicate): Promise<SqlStore> {
  const { default: BetterSqlite3 } = await import('better-sqlite3');
  const database = new BetterSqlite3(file);
  database.pragma('journal_mode = WAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(database) }) });
  return new SqlStore(db, 'sqlite', box, isSecret);
}

/** The part of pg.Pool the advisory locks use. */
interface LockPool {
  connect(): Promise<{ query(text: string, values: unknown[]): Promise<unknown>; release(err?: Error | boolean): void }>;
  end(): Promise<void>;
}

/** How long a lock request waits before failing (a holder runs one bounded OAuth token request). */
export const LOCK_WAIT_MS = 30_000;

/** pg waits forever for a connection by default: a black-holed host would hang the start and every query. */
export const CONNECT_TIMEOUT_MS = 10_000;

export async function openPostgresStore(connectionString: string, box: SecretBox, isSecret?: KeyPredicate): Promise<SqlStore> {
  const { default: pg } = await import('pg');
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString, max: 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS }) }),
  });
  const lockPool = new pg.Pool({ connectionString, max: 4, statement_timeout: LOCK_WAIT_MS, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  return new SqlStore(db, 'postgres', box, isSecret, lockPool);
}
