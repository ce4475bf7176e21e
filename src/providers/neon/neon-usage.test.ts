/**
 * Neon usage rows over HTTP (docs/providers/neon.md §7.1; docs/contract.md §17.3): the unified
 * usage list of the sandbox account, through a real Tessera and the Neon simulator. The point is
 * that nothing is lost or counted twice across the window's spans and the pages of projects: per
 * project and metric, the quantities Tessera returns add up to the simulator's own days.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CONSUMPTION_METRICS, DEFAULT_NEON_ORG_ID, DEFAULT_NEON_PROJECT_IDS as P, type NeonSeed } from './simulator/index.ts';
import { schemaValidator } from '../../../test/helpers/schema.ts';
import { simulatorOrigin, startTestStack, type TestStack } from '../../../test/helpers/stack.ts';

type Json = Record<string, any>;

const validUsage = schemaValidator('usage-metering', 'usage');
const DAY_MS = 86_400_000;
const FAMILY: Record<string, [string, string]> = {
  compute_unit_seconds: ['compute', 'cu_seconds'],
  root_branch_bytes_month: ['storage', 'byte_months'],
  child_branch_bytes_month: ['storage', 'byte_months'],
  instant_restore_bytes_month: ['storage', 'byte_months'],
  snapshot_storage_bytes_month: ['storage', 'byte_months'],
  public_network_transfer_bytes: ['transfer', 'bytes'],
  private_network_transfer_bytes: ['transfer', 'bytes'],
  extra_branches_month: ['branches', 'branch_months'],
};

let stack: TestStack;
let account: string;
let sim: string;

const usageUrl = (query: string) => `/unified/usage-metering/usage?integrated_account_id=${account}&${query}`;

async function getJson(path: string) {
  const res = await stack.api(path);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : ({} as Json), text };
}

/** Every row of a unified usage list, following next_cursor; ids must be unique across pages. */
async function listAll(query: string): Promise<{ rows: Json[]; pages: number }> {
  const rows: Json[] = [];
  const ids = new Set<string>();
  let cursor: string | null = '';
  let pages = 0;
  do {
    const { status, body, text } = await getJson(usageUrl(`${query}&next_cursor=${encodeURIComponent(cursor ?? '')}`));
    assert.equal(status, 200, text);
    assert.equal(body.result_count, body.result.length);
    for (const row of body.result) {
      assert.ok(!ids.has(row.id), `duplicate id ${row.id}`);
      ids.add(row.id);
    }
    rows.push(...body.result);
    cursor = body.next_cursor;
    assert.ok(++pages < 100, 'paging did not terminate');
  } while (cursor);
  return { rows, pages };
}

/** The simulator's own totals per `project/metric` over [fromDay, toDay), read from its live state. */
async function simTotals(fromDay: string, toDay: string, metrics: readonly string[] = CONSUMPTION_METRICS): Promise<Map<string, number>> {
  const seed = (await (await fetch(`${sim}/__sim/seed`)).json()) as NeonSeed;
  const ours = new Set(seed.projects.filter((p) => p.org_id === DEFAULT_NEON_ORG_ID).map((p) => p.id));
  const totals = new Map<string, number>();
  for (const c of seed.consumption) {
    if (c.date < fromDay || c.date >= toDay || !ours.has(c.project_id)) continue;
    for (const [metric, value] of Object.entries(c.metrics)) {
      if (value && metrics.includes(metric)) totals.set(`${c.project_id}/${metric}`, (totals.get(`${c.project_id}/${metric}`) ?? 0) + value);
    }
  }
  return totals;
}

function rowTotals(rows: Json[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const r of rows) totals.set(`${r.resources[0].id}/${r.metric_name}`, (totals.get(`${r.resources[0].id}/${r.metric_name}`) ?? 0) + r.usage.quantity);
  return totals;
}

