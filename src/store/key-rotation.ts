import path from 'node:path';
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { TesseraConfig } from '../config.ts';
import { CANARY_SETTING } from './canary.ts';
import { SQLITE_FILE } from './open-store.ts';
import { ENCRYPTED_MARKER, KeyNotConfiguredError, type SecretBox } from './secret-box.ts';
import type { Database } from './sql/schema.ts';
import { CONNECT_TIMEOUT_MS } from './sql/sql-store.ts';

/**
 * `keys rotate`: re-seals every sealed value with the current key (TESSERA_ENCRYPTION_KEY), so
 * the keys in TESSERA_ENCRYPTION_KEY_PREVIOUS can be retired (docs/security.md, "Key management").
 *
 * Where sealed values live (every caller of the secret box that stores what it seals):
 * - `integrated_accounts.context`: each secret as `{"$enc": "…"}` inside the JSON (sql-store.ts);
 * - `webhooks.secret`: each webhook's signing secret, one sealed value (sql/webhook-rows.ts);
 * - `link_tokens.context`: like an account's context, `{"$enc"}` markers in JSON (sql/link-token-rows.ts);
 * - `settings.encryption_canary`: the whole value (canary.ts), re-sealed last, and only when
 *   everything else is under the current key, so a canary under the current key means the
 *   rotation is complete.
 * The OAuth connect `state` (engine/oauth2/connect-state.ts) is sealed too but never stored: it
 * lives in a browser's URL for at most 15 minutes, and opens with a previous key meanwhile.
 * Idempotency records hold responses, which never carry a secret (accounts are masked): nothing
 * sealed there.
 *
 * Safe while replicas serve: rows are read in batches outside any transaction and each batch's
 * changes are written in one transaction, every row with a compare-and-set on the value read, so
 * a row another replica rewrote meanwhile (a token refresh) is not overwritten: it is read again
 * (it is usually current by then). Safe to re-run: a value already under the current key is
 * left alone. A row whose value no configured key opens is reported and left unchanged.
 */

/** A column that stores sealed values: `json` holds `{"$enc"}` markers at any depth, `whole` is one sealed value. */
interface SealedColumn {
  table: 'integrated_accounts' | 'settings' | 'webhooks' | 'link_tokens';
  id: string;
  column: string;
  kind: 'json' | 'whole';
  /** Only these ids (the canary among the settings). */
  only?: string;
}

const ACCOUNTS: SealedColumn = { table: 'integrated_accounts', id: 'id', column: 'context', kind: 'json' };
const WEBHOOK_SECRETS: SealedColumn = { table: 'webhooks', id: 'id', column: 'secret', kind: 'whole' };
const LINK_TOKENS: SealedColumn = { table: 'link_tokens', id: 'id', column: 'context', kind: 'json' };
const CANARY: SealedColumn = { table: 'settings', id: 'key', column: 'value', kind: 'whole', only: CANARY_SETTING };

export interface TableCounts {
  /** Rows rewritten with the current key (or that would be, on a dry run). */
  resealed: number;
  /** Rows with every sealed value already under the current key (or with none). */
  current: number;
  failed: number;
}

export interface RotationFailure {
  table: string;
  id: string;
  /** What is wrong, never a value: the key id a value names, or why it does not open. */
  reason: string;
}

export interface RotationReport {
  keyId: string;
  previousKeyIds: string[];
  dryRun: boolean;
  tables: Record<string, TableCounts>;
  failures: RotationFailure[];
  /** The canary was left under its old key because something else failed. */
  canaryDeferred: boolean;
}

export interface RotationOptions {
  batchSize?: number;
  dryRun?: boolean;
  /** Progress, one line per batch. */
  onBatch?: (table: string, counts: TableCounts) => void;
  /** Called between reading a batch and writing it (tests: another replica writing meanwhile). */
  beforeWrite?: (table: string, ids: string[]) => Promise<void>;
}

export const DEFAULT_BATCH_SIZE = 200;
/** How many times a row that keeps changing under the rotation is read again before it is reported. */
const CONFLICT_ROUNDS = 5;

