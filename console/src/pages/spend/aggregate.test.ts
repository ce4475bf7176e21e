import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  apiWindow,
  csvFilename,
  dayTable,
  daysIn,
  formatMinor,
  isNotReported,
  minorToDecimal,
  rowSpend,
  seatsByTool,
  spendPerDay,
  spendPerPerson,
  toCsv,
  unusedSeats,
  type AccountList,
  type SeatUser,
  type UsageRow,
} from './aggregate.ts';
import { lastDays, parseSpendQuery, scopeFromValue, scopeSlug, scopeValue, spendQueryString } from './query.ts';

const account = (id: string, integration: string, tenant = 't1') => ({ id, tenant_id: tenant, integration: { name: integration } });
const user = (id: string, over: Partial<SeatUser> = {}): SeatUser => ({
  id,
  name: `User ${id}`,
  emails: [{ email: `${id}@x.example`, is_primary: true }],
  status: 'active',
  ...over,
});
const row = (id: string, start: string, charges: UsageRow['charges'], over: Partial<UsageRow> = {}): UsageRow => ({
  id,
  start_date: start,
  end_date: new Date(Date.parse(start) + 86_400_000).toISOString(),
  charges,
  ...over,
});

test('a row costs its net, else its total, else its paid components; included usage is not spend', () => {
  const usd = (type: string, amount: number) => ({ type, amount, currency: 'USD' });
  assert.deepEqual([...rowSpend(row('a', '2026-11-01T00:00:00Z', [usd('total', 10800), usd('discount', 1296), usd('net', 9504)]))], [['USD', 9504]]);
  assert.deepEqual([...rowSpend(row('b', '2026-11-01T00:00:00Z', [usd('committed', 0), usd('on_demand', 6391), usd('total', 6391)]))], [['USD', 6391]]);
  assert.deepEqual([...rowSpend(row('c', '2026-11-01T00:00:00Z', [usd('usage_based', 21), usd('platform_fee', 4)]))], [['USD', 25]]);
  assert.deepEqual([...rowSpend(row('d', '2026-11-01T00:00:00Z', [usd('included', 37)]))], [['USD', 0]]);
  assert.deepEqual([...rowSpend(row('e', '2026-11-01T00:00:00Z', [usd('usage_based', 100), usd('credit', 30)]))], [['USD', 70]]);
  assert.equal(rowSpend(row('f', '2026-11-01T00:00:00Z', undefined)).size, 0);
  const mixed = rowSpend(row('g', '2026-11-01T00:00:00Z', [usd('total', 5), { type: 'total', amount: 700, currency: 'JPY' }]));
  assert.deepEqual([...mixed].sort(), [
    ['JPY', 700],
    ['USD', 5],
  ]);
});

test('seats are counted per tool across accounts; deleted users and failed accounts count nothing', () => {
  const lists: AccountList<SeatUser>[] = [
    {
      account: account('1', 'openai'),
      rows: [user('a'), user('b', { status: 'invited' }), user('c', { status: 'inactive' }), user('d', { status: 'deleted' })],
    },
    { account: account('2', 'openai'), rows: [user('e'), user('f', { status: 'invited' })] },
    { account: account('3', 'cursor'), rows: [user('g', { status: 'pending_raw_value' }), user('h')] },
    { account: account('4', 'datadog'), error: { status: 404, code: 'TESSERA_METHOD_NOT_SUPPORTED', message: 'not supported' } },
  ];
  assert.deepEqual(seatsByTool(lists), [
    { integration: 'cursor', active: 1, inactive: 0, invited: 0 },
    { integration: 'openai', active: 2, inactive: 1, invited: 2 },
  ]);
  assert.equal(isNotReported(lists[3].error), true);
  assert.equal(isNotReported({ status: 429, code: 'TESSERA_UPSTREAM_BUDGET_SPENT' }), false);
});

