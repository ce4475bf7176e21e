/**
 * The Datadog simulator's numbers add up (README.md in this folder): every cost it reports is the
 * usage its own hourly endpoint reports × the seed's prices, split at the commitment, in integer
 * micro-dollars; total = committed + on_demand; total_cost = Σ total charges; the parent summary =
 * Σ of the sub-org records; a month's daily estimates add up to its month-to-date estimate; and an
 * estimate of a closed month equals its final (historical) cost.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DEFAULT_DATADOG_KEYS as K,
  DEFAULT_DATADOG_ORGS as O,
  defaultDatadogSeed,
  parseDatadogSeed,
  startDatadogSimulator,
  type DatadogSimulator,
} from './index.ts';
import { get, hourlyQuery, micros } from './simulator-test-kit.ts';

let sim: DatadogSimulator;
const seed = parseDatadogSeed(defaultDatadogSeed());
const NOW = Date.parse('2026-11-29T16:00:00Z');
const ORGS = [O.parent.public_id, O.production.public_id, O.staging.public_id];

before(async () => {
  sim = await startDatadogSimulator({ rateLimits: false, now: () => NOW });
});
after(async () => {
  await sim?.close();
});

type Charges = Map<string, { committed: bigint; on_demand: bigint; total: bigint }>;

/** A cost record's charges per product in micro-dollars, checking total = committed + on_demand and total_cost. */
function chargesOf(record: any): Charges {
  const out: Charges = new Map();
  for (const c of record.attributes.charges) {
    const entry = out.get(c.product_name) ?? { committed: 0n, on_demand: 0n, total: 0n };
    entry[c.charge_type as 'committed' | 'on_demand' | 'total'] += micros(c.cost);
    out.set(c.product_name, entry);
  }
  let total = 0n;
  for (const [product, c] of out) {
    assert.equal(c.committed + c.on_demand, c.total, `${product}: committed + on_demand = total`);
    total += c.total;
  }
  assert.equal(total, micros(record.attributes.total_cost), 'total_cost = Σ total charges');
  return out;
}

/** Σ per `family.usage_type` of one org's hourly usage over [from, to), read through the hourly endpoint's pages. */
async function hourlySums(org: string, from: string, to: string): Promise<Map<string, bigint>> {
  const keys = org === O.production.public_id ? { apiKey: K.childApi, appKey: K.childApp } : {};
  const sums = new Map<string, bigint>();
  let next = '';
  do {
    const params: Record<string, string | number> = {
      'filter[timestamp][start]': from,
      'filter[timestamp][end]': to,
      'filter[product_families]': 'all',
      'page[limit]': 500,
    };
    if (next) params['page[next_record_id]'] = next;
    const res = await get(sim, hourlyQuery(params), keys);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    for (const r of res.body.data) {
      assert.equal(r.attributes.public_id, org);
      for (const m of r.attributes.measurements) {
        const key = `${r.attributes.product_family}.${m.usage_type}`;
        sums.set(key, (sums.get(key) ?? 0n) + BigInt(m.value ?? 0));
      }
    }
    next = res.body.meta.pagination.next_record_id ?? '';
  } while (next);
  return sums;
}

const roundHalfUp = (n: bigint, d: bigint) => (2n * n + d) / (2n * d);

describe('datadog simulator: cost is usage × price', () => {
  it("each org's October and August (two seeded days) charges follow from its hourly usage, the prices and its commitment", async () => {
    const res = await get(sim, '/api/v2/usage/historical_cost?view=sub-org&start_month=2026-08&end_month=2026-10');
    assert.equal(res.status, 200);
    // The production org's own keys read its usage alone; the parent's keys without include_descendants read the parent's.
    for (const [month, from, to] of [
      ['2026-10', '2026-10-01T00', '2026-11-01T00'],
      ['2026-08', '2026-08-01T00', '2026-09-01T00'],
    ] as const) {
      for (const org of [O.parent.public_id, O.production.public_id]) {
        const record = res.body.data.find((r: any) => r.attributes.public_id === org && r.attributes.date.startsWith(month));
        const charges = chargesOf(record);
        const usage = await hourlySums(org, from, to);
        for (const d of seed.dimensions.filter((x) => x.price)) {
          const units = usage.get(`${d.product_family}.${d.usage_type}`) ?? 0n;
          const commit = BigInt(d.commitments[org] ?? 0);
          const inCommit = units < commit ? units : commit;
          const expected = {
            committed: roundHalfUp(inCommit * BigInt(d.price!.committed_micros), BigInt(d.price!.per)),
            on_demand: roundHalfUp((units - inCommit) * BigInt(d.price!.on_demand_micros), BigInt(d.price!.per)),
          };
          const got = charges.get(d.id)!;
          assert.deepEqual([got.committed, got.on_demand], [expected.committed, expected.on_demand], `${org} ${month} ${d.id} (${units} units)`);
        }
      }
    }
  });

  it('the seed exercises both charge types: some usage within commitments, some beyond', async () => {
    const res = await get(sim, '/api/v2/usage/historical_cost?view=summary&start_month=2026-10');
    const charges = chargesOf(res.body.data[0]);
    const kinds = [...charges.values()];
    assert.ok(
      kinds.some((c) => c.committed > 0n && c.on_demand > 0n),
      'a dimension past its commitment',
    );
    assert.ok(kinds.some((c) => c.committed > 0n && c.on_demand === 0n) || kinds.some((c) => c.on_demand > 0n && c.committed === 0n));
  });
});

