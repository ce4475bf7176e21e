import { sql, type SelectQueryBuilder } from 'kysely';
import type { TextMatch } from '../filters.ts';

/**
 * A string column filtered by equality (a plain string) or a TextMatch: `in` any of (an empty list
 * matches nothing), `nin` none of. Column names are this file's own literals, never input.
 */
export function whereText<DB, TB extends keyof DB & string, O>(q: SelectQueryBuilder<DB, TB, O>, column: string, match: string | TextMatch | undefined) {
  if (match === undefined) return q;
  const ref = sql.ref(column);
  if (typeof match === 'string') return q.where(sql<boolean>`${ref} = ${match}`);
  if (match.in) q = match.in.length ? q.where(sql<boolean>`${ref} in (${sql.join(match.in)})`) : q.where(sql<boolean>`1 = 0`);
  if (match.nin?.length) q = q.where(sql<boolean>`${ref} not in (${sql.join(match.nin)})`);
  return q;
}

/** A boolean as the dialect stores it (SQLite has no boolean type). */
export function sqlBool(dialect: 'sqlite' | 'postgres', v: boolean): number | boolean {
  return dialect === 'sqlite' ? (v ? 1 : 0) : v;
}