test('spend per day adds rows by UTC start day and tool, keeps currencies apart and counts long rows', () => {
  const lists: AccountList<UsageRow>[] = [
    {
      account: account('1', 'openai'),
      rows: [
        row('o1', '2026-11-21T00:00:00.000Z', [{ type: 'total', amount: 16, currency: 'USD' }]),
        row('o2', '2026-11-21T00:00:00.000Z', [{ type: 'total', amount: 4, currency: 'USD' }]),
        row('o3', '2026-11-22T00:00:00.000Z', [{ type: 'total', amount: 100, currency: 'USD' }]),
        row('o4', '2026-11-22T00:00:00.000Z', undefined),
      ],
    },
    {
      account: account('2', 'datadog'),
      rows: [{ id: 'm', start_date: '2026-11-01T00:00:00Z', end_date: '2026-12-01T00:00:00Z', charges: [{ type: 'total', amount: 6391, currency: 'USD' }] }],
    },
    { account: account('3', 'confluent'), rows: [row('e1', '2026-11-21T23:30:00+05:00', [{ type: 'total', amount: 900, currency: 'EUR' }])] },
    { account: account('4', 'neon'), rows: [row('n1', '2026-11-21T00:00:00Z', undefined)] },
    { account: account('5', 'cursor'), error: { status: 429, message: 'spent' } },
  ];
  const spend = spendPerDay(lists);
  assert.deepEqual(
    spend.currencies.map((c) => [c.currency, c.total, c.integrations]),
    [
      ['USD', 6511, ['datadog', 'openai']],
      ['EUR', 900, ['confluent']],
    ],
  );
  assert.deepEqual(spend.currencies[0].points, [
    { day: '2026-11-01', integration: 'datadog', amount: 6391 },
    { day: '2026-11-21', integration: 'openai', amount: 20 },
    { day: '2026-11-22', integration: 'openai', amount: 100 },
  ]);
  // 23:30 at +05:00 is 18:30 UTC the same day.
  assert.equal(spend.currencies[1].points[0].day, '2026-11-21');
  assert.equal(spend.longRows, 1);
  assert.deepEqual(spend.withoutMoney, ['neon']);
  assert.deepEqual(dayTable(spend.currencies[0])[1], { day: '2026-11-21', amounts: { openai: 20 }, total: 20 });
});

test('spend per person joins names from the users list, merges one email across tools, drops zeros and keeps the top N', () => {
  const usage: AccountList<UsageRow>[] = [
    {
      account: account('c', 'cursor'),
      rows: [
        row('1', '2026-11-21T10:00:00Z', [{ type: 'usage_based', amount: 21, currency: 'USD' }], { user: { id: '100001' } }),
        row('2', '2026-11-21T11:00:00Z', [{ type: 'usage_based', amount: 9, currency: 'USD' }], { user: { id: '100001', email: 'ADA@x.example' } }),
        row('3', '2026-11-21T12:00:00Z', [{ type: 'usage_based', amount: 50, currency: 'USD' }], { user: { email: 'bob@x.example', name: 'Bob' } }),
        row('4', '2026-11-21T12:00:00Z', [{ type: 'usage_based', amount: 70, currency: 'USD' }]),
        row('5', '2026-11-21T13:00:00Z', [{ type: 'usage_based', amount: 1, currency: 'USD' }], { user: { id: 'ghost' } }),
        row('6', '2026-11-21T14:00:00Z', [{ type: 'included', amount: 40, currency: 'USD' }], { user: { email: 'zed@x.example' } }),
      ],
    },
    { account: account('o', 'openai'), rows: [row('6', '2026-11-21T00:00:00Z', [{ type: 'total', amount: 5, currency: 'USD' }], { user: { id: 'u-ada' } })] },
  ];
  const users: AccountList<SeatUser>[] = [
    { account: account('c', 'cursor'), rows: [user('100001', { name: 'Ada Lovelace', emails: [{ email: 'ada@x.example', is_primary: true }] })] },
    { account: account('o', 'openai'), rows: [user('u-ada', { name: 'Ada L.', emails: [{ email: 'ada@x.example', is_primary: true }] })] },
  ];
  const people = spendPerPerson(usage, users, 20);
  assert.deepEqual(
    people.map((p) => [p.name, p.email, p.integrations, p.amount]),
    [
      ['Bob', 'bob@x.example', ['cursor'], 50],
      ['Ada Lovelace', 'ada@x.example', ['cursor', 'openai'], 35],
      ['ghost', '', ['cursor'], 1],
    ],
  );
  assert.equal(people[2].key, 'cursor:ghost');
  assert.deepEqual(
    spendPerPerson(usage, users, 1).map((p) => p.name),
    ['Bob'],
  );
});

