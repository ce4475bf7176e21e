/**
 * Datadog usage rows over HTTP (docs/contract.md §17.3; docs/providers/sources.md §2, §3;
 * sources-additions.md §2.5), against the sandbox account of `startTestStack()`: hourly usage rows
 * for the parent and its child orgs, fetched day by day, and each month's cost rows on the month's
 * first day. The checks are the point: every row validates and has a unique id, hourly quantities
 * add up to what the simulator's own hourly endpoint reports, and every month's charges add up to
 * the simulator's own cost records, rounded once per charge to whole cents.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_DATADOG_KEYS as K, DEFAULT_DATADOG_ORGS as O, microsToCents } from './simulator/index.ts';
import { schemaValidator } from '../../../test/helpers/schema.ts';
import { simulatorOrigin, startTestStack, type TestStack } from '../../../test/helpers/stack.ts';

type Json = Record<string, any>;

const validUsage = schemaValidator('usage-metering', 'usage');
const ORGS = [O.parent.public_id, O.production.public_id, O.staging.public_id];
const KEYS = { 'DD-API-KEY': K.api, 'DD-APPLICATION-KEY': K.app };

let stack: TestStack;
let account: string;
let sim: string;

const usageUrl = (query: string) => `/unified/usage-metering/usage?integrated_account_id=${account}&${query}`;

async function getJson(path: string) {
  const res = await stack.api(path);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : ({} as Json), text };
}

/** Every row of a unified usage list, following next_cursor; checks schema, ids and periods on the way. */
async function listAll(query: string): Promise<{ rows: Json[]; pages: number }> {
  const rows: Json[] = [];
  const ids = new Set<string>();
  let cursor: string | null = '';
  let pages = 0;
  do {
    const { status, body, text } = await getJson(usageUrl(`${query}&next_cursor=${encodeURIComponent(cursor ?? '')}`));
    assert.equal(status, 200, text);
    for (const row of body.result) {
      assert.equal(validUsage(row), null, `${row.id}: ${validUsage(row)}`);
      assert.ok(!ids.has(row.id), `duplicate id ${row.id}`);
      ids.add(row.id);
      assert.ok(Date.parse(row.start_date) < Date.parse(row.end_date), `${row.id}: start_date < end_date`);
      assert.match(row.start_date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    }
    rows.push(...body.result);
    cursor = body.next_cursor;
    assert.ok(++pages < 400, 'paging did not terminate');
  } while (cursor);
  return { rows, pages };
}

/** The simulator's own answer, read directly with the parent's keys (not through Tessera). */
async function simGet(path: string): Promise<Json> {
  const res = await fetch(`${sim}${path}`, { headers: KEYS });
  const body = (await res.json()) as Json;
  assert.equal(res.status, 200, JSON.stringify(body));
  return body;
}

/** Σ of every measurement of the whole account over [from, to), by `org|usage_type`, from the simulator's hourly pages. */
async function simHourlySums(from: string, to: string): Promise<Map<string, number>> {
  const sums = new Map<string, number>();
  for (let day = Date.parse(from); day < Date.parse(to); day += 86_400_000) {
    let next = '';
    do {
      const params = new URLSearchParams({
        'filter[timestamp][start]': new Date(day).toISOString().slice(0, 13),
        'filter[timestamp][end]': new Date(day + 86_400_000).toISOString().slice(0, 13),
        'filter[product_families]': 'all',
        'filter[include_descendants]': 'true',
      });
      if (next) params.set('page[next_record_id]', next);
      const body = await simGet(`/api/v2/usage/hourly_usage?${params}`);
      for (const r of body.data) {
        for (const m of r.attributes.measurements) {
          const key = `${r.attributes.public_id}|${r.attributes.product_family}.${m.usage_type}`;
          sums.set(key, (sums.get(key) ?? 0) + (m.value ?? 0));
        }
      }
      next = body.meta.pagination.next_record_id ?? '';
    } while (next);
  }
  return sums;
}

/** Dollars (≤ 6 decimals) to micro-dollars from the number's text. */
const micros = (dollars: number) => {
  const [whole, frac = ''] = String(dollars).split('.');
  return BigInt(whole) * 1_000_000n + BigInt(frac.padEnd(6, '0'));
};

/** The simulator's charges for one month: per (org, product, type) micro-dollars, and Σ total_cost. */
function simCharges(records: Json[]) {
  const byRow = new Map<string, Record<string, bigint>>();
  let totalCost = 0n;
  for (const r of records) {
    totalCost += micros(r.attributes.total_cost);
    for (const c of r.attributes.charges) {
      const key = `${r.attributes.public_id}|${c.product_name}`;
      byRow.set(key, { ...byRow.get(key), [c.charge_type]: micros(c.cost) });
    }
  }
  return { byRow, totalCost };
}

const hourlyRows = (rows: Json[]) => rows.filter((r) => r.id.startsWith('datadog:hourly_usage:'));
const costRows = (rows: Json[]) => rows.filter((r) => r.id.startsWith('datadog:cost:'));
const charge = (row: Json, type: string) => row.charges.find((c: Json) => c.type === type)?.amount ?? 0;

before(async () => {
  stack = await startTestStack();
  account = stack.accounts.datadog;
  sim = simulatorOrigin(stack.simulators.datadog);
});
after(async () => {
  await stack?.close();
});

describe("datadog usage: hourly rows and November's cost rows, 2026-10-31 to 2026-11-03", () => {
  let rows: Json[];
  let pages: number;
  before(async () => {
    ({ rows, pages } = await listAll('start_date=2026-10-31&end_date=2026-11-03&limit=100'));
  });

  test("pages through three days, nine Datadog pages of 50 records a day, with the month's cost rows on November 1st", () => {
    assert.equal(pages, 3 * 9, 'a day is 3 orgs × 6 families × 24 hours = 432 records');
    const hourly = hourlyRows(rows);
    assert.deepEqual([...new Set(hourly.map((r) => r.start_date.slice(0, 10)))], ['2026-10-31', '2026-11-01', '2026-11-02']);
    assert.deepEqual([...new Set(hourly.map((r) => r.organization.id))].sort(), [...ORGS].sort());
    const costs = costRows(rows);
    assert.ok(costs.length > 0);
    assert.ok(costs.every((r) => r.start_date === '2026-11-01T00:00:00Z' && r.end_date === '2026-12-01T00:00:00Z'));
    // They come after November 1st's last hourly row and before November 2nd's first.
    const firstCost = rows.indexOf(costs[0]);
    assert.equal(rows[firstCost - 1].start_date.slice(0, 10), '2026-11-01');
    assert.equal(rows[firstCost + costs.length].start_date.slice(0, 10), '2026-11-02');
  });

  test('hourly rows: one hour each, quantity and unit, the billing dimension as product, no money', () => {
    for (const r of hourlyRows(rows)) {
      assert.equal(Date.parse(r.end_date) - Date.parse(r.start_date), 3_600_000);
      assert.ok(Number.isInteger(r.usage.quantity) && r.usage.quantity > 0, r.id);
      assert.equal(typeof r.usage.unit, 'string', r.id);
      assert.equal(r.charges, undefined);
      assert.match(r.id, /^datadog:hourly_usage:\d{4}-\d{2}-\d{2}T\d{2}:00:00Z:-:[a-z_]+:[a-z_]+:[a-z0-9]{16}$/);
    }
    const host = hourlyRows(rows).find((r) => r.metric_name === 'host_count' && r.organization.id === O.production.public_id)!;
    assert.deepEqual(host.product, { id: 'infra_host', name: 'Infra Hosts' });
    assert.deepEqual(host.organization, { id: O.production.public_id, name: O.production.name });
    assert.equal(host.usage.unit, 'hosts');
    // remote_data is the Datadog record the row came from: its hour, org, family and every measurement.
    assert.equal(host.remote_data.type, 'usage_timeseries');
    assert.deepEqual(host.remote_data.attributes.measurements.find((m: Json) => m.usage_type === 'host_count').value, host.usage.quantity);
    assert.ok(!hourlyRows(rows).some((r) => r.organization.id === O.parent.public_id && r.metric_name === 'container_count'), 'unmeasured (null) gives no row');
  });

  test("Σ hourly quantity per org and measurement = the simulator's own hourly sums", async () => {
    const expected = await simHourlySums('2026-10-31T00:00:00Z', '2026-11-03T00:00:00Z');
    const got = new Map<string, number>();
    for (const r of hourlyRows(rows)) {
      const a = r.remote_data.attributes;
      const key = `${r.organization.id}|${a.product_family}.${r.metric_name}`;
      got.set(key, (got.get(key) ?? 0) + r.usage.quantity);
    }
    for (const [key, value] of expected) assert.equal(got.get(key) ?? 0, value, key);
    assert.equal(
      [...got.values()].reduce((a, b) => a + b, 0),
      [...expected.values()].reduce((a, b) => a + b, 0),
    );
    console.log(`datadog: ${hourlyRows(rows).length} hourly rows over 3 days = the simulator's sums for all ${expected.size} (org, measurement) series`);
  });

  test("November's charges add up to the simulator's month-to-date estimate, each charge rounded once to cents", async () => {
    const estimate = await simGet('/api/v2/usage/estimated_cost?view=sub-org&start_month=2026-11');
    const { byRow, totalCost } = simCharges(estimate.data);
    const costs = costRows(rows);
    let unified = 0;
    let expected = 0n;
    for (const r of costs) {
      const source = byRow.get(`${r.organization.id}|${r.product.id}`)!;
      for (const type of ['committed', 'on_demand', 'total']) {
        assert.equal(BigInt(charge(r, type)), microsToCents(source[type]), `${r.id} ${type}`);
      }
      assert.ok(Math.abs(charge(r, 'committed') + charge(r, 'on_demand') - charge(r, 'total')) <= 1, r.id);
      assert.ok(r.charges.every((c: Json) => c.currency === 'USD'));
      unified += charge(r, 'total');
      expected += microsToCents(source.total);
    }
    // Every product with a non-zero charge has its row; only all-zero products have none.
    const nonZero = [...byRow.entries()]
      .filter(([, c]) => c.total !== 0n)
      .map(([k]) => k)
      .sort();
    assert.deepEqual(costs.map((r) => `${r.organization.id}|${r.product.id}`).sort(), nonZero);
    assert.equal(BigInt(unified), expected);
    const drift = Math.abs(unified - Number(totalCost) / 10_000);
    assert.ok(drift <= costs.length * 0.5, `Σ ${unified} cents vs total_cost ${Number(totalCost) / 10_000} cents`);
    console.log(`datadog: November, ${costs.length} cost rows: Σ total = ${unified} cents; simulator Σ total_cost = ${Number(totalCost) / 10_000} cents`);
  });
});

describe('datadog usage: report_type, windows and query checks', () => {
  test("report_type=cost lists every month's cost rows, August to November, each equal to the simulator's final or estimated cost", async () => {
    const { rows } = await listAll('start_date=2026-08-01&end_date=2026-11-02&report_type=cost');
    assert.equal(hourlyRows(rows).length, 0);
    const months = [...new Set(rows.map((r) => r.start_date.slice(0, 7)))];
    assert.deepEqual(months, ['2026-08', '2026-09', '2026-10', '2026-11']);
    const historical = await simGet('/api/v2/usage/historical_cost?view=sub-org&start_month=2026-08&end_month=2026-10');
    const estimated = await simGet('/api/v2/usage/estimated_cost?view=sub-org&start_month=2026-11');
    let grand = 0;
    let grandExpected = 0n;
    for (const month of months) {
      const records = [...historical.data, ...estimated.data].filter((r: Json) => r.attributes.date.startsWith(month));
      const { byRow } = simCharges(records);
      const monthRows = rows.filter((r) => r.start_date.startsWith(month));
      const sum = monthRows.reduce((s, r) => s + charge(r, 'total'), 0);
      const expected = monthRows.reduce((s, r) => s + microsToCents(byRow.get(`${r.organization.id}|${r.product.id}`)!.total), 0n);
      assert.equal(BigInt(sum), expected, month);
      assert.equal(monthRows.length, [...byRow.values()].filter((c) => c.total !== 0n).length, month);
      grand += sum;
      grandExpected += expected;
    }
    assert.equal(BigInt(grand), grandExpected);
    console.log(`datadog: ${rows.length} cost rows over four months: Σ total = ${grand} cents = simulator ${grandExpected} cents`);
  });

  test('report_type=usage has no cost rows; the default window is the last 7 days', async () => {
    const { rows } = await listAll('start_date=2026-11-01&end_date=2026-11-02&report_type=usage');
    assert.ok(rows.length > 0 && costRows(rows).length === 0);
    const first = await getJson(usageUrl('limit=10'));
    assert.equal(first.status, 200, first.text);
  });

  test('parameters Datadog cannot honour are a 400 naming them', async () => {
    const cases: [string, RegExp][] = [
      ['report_type=invoice', /report_type/],
      ['group_by=product', /group_by is not supported by datadog/],
      ['user_ids=u1', /user_ids is not supported/],
      ['start_date=2025-01-01&end_date=2025-01-02', /start_date is more than 456 days in the past/],
      ['start_date=Nov-1', /start_date must be an ISO 8601 date/],
      ['start_date=2026-11-03&end_date=2026-11-01', /must be after start_date/],
    ];
    for (const [query, message] of cases) {
      const res = await getJson(usageUrl(query));
      assert.equal(res.status, 400, `${query}: ${res.text}`);
      assert.match(res.body.message, message, query);
    }
  });
});
