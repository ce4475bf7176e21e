import assert from 'node:assert/strict';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { withStatementCache } from './statement-cache.ts';

test('one statement per SQL text, a fresh one while the cached one is still iterating', () => {
  const raw = new BetterSqlite3(':memory:');
  let prepares = 0;
  const prepare = raw.prepare.bind(raw);
  raw.prepare = ((sql: string) => {
    prepares++;
    return prepare(sql);
  }) as typeof raw.prepare;
  const db = withStatementCache(raw, 2);
  db.prepare('create table t (n integer)').run([]);
  for (let n = 0; n < 5; n++) db.prepare('insert into t values (?)').run([n]);
  assert.equal(prepares, 2, 'the insert was prepared once for five runs');

  const select = 'select n from t order by n';
  const iterating = db.prepare(select).iterate([]) as IterableIterator<{ n: number }>;
  assert.equal(iterating.next().value?.n, 0);
  // The cached statement is busy: running the same text again must not disturb the iteration.
  assert.deepEqual(
    (db.prepare(select).all([]) as { n: number }[]).map((r) => r.n),
    [0, 1, 2, 3, 4],
  );
  assert.equal(iterating.next().value?.n, 1);
  iterating.return?.();

  // Past `max` texts the least recently used is prepared again.
  db.prepare('select 1').all([]);
  db.prepare('select 2').all([]);
  const before = prepares;
  db.prepare('insert into t values (?)').run([9]);
  assert.equal(prepares, before + 1);
  db.close();
  assert.equal(raw.open, false);
});
