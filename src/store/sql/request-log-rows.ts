import { sql, type Kysely, type Selectable } from 'kysely';
import type { SecretBox } from '../secret-box.ts';
import type { LogType, RequestLogFilter, RequestLogRecord, RequestLogRows } from '../request-log-rows.ts';
import type { Database, RequestLogsTable } from './schema.ts';
import type { TextMatch } from '../filters.ts';

/**
 * Rows per INSERT: 14 parameters each stays far below SQLite's 32,766 and Postgres' 65,535
 * bound parameters, whatever batch the writer hands over.
 */
const INSERT_CHUNK = 500;
const RANGE_OPS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/** Request logs hold no secret (the writer leaves them out), so nothing here is sealed. */
export class SqlRequestLogRows implements RequestLogRows {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: 'sqlite' | 'postgres',
    private readonly box: SecretBox,
  ) {}

  async insertMany(records: RequestLogRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += INSERT_CHUNK) {
      const rows = records.slice(i, i + INSERT_CHUNK).map((r) => ({ ...r, detail: JSON.stringify(r.detail ?? {}) }));
      await this.db.insertInto('request_logs').values(rows).execute();
    }
  }

  async list(f: RequestLogFilter): Promise<RequestLogRecord[]> {
    let q = this.db.selectFrom('request_logs').selectAll().where('environment_id', '=', f.environment_id).where('log_type', '=', f.log_type);
    // Not sql-helpers.ts's whereText: here `nin` also keeps rows where the column is null (a log row without an account).
    for (const column of ['integrated_account_id', 'integration', 'request_id', 'method'] as const) {
      const match: TextMatch | undefined = typeof f[column] === 'string' ? { in: [f[column] as string] } : (f[column] as TextMatch | undefined);
      if (match?.in) q = match.in.length ? q.where(column, 'in', match.in) : q.where(sql<boolean>`1 = 0`);
      if (match?.nin?.length) q = q.where((eb) => eb.or([eb(column, 'is', null), eb(column, 'not in', match.nin!)]));
    }
    const status = Array.isArray(f.status) ? { in: f.status } : f.status;
    if (status?.in) q = status.in.length ? q.where('status', 'in', status.in) : q.where(sql<boolean>`1 = 0`);
    if (status?.nin?.length) q = q.where((eb) => eb.or([eb('status', 'is', null), eb('status', 'not in', status.nin!)]));
    if (f.path_prefix) {
      const prefixes = f.path_prefix;
      q = prefixes.length ? q.where((eb) => eb.or(prefixes.map((p) => eb('path', 'like', `${p}%`)))) : q.where(sql<boolean>`1 = 0`);
    }
    for (const [op, value] of Object.entries(f.created_at ?? {})) {
      if (value !== undefined) q = q.where('created_at', RANGE_OPS[op as keyof typeof RANGE_OPS], value);
    }
    if (f.before) {
      const { created_at, id } = f.before;
      q = q.where((eb) => eb.or([eb('created_at', '<', created_at), eb.and([eb('created_at', '=', created_at), eb('id', '<', id)])]));
    }
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
    return rows.map(fromRow);
  }

  async prune(before: string): Promise<number> {
    const res = await this.db.deleteFrom('request_logs').where('created_at', '<', before).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}

function fromRow(row: Selectable<RequestLogsTable>): RequestLogRecord {
  let detail: Record<string, unknown> = {};
  try {
    detail = JSON.parse(row.detail) as Record<string, unknown>;
  } catch {
    // A row another writer stored badly still lists; its detail is what is lost.
  }
  return { ...row, log_type: row.log_type as LogType, detail };
}