describe('datadog simulator: views and endpoints agree', () => {
  it('summary = Σ sub-org, per product and charge type, every month', async () => {
    const sub = await get(sim, '/api/v2/usage/historical_cost?view=sub-org&start_month=2026-08');
    const summary = await get(sim, '/api/v2/usage/historical_cost?view=summary&start_month=2026-08');
    assert.deepEqual(
      summary.body.data.map((r: any) => r.attributes.public_id),
      [O.parent.public_id, O.parent.public_id, O.parent.public_id],
    );
    for (const s of summary.body.data) {
      const expected: Charges = new Map();
      for (const r of sub.body.data.filter((x: any) => x.attributes.date === s.attributes.date)) {
        for (const [product, c] of chargesOf(r)) {
          const e = expected.get(product) ?? { committed: 0n, on_demand: 0n, total: 0n };
          expected.set(product, { committed: e.committed + c.committed, on_demand: e.on_demand + c.on_demand, total: e.total + c.total });
        }
      }
      assert.deepEqual(chargesOf(s), expected, s.attributes.date);
    }
  });

  it('cost_by_org = historical sub-org; the estimate of closed October = its historical cost', async () => {
    const hist = await get(sim, '/api/v2/usage/historical_cost?view=sub-org&start_month=2026-09&end_month=2026-10');
    const byOrg = await get(sim, '/api/v2/usage/cost_by_org?start_month=2026-09&end_month=2026-10');
    assert.deepEqual(
      byOrg.body.data.map((r: any) => r.attributes),
      hist.body.data.map((r: any) => r.attributes),
    );
    const estimate = await get(sim, '/api/v2/usage/estimated_cost?view=sub-org&start_month=2026-10&end_month=2026-10');
    assert.deepEqual(
      estimate.body.data.map((r: any) => r.attributes),
      hist.body.data.filter((r: any) => r.attributes.date.startsWith('2026-10')).map((r: any) => r.attributes),
    );
  });

  it("November's daily estimates add up to its month-to-date estimate; the cumulative series ends on it", async () => {
    const month = await get(sim, '/api/v2/usage/estimated_cost?view=sub-org&start_month=2026-11');
    const daily = await get(sim, '/api/v2/usage/estimated_cost?view=sub-org&start_date=2026-11-01&end_date=2026-11-30');
    const cumulative = await get(sim, '/api/v2/usage/estimated_cost?view=sub-org&start_date=2026-11-01&cost_aggregation=cumulative');
    assert.equal(daily.body.data.length, 27 * 3, 'one record per org and seeded day (data ends 2026-11-27)');
    for (const org of ORGS) {
      const sum: Charges = new Map();
      for (const r of daily.body.data.filter((x: any) => x.attributes.public_id === org)) {
        for (const [product, c] of chargesOf(r)) {
          assert.ok(c.committed >= 0n && c.on_demand >= 0n, 'daily increments are never negative');
          const e = sum.get(product) ?? { committed: 0n, on_demand: 0n, total: 0n };
          sum.set(product, { committed: e.committed + c.committed, on_demand: e.on_demand + c.on_demand, total: e.total + c.total });
        }
      }
      const monthToDate = chargesOf(month.body.data.find((x: any) => x.attributes.public_id === org));
      assert.deepEqual(sum, monthToDate, org);
      const lastDay = cumulative.body.data.filter((x: any) => x.attributes.public_id === org).at(-1);
      assert.equal(lastDay.attributes.date, '2026-11-27T00:00:00+00:00');
      assert.deepEqual(chargesOf(lastDay), monthToDate);
    }
  });

  it('costs are written in dollars with at most six decimals, ids are 64-hex and stable', async () => {
    const a = await get(sim, '/api/v2/usage/historical_cost?view=sub-org&start_month=2026-08');
    const b = await get(sim, '/api/v2/usage/historical_cost?view=sub-org&start_month=2026-08');
    assert.deepEqual(a.body, b.body);
    for (const r of a.body.data) {
      assert.match(r.id, /^[0-9a-f]{64}$/);
      for (const c of r.attributes.charges) micros(c.cost);
    }
  });
});

describe('datadog simulator: which months each cost endpoint has', () => {
  it('historical: a month is final from the 16th of the next month; estimated: the current and previous month only', async () => {
    // "Now" is never before the seed's clock, so an earlier "now" needs a seed that ends earlier.
    const early = await startDatadogSimulator({
      rateLimits: false,
      seed: { ...defaultDatadogSeed(), clock: '2026-11-10T00:00:00Z' },
      now: () => Date.parse('2026-11-10T12:00:00Z'),
    });
    try {
      const hist = await get(early, '/api/v2/usage/historical_cost?view=summary&start_month=2026-08');
      assert.deepEqual(
        hist.body.data.map((r: any) => r.attributes.date.slice(0, 7)),
        ['2026-08', '2026-09'],
      );
      const est = await get(early, '/api/v2/usage/estimated_cost?view=summary&start_month=2026-09&end_month=2026-11');
      assert.deepEqual(
        est.body.data.map((r: any) => r.attributes.date.slice(0, 7)),
        ['2026-10', '2026-11'],
      );
    } finally {
      await early.close();
    }
    const late = await get(sim, '/api/v2/usage/historical_cost?view=summary&start_month=2026-01&end_month=2026-12');
    assert.deepEqual(
      late.body.data.map((r: any) => r.attributes.date.slice(0, 7)),
      ['2026-08', '2026-09', '2026-10'],
    );
  });
});
