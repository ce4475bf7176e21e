import type { Kysely } from 'kysely';
import type { SecretBox } from '../secret-box.ts';
import type { EnvironmentIntegrationRows } from '../environment-integration-rows.ts';
import type { Database } from './schema.ts';

export class SqlEnvironmentIntegrationRows implements EnvironmentIntegrationRows {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: 'sqlite' | 'postgres',
    private readonly box: SecretBox,
  ) {}
}
