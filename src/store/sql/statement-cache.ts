import type { Database as BetterSqlite3, Statement } from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';
import { LRUCache } from 'lru-cache';

/** Distinct SQL texts kept prepared: a handful per query the store builds (`in (?, ?)` lists vary by length). */
const MAX_STATEMENTS = 500;

/**
 * The better-sqlite3 database as Kysely's SqliteDialect sees it, but preparing each SQL text once:
 * Kysely's driver calls `prepare` for every query, and preparing costs about as much as running an
 * indexed lookup. A statement still being iterated (a streamed select) is busy and cannot run
 * another query, so a busy one is bypassed with a fresh statement rather than shared.
 */
export function withStatementCache(db: BetterSqlite3, max = MAX_STATEMENTS): SqliteDatabase {
  const prepared = new LRUCache<string, Statement>({ max });
  return {
    close: () => {
      prepared.clear();
      db.close();
    },
    prepare(sql: string): SqliteStatement {
      const hit = prepared.get(sql);
      if (hit && !hit.busy) return hit as unknown as SqliteStatement;
      const statement = db.prepare(sql);
      if (!hit) prepared.set(sql, statement);
      return statement as unknown as SqliteStatement;
    },
  };
}