test('unused seats: active seats idle past N days before the end of the range; no activity field is "not reported"', () => {
  const lists: AccountList<SeatUser>[] = [
    {
      account: account('c', 'cursor'),
      rows: [
        user('recent', { last_active_at: '2026-11-27T00:00:00.000Z' }),
        user('old', { last_active_at: '2026-10-01T00:00:00.000Z' }),
        user('edge', { last_active_at: '2026-10-29T00:00:00.000Z' }),
        user('older-but-invited', { status: 'invited', last_active_at: '2026-01-01T00:00:00Z' }),
        user('silent'),
      ],
    },
    { account: account('n', 'neon'), rows: [user('n1'), user('n2'), user('n3', { status: 'inactive' })] },
  ];
  const asOf = '2026-11-28T00:00:00Z';
  const result = unusedSeats(lists, 30, asOf);
  assert.deepEqual(
    result.rows.map((r) => [r.id, r.idleDays, r.email]),
    [['old', 58, 'old@x.example']],
  );
  assert.deepEqual(result.notReported, [
    { integration: 'cursor', count: 1 },
    { integration: 'neon', count: 2 },
  ]);
  // Exactly 30 days idle is not "more than 30"; 29 days makes it unused.
  assert.deepEqual(
    unusedSeats(lists, 29, asOf).rows.map((r) => r.id),
    ['old', 'edge'],
  );
});

test('CSV follows RFC 4180 and the file name carries scope and range', () => {
  const csv = toCsv(
    ['Name', 'Note', 'Amount'],
    [
      ['Ada, Countess', 'said "hi"', 12.5],
      ['Line\nbreak', null, undefined],
      ['plain', 'x', 0],
    ],
  );
  assert.equal(csv, 'Name,Note,Amount\r\n"Ada, Countess","said ""hi""",12.5\r\n"Line\nbreak",,\r\nplain,x,0\r\n');
  assert.equal(
    csvFilename('spend-per-day-USD', 'tenant-acme corp/1', { from: '2026-11-01', to: '2026-11-30' }),
    'tessera-spend-per-day-USD-tenant-acme-corp-1-2026-11-01-to-2026-11-30.csv',
  );
});

test('money is shown from minor units with the currency exponent', () => {
  assert.equal(formatMinor(123456, 'USD'), '1,234.56');
  assert.equal(formatMinor(123456, 'JPY'), '123,456');
  assert.equal(minorToDecimal(123456, 'USD'), '1234.56');
  assert.equal(minorToDecimal(5, 'USD'), '0.05');
  assert.equal(minorToDecimal(-250, 'EUR'), '-2.50');
});

test('the date window: inclusive days on screen, exclusive end for the API', () => {
  assert.deepEqual(apiWindow({ from: '2026-11-21', to: '2026-11-27' }), { start_date: '2026-11-21', end_date: '2026-11-28' });
  assert.deepEqual(lastDays('2026-03-01', 7), { from: '2026-02-23', to: '2026-03-01' });
  assert.equal(daysIn({ from: '2026-11-21', to: '2026-11-27' }).length, 7);
});

test('scope, range and idle days round-trip through the URL; bad values fall back to the defaults', () => {
  const q = { scope: { kind: 'tenant' as const, tenant: 'sandbox' }, range: { from: '2026-11-21', to: '2026-11-27' }, idleDays: 14 };
  const search = spendQueryString(q);
  assert.equal(search, 'tenant=sandbox&from=2026-11-21&to=2026-11-27&idle=14');
  assert.deepEqual(parseSpendQuery(Object.fromEntries(new URLSearchParams(search)), '2026-12-08'), q);
  assert.deepEqual(parseSpendQuery({ from: '2026-11-30', to: '2026-11-01', idle: '-3' }, '2026-12-08'), {
    scope: undefined,
    range: { from: '2026-11-09', to: '2026-12-08' },
    idleDays: 30,
  });
  assert.deepEqual(parseSpendQuery({ account: 'abc', tenant: 'ignored', from: '2026-02-30', to: '2026-03-01' }, '2026-12-08').scope, {
    kind: 'account',
    id: 'abc',
  });
  assert.deepEqual(scopeFromValue(scopeValue({ kind: 'account', id: 'a:b' })), { kind: 'account', id: 'a:b' });
  assert.equal(scopeFromValue('tenant:'), undefined);
  assert.equal(scopeSlug({ kind: 'account', id: 'x1' }), 'account-x1');
});
