import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import pg from 'pg';
import type { SecretBox } from '../../src/store/secret-box.ts';
import { openPostgresStore, openSqliteStore, type SqlStore } from '../../src/store/sql/sql-store.ts';

/** The database store tests use: TESSERA_TEST_POSTGRES_URL, default the local `test` database. */
const POSTGRES_BASE = process.env.TESSERA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * A fresh Postgres schema for one test file (so concurrent and earlier runs stay apart), dropped
 * by `onCleanup`; the connection string reaches it through search_path. Undefined when no
 * Postgres answers (a developer machine without one).
 */
export async function postgresSchemaUrl(onCleanup: (fn: () => Promise<void>) => void): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_BASE, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
    const schema = `tessera_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    await client.query(`CREATE SCHEMA ${schema}`);
    onCleanup(async () => {
      const c = new pg.Client({ connectionString: POSTGRES_BASE });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    });
    return `${POSTGRES_BASE}${POSTGRES_BASE.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => {});
  }
}

export type StoreEngine = [name: 'sqlite' | 'postgres', open: () => Promise<SqlStore | undefined>];

/**
 * Both engines a store test runs on: SQLite in a temp dir always, Postgres in a schema of its own
 * when one answers. Everything is removed after the file's tests (stores opened through `open`
 * are closed by the caller).
 */
export function storeEngines(box: SecretBox, label: string): StoreEngine[] {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });
  return [
    [
      'sqlite',
      async () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tessera-${label}-`));
        cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
        return openSqliteStore(path.join(dir, 'tessera.db'), box);
      },
    ],
    [
      'postgres',
      async () => {
        const url = await postgresSchemaUrl((fn) => cleanups.push(fn));
        return url ? openPostgresStore(url, box) : undefined;
      },
    ],
  ];
}