export async function rotateSealedValues(db: Kysely<Database>, box: SecretBox, options: RotationOptions = {}): Promise<RotationReport> {
  const report: RotationReport = {
    keyId: box.keyId,
    previousKeyIds: box.previousKeyIds,
    dryRun: options.dryRun ?? false,
    tables: {},
    failures: [],
    canaryDeferred: false,
  };
  await rotateColumn(db, box, ACCOUNTS, report, options, true);
  await rotateColumn(db, box, WEBHOOK_SECRETS, report, options, true);
  await rotateColumn(db, box, LINK_TOKENS, report, options, true);
  // Last, and only when everything else is current: the canary under the current key is the mark of a finished rotation.
  await rotateColumn(db, box, CANARY, report, options, report.failures.length === 0);
  return report;
}

async function rotateColumn(db: Kysely<Database>, box: SecretBox, col: SealedColumn, report: RotationReport, options: RotationOptions, write: boolean) {
  const counts: TableCounts = (report.tables[col.table] ??= { resealed: 0, current: 0, failed: 0 });
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH_SIZE);
  let after: string | undefined;
  for (;;) {
    const rows = await readRows(db, col, { after, limit: batchSize });
    if (!rows.length) break;
    after = rows.at(-1)!.id;
    let pending = rows;
    for (let round = 0; pending.length; round++) {
      const conflicts = await rotateBatch(db, box, col, pending, counts, report, write, options);
      if (!conflicts.length) break;
      if (round + 1 >= CONFLICT_ROUNDS) {
        for (const id of conflicts) fail(col, id, `changed by another writer on each of ${CONFLICT_ROUNDS} attempts; run keys rotate again`, counts, report);
        break;
      }
      pending = await readRows(db, col, { ids: conflicts });
    }
    options.onBatch?.(col.table, { ...counts });
    if (rows.length < batchSize) break;
  }
}

/** Re-seals one batch in one transaction; returns the ids another writer changed meanwhile. */
async function rotateBatch(
  db: Kysely<Database>,
  box: SecretBox,
  col: SealedColumn,
  rows: { id: string; value: string }[],
  counts: TableCounts,
  report: RotationReport,
  write: boolean,
  options: RotationOptions,
): Promise<string[]> {
  const writes: { id: string; from: string; to: string }[] = [];
  for (const row of rows) {
    const outcome = reseal(box, col, row.value);
    if (outcome.kind === 'failed') fail(col, row.id, outcome.reason, counts, report);
    else if (outcome.kind === 'current') counts.current++;
    else if (!write) report.canaryDeferred = true;
    else if (report.dryRun) counts.resealed++;
    else writes.push({ id: row.id, from: row.value, to: outcome.value });
  }
  if (!writes.length) return [];
  await options.beforeWrite?.(
    col.table,
    writes.map((w) => w.id),
  );
  const conflicts: string[] = [];
  await db.transaction().execute(async (trx) => {
    for (const w of writes) {
      const res =
        await sql`update ${sql.table(col.table)} set ${sql.ref(col.column)} = ${w.to} where ${sql.ref(col.id)} = ${w.id} and ${sql.ref(col.column)} = ${w.from}`.execute(
          trx,
        );
      if (Number(res.numAffectedRows ?? 0) > 0) counts.resealed++;
      else conflicts.push(w.id);
    }
  });
  return conflicts;
}

function fail(col: SealedColumn, id: string, reason: string, counts: TableCounts, report: RotationReport) {
  counts.failed++;
  report.failures.push({ table: col.table, id, reason });
}

type Outcome = { kind: 'current' } | { kind: 'resealed'; value: string } | { kind: 'failed'; reason: string };

