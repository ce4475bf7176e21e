import type { Kysely } from 'kysely';
import type { SecretBox } from '../secret-box.ts';
import type { LinkTokenRows } from '../link-token-rows.ts';
import type { Database } from './schema.ts';

export class SqlLinkTokenRows implements LinkTokenRows {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: 'sqlite' | 'postgres',
    private readonly box: SecretBox,
  ) {}
}
