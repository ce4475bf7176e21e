import { addDays, type DayRange } from './aggregate.ts';

/**
 * The page's state lives in its URL (`?tenant=sandbox&from=2026-11-21&to=2026-11-27&idle=30`), so
 * a reload, a bookmark or a link to a colleague shows the same figures. Pure, like aggregate.ts.
 */
export type Scope = { kind: 'tenant'; tenant: string } | { kind: 'account'; id: string };

export interface SpendQuery {
  scope?: Scope;
  range: DayRange;
  idleDays: number;
}

export const QUICK_RANGES = [7, 30, 90] as const;
export const DEFAULT_DAYS = 30;
export const DEFAULT_IDLE_DAYS = 30;

const DAY = /^\d{4}-\d{2}-\d{2}$/;
// Round-tripped, because Date.parse rolls 2026-02-30 over to March instead of refusing it.
const isDay = (s: string | undefined): s is string => {
  if (!s || !DAY.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
};

/** The last `days` days up to and including `today`. */
export function lastDays(today: string, days: number): DayRange {
  return { from: addDays(today, 1 - days), to: today };
}

export function parseSpendQuery(query: Record<string, string | undefined>, today: string): SpendQuery {
  const scope: Scope | undefined = query.account ? { kind: 'account', id: query.account } : query.tenant ? { kind: 'tenant', tenant: query.tenant } : undefined;
  let range = lastDays(today, DEFAULT_DAYS);
  if (isDay(query.from) && isDay(query.to) && query.from <= query.to) range = { from: query.from, to: query.to };
  const idle = Number(query.idle);
  const idleDays = Number.isInteger(idle) && idle >= 1 && idle <= 3650 ? idle : DEFAULT_IDLE_DAYS;
  return { scope, range, idleDays };
}

export function spendQueryString(q: SpendQuery): string {
  const params = new URLSearchParams();
  if (q.scope?.kind === 'tenant') params.set('tenant', q.scope.tenant);
  if (q.scope?.kind === 'account') params.set('account', q.scope.id);
  params.set('from', q.range.from);
  params.set('to', q.range.to);
  if (q.idleDays !== DEFAULT_IDLE_DAYS) params.set('idle', String(q.idleDays));
  return params.toString();
}

/** For file names and labels: `tenant-sandbox`, `account-<id>`. */
export function scopeSlug(scope: Scope | undefined): string {
  if (!scope) return 'none';
  return scope.kind === 'tenant' ? `tenant-${scope.tenant}` : `account-${scope.id}`;
}

/** The `<select>` value of a scope, and back. */
export function scopeValue(scope: Scope | undefined): string {
  if (!scope) return '';
  return scope.kind === 'tenant' ? `tenant:${scope.tenant}` : `account:${scope.id}`;
}
export function scopeFromValue(value: string): Scope | undefined {
  const i = value.indexOf(':');
  if (i < 0) return undefined;
  const kind = value.slice(0, i);
  const rest = value.slice(i + 1);
  if (!rest) return undefined;
  return kind === 'tenant' ? { kind: 'tenant', tenant: rest } : kind === 'account' ? { kind: 'account', id: rest } : undefined;
}