function reseal(box: SecretBox, col: SealedColumn, stored: string): Outcome {
  try {
    if (col.kind === 'whole') {
      if (box.isCurrent(stored)) return { kind: 'current' };
      return { kind: 'resealed', value: box.encrypt(box.open(stored).plaintext) };
    }
    let changed = false;
    const walk = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(walk);
      if (value === null || typeof value !== 'object') return value;
      const obj = value as Record<string, unknown>;
      const sealed = obj[ENCRYPTED_MARKER];
      // The same shape openContext (secret-box.ts) opens.
      if (typeof sealed === 'string' && Object.keys(obj).length === 1) {
        if (box.isCurrent(sealed)) return obj;
        changed = true;
        return { [ENCRYPTED_MARKER]: box.encrypt(box.open(sealed).plaintext) };
      }
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(obj)) out[k] = walk(v);
      return out;
    };
    let parsed: unknown;
    try {
      parsed = JSON.parse(stored);
    } catch {
      return { kind: 'failed', reason: 'the column is not valid JSON' };
    }
    const next = walk(parsed);
    return changed ? { kind: 'resealed', value: JSON.stringify(next) } : { kind: 'current' };
  } catch (e) {
    // The secret box's messages name a key id or the format, never a value.
    const message = (e as Error).message;
    return { kind: 'failed', reason: e instanceof KeyNotConfiguredError ? `a value ${message}` : `a value could not be opened: ${message}` };
  }
}

async function readRows(db: Kysely<Database>, col: SealedColumn, page: { after?: string; limit?: number; ids?: string[] }) {
  const id = sql.ref(col.id);
  const conditions = [sql`1 = 1`];
  if (col.only !== undefined) conditions.push(sql`${id} = ${col.only}`);
  if (page.after !== undefined) conditions.push(sql`${id} > ${page.after}`);
  if (page.ids) conditions.push(sql`${id} in (${sql.join(page.ids)})`);
  const limit = page.limit !== undefined ? sql`limit ${sql.lit(page.limit)}` : sql``;
  const query = sql<{
    id: string;
    value: string;
  }>`select ${id} as id, ${sql.ref(col.column)} as value from ${sql.table(col.table)} where ${sql.join(conditions, sql` and `)} order by ${id} ${limit}`;
  return (await query.execute(db)).rows;
}

/** A connection of its own to the configured database (the same settings the server opens it with). */
export async function openRotationDatabase(config: TesseraConfig): Promise<Kysely<Database>> {
  if (config.databaseUrl) {
    const { default: pg } = await import('pg');
    return new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: config.databaseUrl, max: 2, connectionTimeoutMillis: CONNECT_TIMEOUT_MS }) }),
    });
  }
  const { default: BetterSqlite3 } = await import('better-sqlite3');
  const database = new BetterSqlite3(path.join(config.dataDir, SQLITE_FILE), { fileMustExist: true });
  database.pragma('busy_timeout = 5000');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
}

/** What `keys rotate` prints: counts per table, then each failure by table and id. */
export function formatRotationReport(report: RotationReport): string {
  const verb = report.dryRun ? 'to re-seal' : 're-sealed';
  const lines = [
    `Sealing with key id ${report.keyId} (TESSERA_ENCRYPTION_KEY); opening also with ${
      report.previousKeyIds.length ? `key id(s) ${report.previousKeyIds.join(', ')} (TESSERA_ENCRYPTION_KEY_PREVIOUS)` : 'no previous key'
    }${report.dryRun ? '; dry run, nothing written' : ''}`,
  ];
  for (const [table, c] of Object.entries(report.tables)) lines.push(`${table}: ${c.resealed} ${verb}, ${c.current} already current, ${c.failed} failed`);
  for (const f of report.failures) lines.push(`failed: ${f.table} ${f.id}: ${f.reason}`);
  const resealed = Object.values(report.tables).reduce((n, c) => n + c.resealed, 0);
  if (report.failures.length) {
    lines.push(
      `${report.failures.length} row(s) could not be re-sealed and were left unchanged${
        report.canaryDeferred ? '; the encryption canary stays under its old key until they are' : ''
      }. Run again once each is fixed: a key id no setting holds goes into TESSERA_ENCRYPTION_KEY_PREVIOUS; an account no key opens can only be deleted and connected again.`,
    );
  } else if (!report.dryRun && resealed === 0) {
    lines.push(
      report.previousKeyIds.length
        ? 'Every sealed value is under the current key. Once every replica runs with this TESSERA_ENCRYPTION_KEY, and OAuth connect links issued before its switch have expired (15 minutes), TESSERA_ENCRYPTION_KEY_PREVIOUS can be removed.'
        : 'Every sealed value is under the current key.',
    );
  } else if (!report.dryRun) {
    lines.push('Done. Run it again after the last replica has switched keys: it should report nothing re-sealed.');
  }
  return lines.join('\n') + '\n';
}
