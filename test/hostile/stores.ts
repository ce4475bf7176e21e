import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { SecretBox } from '../../src/store/secret-box.ts';

/**
 * The stores every hostile suite runs against: embedded SQLite always, and Postgres when one is
 * reachable (TESSERA_TEST_POSTGRES_URL, default the local `test` database; CI always has one).
 * Each Postgres run gets its own schema, dropped by `cleanup`.
 */
export interface HostileStore {
  name: 'sqlite' | 'postgres';
  /** Extra environment for startTestStack / startCustomStack; undefined when the store is unreachable. */
  env?: Record<string, string>;
  cleanup(): Promise<void>;
}

export async function hostileStores(): Promise<HostileStore[]> {
  return [{ name: 'sqlite', env: {}, cleanup: async () => {} }, await postgresStore()];
}

async function postgresStore(): Promise<HostileStore> {
  const base = process.env.TESSERA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const client = new pg.Client({ connectionString: base, connectionTimeoutMillis: 1500 });
  const schema = `tessera_hostile_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  try {
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
  } catch {
    return { name: 'postgres', env: undefined, cleanup: async () => {} };
  } finally {
    await client.end().catch(() => {});
  }
  return {
    name: 'postgres',
    // A shared database needs a shared key: one per run.
    env: {
      TESSERA_ENCRYPTION_KEY: SecretBox.generateKey(),
      TESSERA_DATABASE_URL: `${base}${base.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    },
    async cleanup() {
      const c = new pg.Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}
