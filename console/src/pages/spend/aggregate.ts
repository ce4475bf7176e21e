/**
 * The numbers of the Seats and spend page, computed from unified `users` and `usage` records as the
 * public API returns them. Pure (no DOM, no fetch), so node's test runner checks every figure
 * without a browser. The record shapes below are the fields of the usage-metering model this page
 * reads (docs/contract.md §17), declared here because the console never imports the server's code.
 */

export interface Charge {
  amount?: number;
  currency?: string;
  type?: string;
}

export interface UsageRow {
  id: string;
  product?: { id: string; name?: string };
  user?: { id?: string; email?: string; name?: string };
  charges?: Charge[];
  start_date?: string;
  end_date?: string;
}

export interface SeatUser {
  id: string;
  name: string;
  emails?: { email: string; is_primary: boolean }[];
  status?: string;
  last_active_at?: string;
}

export interface AccountRef {
  id: string;
  tenant_id: string;
  integration: { name: string };
}

/** One account's list: its records, or why there are none (the API's status, code and message). */
export interface AccountList<T> {
  account: AccountRef;
  rows?: T[];
  error?: { status: number; code?: string; message: string };
}

/** A closed range of calendar days (UTC), `YYYY-MM-DD`, both ends included. */
export interface DayRange {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The API's window for a range of days: start inclusive, end exclusive (docs/usage.md). */
export function apiWindow(range: DayRange): { start_date: string; end_date: string } {
  return { start_date: range.from, end_date: addDays(range.to, 1) };
}

export function daysIn(range: DayRange): string[] {
  const out: string[] = [];
  for (let d = range.from; d <= range.to && out.length < 1000; d = addDays(d, 1)) out.push(d);
  return out;
}

/**
 * An integration that does not map the resource answers 404 TESSERA_METHOD_NOT_SUPPORTED: that is
 * "this source does not report it", not a failure of the page.
 */
export function isNotReported(error: { status: number; code?: string } | undefined): boolean {
  return !!error && (error.code === 'TESSERA_METHOD_NOT_SUPPORTED' || (error.status === 404 && !error.code));
}

// ---------------------------------------------------------------------------------------------
// Money

/** Digits after the decimal point of a currency (2 for USD, 0 for JPY); 2 when the code is unknown. */
export function currencyExponent(currency: string): number {
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Minor units as a decimal string for CSV (`123456` USD → `1234.56`), no grouping. */
export function minorToDecimal(amount: number, currency: string): string {
  const exp = currencyExponent(currency);
  return (amount / 10 ** exp).toFixed(exp);
}

/** Minor units for people (`123456` USD → `1,234.56`); the currency code is shown beside it. */
export function formatMinor(amount: number, currency: string): string {
  const exp = currencyExponent(currency);
  return (amount / 10 ** exp).toLocaleString('en-US', { minimumFractionDigits: exp, maximumFractionDigits: exp });
}

const ADDED = new Set(['on_demand', 'committed', 'usage_based', 'platform_fee', 'tax']);
const SUBTRACTED = new Set(['discount', 'credit']);

/**
 * What one usage row cost, per currency, in minor units. A source that states the payable amount
 * says `net` (after discounts: Confluent, GitHub); else `total` (OpenAI, Anthropic, Datadog);
 * else the row has only components (Cursor: `usage_based` + `platform_fee`), added up, with
 * discounts and credits taken off. `included` is usage the plan already covers, not extra spend.
 */
export function rowSpend(row: UsageRow): Map<string, number> {
  const byCurrency = new Map<string, Charge[]>();
  for (const c of row.charges ?? []) {
    if (typeof c.amount !== 'number' || !Number.isFinite(c.amount) || !c.currency) continue;
    const list = byCurrency.get(c.currency) ?? [];
    list.push(c);
    byCurrency.set(c.currency, list);
  }
  const out = new Map<string, number>();
  for (const [currency, charges] of byCurrency) {
    const net = charges.filter((c) => c.type === 'net');
    const total = charges.filter((c) => c.type === 'total');
    const sum = (list: Charge[]) => list.reduce((s, c) => s + (c.amount ?? 0), 0);
    let amount: number;
    if (net.length) amount = sum(net);
    else if (total.length) amount = sum(total);
    else amount = sum(charges.filter((c) => ADDED.has(c.type ?? ''))) - sum(charges.filter((c) => SUBTRACTED.has(c.type ?? '')));
    out.set(currency, amount);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Seats by tool

export interface SeatCounts {
  integration: string;
  active: number;
  inactive: number;
  invited: number;
}

/** Per integration (accounts of the same integration added up); `deleted` and unknown statuses hold no seat. */
export function seatsByTool(lists: AccountList<SeatUser>[]): SeatCounts[] {
  const out = new Map<string, SeatCounts>();
  for (const list of lists) {
    if (!list.rows) continue;
    const name = list.account.integration.name;
    const counts = out.get(name) ?? { integration: name, active: 0, inactive: 0, invited: 0 };
    for (const u of list.rows) {
      if (u.status === 'active' || u.status === 'inactive' || u.status === 'invited') counts[u.status]++;
    }
    out.set(name, counts);
  }
  return [...out.values()].sort((a, b) => a.integration.localeCompare(b.integration));
}

// ---------------------------------------------------------------------------------------------
// Spend per day

export interface DaySpend {
  day: string;
  integration: string;
  amount: number;
}

export interface CurrencySpend {
  currency: string;
  total: number;
  /** One entry per (day, integration) with money; days without any are left out. */
  points: DaySpend[];
  /** Integrations with money in this currency, sorted. */
  integrations: string[];
}

export interface SpendPerDay {
  /** One per currency, never added together, largest total first. */
  currencies: CurrencySpend[];
  /** Rows longer than a day (Datadog's monthly costs): drawn on their first day. */
  longRows: number;
  /** Integrations whose rows in the range carry no money at all (Neon's quantities). */
  withoutMoney: string[];
}

/** Sum of each row's spend on the UTC day it starts, per integration and currency. */
export function spendPerDay(lists: AccountList<UsageRow>[]): SpendPerDay {
  const sums = new Map<string, Map<string, number>>();
  const withMoney = new Set<string>();
  const reporting = new Set<string>();
  let longRows = 0;
  for (const list of lists) {
    if (!list.rows) continue;
    const name = list.account.integration.name;
    reporting.add(name);
    for (const row of list.rows) {
      const spend = rowSpend(row);
      const start = row.start_date ? Date.parse(row.start_date) : NaN;
      if (!spend.size || Number.isNaN(start)) continue;
      withMoney.add(name);
      if (row.end_date && Date.parse(row.end_date) - start > DAY_MS) longRows++;
      const day = new Date(start).toISOString().slice(0, 10);
      for (const [currency, amount] of spend) {
        const perCurrency = sums.get(currency) ?? new Map<string, number>();
        const key = `${day}\u0000${name}`;
        perCurrency.set(key, (perCurrency.get(key) ?? 0) + amount);
        sums.set(currency, perCurrency);
      }
    }
  }
  const currencies: CurrencySpend[] = [...sums].map(([currency, perKey]) => {
    const points = [...perKey]
      .map(([key, amount]) => {
        const [day, integration] = key.split('\u0000');
        return { day, integration, amount };
      })
      .sort((a, b) => a.day.localeCompare(b.day) || a.integration.localeCompare(b.integration));
    return {
      currency,
      total: points.reduce((s, p) => s + p.amount, 0),
      points,
      integrations: [...new Set(points.map((p) => p.integration))].sort(),
    };
  });
  currencies.sort((a, b) => b.total - a.total || a.currency.localeCompare(b.currency));
  return { currencies, longRows, withoutMoney: [...reporting].filter((n) => !withMoney.has(n)).sort() };
}

/** The day-by-tool table of one currency: one row per day with money, a column per integration. */
export function dayTable(spend: CurrencySpend): { day: string; amounts: Record<string, number>; total: number }[] {
  const byDay = new Map<string, Record<string, number>>();
  for (const p of spend.points) {
    const row = byDay.get(p.day) ?? {};
    row[p.integration] = (row[p.integration] ?? 0) + p.amount;
    byDay.set(p.day, row);
  }
  return [...byDay].map(([day, amounts]) => ({ day, amounts, total: Object.values(amounts).reduce((s, a) => s + a, 0) }));
}

// ---------------------------------------------------------------------------------------------
// Spend per person

export interface PersonSpend {
  /** The email in lower case when known, else `<integration>:<user id>`. */
  key: string;
  name: string;
  email: string;
  integrations: string[];
  currency: string;
  amount: number;
}

function primaryEmail(user: SeatUser | undefined): string | undefined {
  return user?.emails?.find((e) => e.is_primary)?.email ?? user?.emails?.[0]?.email;
}

/**
 * Rows attributed to a user (`user.id` or `user.email`), summed per person and currency; people
 * at zero are left out. The same email in two tools is one person; names and emails missing from
 * a row come from that account's users list (matched by id, then by email).
 */
export function spendPerPerson(usage: AccountList<UsageRow>[], users: AccountList<SeatUser>[], top = 20): PersonSpend[] {
  const directory = new Map<string, { byId: Map<string, SeatUser>; byEmail: Map<string, SeatUser> }>();
  for (const list of users) {
    const byId = new Map<string, SeatUser>();
    const byEmail = new Map<string, SeatUser>();
    for (const u of list.rows ?? []) {
      byId.set(u.id, u);
      for (const e of u.emails ?? []) byEmail.set(e.email.toLowerCase(), u);
    }
    directory.set(list.account.id, { byId, byEmail });
  }
  const people = new Map<string, PersonSpend>();
  for (const list of usage) {
    const name = list.account.integration.name;
    const dir = directory.get(list.account.id);
    for (const row of list.rows ?? []) {
      if (!row.user || (!row.user.id && !row.user.email)) continue;
      const spend = rowSpend(row);
      if (!spend.size) continue;
      const known = (row.user.id ? dir?.byId.get(row.user.id) : undefined) ?? (row.user.email ? dir?.byEmail.get(row.user.email.toLowerCase()) : undefined);
      const email = row.user.email ?? primaryEmail(known) ?? '';
      const display = row.user.name ?? known?.name ?? (email || row.user.id || '');
      const base = email ? email.toLowerCase() : `${name}:${row.user.id}`;
      for (const [currency, amount] of spend) {
        const key = `${base}\u0000${currency}`;
        const p = people.get(key) ?? { key: base, name: display, email, integrations: [], currency, amount: 0 };
        p.amount += amount;
        if (!p.integrations.includes(name)) p.integrations.push(name);
        people.set(key, p);
      }
    }
  }
  // Someone whose charges the plan covered (Cursor's `included`) spent nothing.
  return [...people.values()]
    .filter((p) => p.amount !== 0)
    .map((p) => ({ ...p, integrations: p.integrations.sort() }))
    .sort((a, b) => b.amount - a.amount || a.name.localeCompare(b.name))
    .slice(0, top);
}

// ---------------------------------------------------------------------------------------------
// Unused paid seats

export interface UnusedSeat {
  integration: string;
  accountId: string;
  id: string;
  name: string;
  email: string;
  lastActiveAt: string;
  idleDays: number;
}

export interface UnusedSeats {
  rows: UnusedSeat[];
  /** Per integration, active seats whose user has no `last_active_at`: not reported, not unused. */
  notReported: { integration: string; count: number }[];
}

/**
 * Active seats whose `last_active_at` is more than `idleDays` days before `asOf` (the end of the
 * range, so the answer does not move with the clock of the person looking). Longest idle first.
 */
export function unusedSeats(lists: AccountList<SeatUser>[], idleDays: number, asOf: string): UnusedSeats {
  const cutoff = Date.parse(asOf) - idleDays * DAY_MS;
  const rows: UnusedSeat[] = [];
  const notReported = new Map<string, number>();
  for (const list of lists) {
    const name = list.account.integration.name;
    for (const u of list.rows ?? []) {
      if (u.status !== 'active') continue;
      const last = u.last_active_at ? Date.parse(u.last_active_at) : NaN;
      if (Number.isNaN(last)) {
        notReported.set(name, (notReported.get(name) ?? 0) + 1);
        continue;
      }
      if (last >= cutoff) continue;
      rows.push({
        integration: name,
        accountId: list.account.id,
        id: u.id,
        name: u.name,
        email: primaryEmail(u) ?? '',
        lastActiveAt: u.last_active_at!,
        idleDays: Math.floor((Date.parse(asOf) - last) / DAY_MS),
      });
    }
  }
  rows.sort((a, b) => b.idleDays - a.idleDays || a.integration.localeCompare(b.integration) || a.name.localeCompare(b.name));
  return {
    rows,
    notReported: [...notReported].map(([integration, count]) => ({ integration, count })).sort((a, b) => a.integration.localeCompare(b.integration)),
  };
}

// ---------------------------------------------------------------------------------------------
// CSV

type Cell = string | number | null | undefined;

/** RFC 4180: CRLF line ends; a field with a comma, a quote, CR or LF is quoted, quotes doubled. */
export function toCsv(header: string[], rows: Cell[][]): string {
  const field = (v: Cell) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [header, ...rows].map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}

/** `tessera-spend-per-day-tenant-sandbox-2026-11-21-to-2026-11-27.csv`: safe in every file system. */
export function csvFilename(table: string, scope: string, range: DayRange): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '');
  return `tessera-${safe(table)}-${safe(scope)}-${range.from}-to-${range.to}.csv`;
}
