import type { Kysely } from 'kysely';
import type { SecretBox } from '../secret-box.ts';
import type { WebhookRows } from '../webhook-rows.ts';
import type { Database } from './schema.ts';

export class SqlWebhookRows implements WebhookRows {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: 'sqlite' | 'postgres',
    private readonly box: SecretBox,
  ) {}
}