async function consumptionRequests(): Promise<Record<string, string>[]> {
  const log = ((await (await fetch(`${sim}/__sim/requests?path=${encodeURIComponent('/api/v2/consumption_history/**')}`)).json()) as { requests: Json[] })
    .requests;
  return log.map((r) => r.query);
}

before(async () => {
  stack = await startTestStack();
  account = stack.accounts.neon;
  sim = simulatorOrigin(stack.simulators.neon);
});
after(async () => {
  await stack?.close();
});

describe('GET /unified/usage-metering/usage on Neon', () => {
  test("90 days list to the end: schema-valid, unique ids, and quantities that add up to the simulator's days", async () => {
    await fetch(`${sim}/__sim/requests`, { method: 'DELETE' });
    const { rows, pages } = await listAll('start_date=2026-08-30&end_date=2026-11-28');
    assert.ok(pages >= 6, `${pages} pages`);
    for (const row of rows) {
      assert.equal(validUsage(row), null, `${row.id}: ${validUsage(row)}`);
      assert.equal('charges' in row, false, 'Neon reports quantities, not money');
      assert.ok(Date.parse(row.start_date) < Date.parse(row.end_date), row.id);
      assert.equal(Date.parse(row.end_date) - Date.parse(row.start_date), DAY_MS);
      assert.ok(row.start_date >= '2026-08-30T00:00:00Z' && row.end_date <= '2026-11-28T00:00:00Z', row.id);
      assert.deepEqual(row.organization, { id: DEFAULT_NEON_ORG_ID, name: 'my-organization' });
      assert.deepEqual([row.product.id, row.usage.unit], FAMILY[row.metric_name], row.metric_name);
      assert.equal(row.id, `neon:consumption:${row.start_date}:-:${row.metric_name}:${row.resources[0].id}`);
      assert.ok(Number.isSafeInteger(row.usage.quantity) && row.usage.quantity > 0, row.id);
      assert.equal(row.remote_data.value, row.usage.quantity);
    }
    const projects = new Set(rows.map((r) => r.resources[0].id));
    assert.deepEqual([...projects].sort(), [P.analytics, P.preview, P.staging, P.production].sort(), 'the example org only, never Acme');
    const expected = await simTotals('2026-08-30', '2026-11-28');
    assert.deepEqual(rowTotals(rows), expected);
    const compute = [...expected].filter(([k]) => k.endsWith('/compute_unit_seconds')).reduce((sum, [, v]) => sum + v, 0);
    const computeRows = rows.filter((r) => r.metric_name === 'compute_unit_seconds');
    assert.equal(
      computeRows.reduce((sum, r) => sum + r.usage.quantity, 0),
      compute,
      `${computeRows.length} compute rows`,
    );
    assert.ok(
      !rows.some((r) => r.resources[0].id === P.staging && r.metric_name === 'compute_unit_seconds' && r.start_date === '2026-11-21T00:00:00Z'),
      'a day with no compute has no compute row',
    );
    assert.ok(!rows.some((r) => r.resources[0].id === P.preview && r.start_date < '2026-10-14'), 'nothing before the project existed');

    // Upstream: daily, every metric, one project per page, 15-day spans that tile the window.
    const sent = await consumptionRequests();
    assert.ok(sent.length >= pages);
    const spans = new Set<string>();
    for (const query of sent) {
      assert.equal(query.granularity, 'daily');
      assert.equal(query.org_id, DEFAULT_NEON_ORG_ID);
      assert.equal(query.limit, '1');
      assert.deepEqual(String(query.metrics).split(',').sort(), [...CONSUMPTION_METRICS].sort());
      assert.ok(Date.parse(query.to) - Date.parse(query.from) <= 15 * DAY_MS);
      spans.add(`${query.from}/${query.to}`);
    }
    const ordered = [...spans].map((s) => s.split('/')).sort(([a], [b]) => a.localeCompare(b));
    assert.equal(ordered[0][0], '2026-08-30T00:00:00Z');
    assert.equal(ordered.at(-1)![1], '2026-11-28T00:00:00Z');
    for (let i = 1; i < ordered.length; i++) assert.equal(ordered[i][0], ordered[i - 1][1], 'spans are contiguous');
  });

  test("product_ids asks Neon only for those families' metrics, and still adds up", async () => {
    await fetch(`${sim}/__sim/requests`, { method: 'DELETE' });
    const { rows } = await listAll('start_date=2026-10-29&end_date=2026-11-28&product_ids=storage,transfer');
    assert.ok(rows.length > 0);
    assert.deepEqual([...new Set(rows.map((r) => r.product.id))].sort(), ['storage', 'transfer']);
    const metrics = [
      'root_branch_bytes_month',
      'child_branch_bytes_month',
      'instant_restore_bytes_month',
      'snapshot_storage_bytes_month',
      'public_network_transfer_bytes',
      'private_network_transfer_bytes',
    ];
    for (const query of await consumptionRequests()) assert.deepEqual(String(query.metrics).split(','), metrics);
    assert.deepEqual(rowTotals(rows), await simTotals('2026-10-29', '2026-11-28', metrics));
  });

  test('date gives one day; with no window the last 7 days up to today are read', async () => {
    const { rows } = await listAll('date=2026-11-27');
    assert.ok(rows.length >= 12);
    assert.ok(rows.every((r) => r.start_date === '2026-11-27T00:00:00Z' && r.end_date === '2026-11-28T00:00:00Z'));
    assert.deepEqual(rowTotals(rows), await simTotals('2026-11-27', '2026-11-28'));
    await fetch(`${sim}/__sim/requests`, { method: 'DELETE' });
    await listAll('');
    const [first] = await consumptionRequests();
    assert.equal(Date.parse(first.to) - Date.parse(first.from), 7 * DAY_MS);
    assert.equal(first.to, new Date(Math.ceil(Date.now() / DAY_MS) * DAY_MS).toISOString().replace('.000Z', 'Z'));
  });

  test('what Neon cannot answer is a 400 naming the parameter, before any upstream call', async () => {
    await fetch(`${sim}/__sim/requests`, { method: 'DELETE' });
    const cases: [string, RegExp][] = [
      ['bucket_width=hour', /bucket_width .*allowed: day/],
      ['group_by=product', /group_by is not supported by neon/],
      ['product_ids=gpu', /product_ids .*allowed: compute, storage, transfer, branches/],
      ['start_date=2025-01-01&end_date=2026-11-28', /neon allows at most 366 days/],
      ['start_date=2026-11-28&end_date=2026-11-01', /end_date .* must be after start_date/],
      ['date=2026-11-27&start_date=2026-11-01', /date cannot be combined with start_date/],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await getJson(usageUrl(query));
      assert.equal(status, 400, query);
      assert.match(body.message, message);
      assert.notEqual(body.truto_is_remote_error, true);
    }
    assert.deepEqual(await consumptionRequests(), []);
  });

  test("Neon's errors surface as remote errors; a 503 is retried", async () => {
    await fetch(`${sim}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/api/v2/consumption_history/**', status: 503 }),
    });
    const retried = await getJson(usageUrl('date=2026-11-27'));
    assert.equal(retried.status, 200, retried.text);

    const seed = (await (await fetch(`${sim}/__sim/seed`)).json()) as NeonSeed;
    seed.orgs.find((o) => o.id === DEFAULT_NEON_ORG_ID)!.plan = 'free_v3';
    await fetch(`${sim}/__sim/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(seed) });
    try {
      const { status, body } = await getJson(usageUrl('date=2026-11-27'));
      assert.equal(status, 403);
      assert.equal(body.truto_is_remote_error, true);
      assert.match(body.message, /not available on the free_v3 plan/);
    } finally {
      await fetch(`${sim}/__sim/reset`, { method: 'POST' });
    }
  });
});
