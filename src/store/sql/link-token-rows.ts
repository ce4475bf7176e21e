import type { Kysely, Selectable } from 'kysely';
import { openContext, sealContext, type SecretBox } from '../secret-box.ts';
import type { LinkTokenRecord, LinkTokenRows } from '../link-token-rows.ts';
import type { Database, LinkTokensTable } from './schema.ts';
import { sqlBool } from './sql-helpers.ts';

export class SqlLinkTokenRows implements LinkTokenRows {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: 'sqlite' | 'postgres',
    private readonly box: SecretBox,
  ) {}

  async create(record: LinkTokenRecord): Promise<LinkTokenRecord> {
    await this.db
      .insertInto('link_tokens')
      .values({
        ...record,
        context: JSON.stringify(sealContext(record.context, this.box)),
        persist_previous_context: sqlBool(this.dialect, record.persist_previous_context),
        integration_override: JSON.stringify(record.integration_override),
        scopes: record.scopes ? JSON.stringify(record.scopes) : null,
      })
      .execute();
    return record;
  }

  async findByHash(tokenHash: string): Promise<LinkTokenRecord | undefined> {
    const row = await this.db.selectFrom('link_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row && this.fromRow(row);
  }

  async claim(id: string, at: string): Promise<boolean> {
    // One conditional update: of several racing claims the database lets exactly one through.
    const res = await this.db.updateTable('link_tokens').set({ used_at: at }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  async release(id: string, at: string): Promise<void> {
    // Only our own claim: a later, successful one is never undone.
    await this.db.updateTable('link_tokens').set({ used_at: null }).where('id', '=', id).where('used_at', '=', at).execute();
  }

  async deleteExpired(before: string): Promise<number> {
    const res = await this.db.deleteFrom('link_tokens').where('expires_at', '<', before).executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  private fromRow(row: Selectable<LinkTokensTable>): LinkTokenRecord {
    return {
      ...row,
      context: openContext(JSON.parse(row.context), this.box),
      persist_previous_context: Boolean(row.persist_previous_context),
      integration_override: JSON.parse(row.integration_override) as Record<string, unknown>,
      scopes: row.scopes ? (JSON.parse(row.scopes) as string[]) : null,
    };
  }
}
