import type { Kysely } from 'kysely';
import type { SecretBox } from '../secret-box.ts';
import type { RequestLogFilter, RequestLogRecord, RequestLogRows } from '../request-log-rows.ts';
import type { Database } from './schema.ts';

export class SqlRequestLogRows implements RequestLogRows {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: 'sqlite' | 'postgres',
    private readonly box: SecretBox,
  ) {}

  async insertMany(_records: RequestLogRecord[]): Promise<void> {
    throw new Error('not implemented yet');
  }

  async list(_filter: RequestLogFilter): Promise<RequestLogRecord[]> {
    throw new Error('not implemented yet');
  }

  async prune(_before: string): Promise<number> {
    throw new Error('not implemented yet');
  }
}
