/**
 * Contract test: the simulator against Datadog's official client, `@datadog/datadog-api-client@1.64.0`
 * (docs/providers/sources-additions.md §2.10), pointed at it with `baseServer`. The client's
 * ObjectSerializer turns every response into its generated models; it does not throw on drift but
 * marks it (an enum value it does not know becomes an UnparsedObject and sets `_unparsed`, a field
 * it does not model lands in `additionalProperties`). So every response here must deserialize with
 * no `_unparsed` and no `additionalProperties` anywhere, and its errors must be the client's
 * APIErrorResponse. When the client is bumped, this is what tells us we drifted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, v1, v2 } from '@datadog/datadog-api-client';
import { DEFAULT_DATADOG_KEYS as K, DEFAULT_DATADOG_ORGS as O, MESSAGES, startDatadogSimulator, type DatadogSimulator } from './index.ts';

for (const name of ['DD_API_KEY', 'DD_APP_KEY', 'DD_SITE']) delete process.env[name];

let sim: DatadogSimulator;
const NOW = Date.parse('2026-11-29T16:00:00Z');

function configure(apiKey: string, appKey: string, origin = sim.origin) {
  return client.createConfiguration({ baseServer: new client.ServerConfiguration(origin, {}), authMethods: { apiKeyAuth: apiKey, appKeyAuth: appKey } });
}
const usageApi = (apiKey: string = K.api, appKey: string = K.app) => new v2.UsageMeteringApi(configure(apiKey, appKey));

/** Every model the client built is fully parsed: no unknown enum values, no unmodelled fields. */
function assertClean(value: unknown, path = '$'): void {
  if (value === null || typeof value !== 'object' || value instanceof Date) return;
  assert.notEqual(value.constructor?.name, 'UnparsedObject', `${path} did not parse: ${JSON.stringify((value as any)._data)}`);
  const obj = value as Record<string, unknown>;
  assert.notEqual(obj._unparsed, true, `${path} has unparsed parts`);
  assert.equal(obj.additionalProperties, undefined, `${path} has fields the client does not model: ${JSON.stringify(obj.additionalProperties)}`);
  for (const [k, v] of Object.entries(obj)) assertClean(v, Array.isArray(obj) ? `${path}[${k}]` : `${path}.${k}`);
}

async function apiError(promise: Promise<unknown>): Promise<{ code: number; body: any }> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof client.ApiException, `expected an ApiException, got ${String(err)}`);
    return { code: (err as client.ApiException<unknown>).code, body: (err as client.ApiException<any>).body };
  }
  assert.fail('expected the call to fail');
}

before(async () => {
  sim = await startDatadogSimulator({ rateLimits: false, now: () => NOW });
});
after(async () => {
  await sim?.close();
});

describe('the drift check itself', () => {
  it('flags an unknown enum value and an unmodelled field', () => {
    const drifted = v2.ObjectSerializer.deserialize(
      { data: [{ id: 'x', type: 'usage_series', attributes: { org_name: 'o', surprise: 1 } }] },
      'HourlyUsageResponse',
    );
    assert.throws(() => assertClean(drifted), /did not parse|unparsed/);
    const extra = v2.ObjectSerializer.deserialize({ data: [{ id: 'x', type: 'usage_timeseries', attributes: { surprise: 1 } }] }, 'HourlyUsageResponse');
    assert.throws(() => assertClean(extra), /does not model/);
  });
});

describe('datadog simulator against @datadog/datadog-api-client@1.64.0: hourly usage', () => {
  it('getHourlyUsage walks a day of the whole account by page[next_record_id], every record a clean HourlyUsage', async () => {
    const api = usageApi();
    const seen = new Set<string>();
    let next: string | undefined;
    let pages = 0;
    do {
      const res = await api.getHourlyUsage({
        filterTimestampStart: new Date('2026-11-01T00:00:00Z'),
        filterTimestampEnd: new Date('2026-11-02T00:00:00Z'),
        filterProductFamilies: 'all',
        filterIncludeDescendants: true,
        pageLimit: 100,
        pageNextRecordId: next,
      });
      assertClean(res);
      pages++;
      for (const r of res.data ?? []) {
        assert.equal(r.type, 'usage_timeseries');
        assert.ok(r.attributes!.timestamp instanceof Date);
        assert.match(r.id!, /^[0-9a-f]{64}$/);
        for (const m of r.attributes!.measurements!) assert.ok(m.value === null || Number.isInteger(m.value), `${m.usageType}: ${m.value}`);
        assert.ok(!seen.has(r.id!), 'a record came twice');
        seen.add(r.id!);
      }
      next = res.meta?.pagination?.nextRecordId ?? undefined;
    } while (next);
    assert.equal(seen.size, 3 * 6 * 24, 'three orgs × six product families × 24 hours');
    assert.equal(pages, Math.ceil(seen.size / 100));
  });

  it('one org and one family; the client serialises Dates as RFC 3339 and the hour is what counts', async () => {
    const res = await usageApi().getHourlyUsage({
      filterTimestampStart: new Date('2026-11-10T05:59:59Z'),
      filterTimestampEnd: new Date('2026-11-10T08:00:00Z'),
      filterProductFamilies: 'infra_hosts',
      filterVersions: 'infra_hosts:1.0.0',
    });
    assertClean(res);
    assert.deepEqual(
      res.data!.map((r) => [r.attributes!.publicId, r.attributes!.productFamily, r.attributes!.timestamp!.toISOString()]),
      [
        [O.parent.public_id, 'infra_hosts', '2026-11-10T05:00:00.000Z'],
        [O.parent.public_id, 'infra_hosts', '2026-11-10T06:00:00.000Z'],
        [O.parent.public_id, 'infra_hosts', '2026-11-10T07:00:00.000Z'],
      ],
    );
    assert.equal(res.meta!.pagination!.nextRecordId, null);
  });

  it("a start after the end is a 400 APIErrorResponse with Datadog's message", async () => {
    const err = await apiError(
      usageApi().getHourlyUsage({
        filterTimestampStart: new Date('2026-11-03T00:00:00Z'),
        filterTimestampEnd: new Date('2026-11-01T00:00:00Z'),
        filterProductFamilies: 'infra_hosts',
      }),
    );
    assert.equal(err.code, 400);
    assert.deepEqual(err.body.errors, [MESSAGES.hourOrder]);
  });
});

describe('datadog simulator against @datadog/datadog-api-client@1.64.0: cost', () => {
  const check = (res: v2.CostByOrgResponse, orgs: string[]) => {
    assertClean(res);
    assert.ok(res.data!.length > 0);
    for (const r of res.data!) {
      assert.equal(r.type, 'cost_by_org');
      assert.ok(orgs.includes(r.attributes!.publicId!));
      assert.ok(r.attributes!.date instanceof Date);
      assert.deepEqual([...new Set(r.attributes!.charges!.map((c) => c.chargeType))], ['committed', 'on_demand', 'total']);
      const totals = r.attributes!.charges!.filter((c) => c.chargeType === 'total').reduce((s, c) => s + Math.round(c.cost! * 1e6), 0);
      assert.equal(totals, Math.round(r.attributes!.totalCost! * 1e6), 'total_cost is the sum of the total charges');
    }
  };
  const all = [O.parent.public_id, O.production.public_id, O.staging.public_id];

  it('getHistoricalCostByOrg: sub-org and summary views', async () => {
    const subOrg = await usageApi().getHistoricalCostByOrg({
      startMonth: new Date('2026-08-01T00:00:00Z'),
      endMonth: new Date('2026-11-01T00:00:00Z'),
      view: 'sub-org',
    });
    check(subOrg, all);
    assert.deepEqual([...new Set(subOrg.data!.map((r) => r.attributes!.date!.toISOString().slice(0, 7)))], ['2026-08', '2026-09', '2026-10']);
    const summary = await usageApi().getHistoricalCostByOrg({ startMonth: new Date('2026-09-01T00:00:00Z'), view: 'summary' });
    check(summary, [O.parent.public_id]);
  });

  it('getCostByOrg (deprecated) answers per org', async () => {
    check(await usageApi().getCostByOrg({ startMonth: new Date('2026-09-01T00:00:00Z'), endMonth: new Date('2026-09-01T00:00:00Z') }), all);
  });

  it('getEstimatedCostByOrg by month, by day and cumulatively by day', async () => {
    check(await usageApi().getEstimatedCostByOrg({ view: 'sub-org', startMonth: new Date('2026-10-01T00:00:00Z') }), all);
    const days = await usageApi().getEstimatedCostByOrg({
      view: 'summary',
      startDate: new Date('2026-11-20T00:00:00Z'),
      endDate: new Date('2026-11-26T00:00:00Z'),
    });
    check(days, [O.parent.public_id]);
    assert.equal(days.data!.length, 7);
    const cumulative = await usageApi().getEstimatedCostByOrg({ view: 'summary', startDate: new Date('2026-11-20T00:00:00Z'), costAggregation: 'cumulative' });
    check(cumulative, [O.parent.public_id]);
  });

  it("getBillingDimensionMapping: every view parses, statuses within the client's enum", async () => {
    for (const filterView of ['active', 'all']) {
      const res = await usageApi().getBillingDimensionMapping({ filterView, filterMonth: new Date('2026-11-01T00:00:00Z') });
      assertClean(res);
      for (const d of res.data!) {
        assert.equal(d.type, 'billing_dimensions');
        assert.ok(d.attributes!.timestamp instanceof Date);
      }
      assert.equal(res.data!.length, filterView === 'active' ? 10 : 12);
    }
  });
});

describe('datadog simulator against @datadog/datadog-api-client@1.64.0: organizations and errors', () => {
  it('v1 listOrgs and getOrg parse cleanly: the parent and its two child orgs', async () => {
    const orgs = new v1.OrganizationsApi(configure(K.api, K.app));
    const list = await orgs.listOrgs();
    assertClean(list);
    assert.deepEqual(
      list.orgs!.map((o) => o.publicId),
      [O.parent.public_id, O.production.public_id, O.staging.public_id],
    );
    const one = await orgs.getOrg({ publicId: O.staging.public_id });
    assertClean(one);
    assert.equal(one.org!.name, O.staging.name);
    const auth = new v1.AuthenticationApi(configure(K.api, 'not-needed'));
    assert.equal((await auth.validate()).valid, true);
  });

  it('a bad API key, a bad application key and a revoked key are 403 {"errors":["Forbidden"]}', async () => {
    for (const [apiKey, appKey] of [
      ['0'.repeat(32), K.app],
      [K.api, '0'.repeat(40)],
      [K.revokedApi, K.app],
      [K.api, K.childApp],
    ]) {
      const err = await apiError(
        usageApi(apiKey, appKey).getHourlyUsage({ filterTimestampStart: new Date('2026-11-01T00:00:00Z'), filterProductFamilies: 'logs' }),
      );
      assert.equal(err.code, 403);
      assert.deepEqual(err.body.errors, ['Forbidden']);
      assert.equal(err.body.constructor.name, 'APIErrorResponse');
    }
    const err = await apiError(new v1.OrganizationsApi(configure('f'.repeat(32), K.app)).listOrgs());
    assert.equal(err.code, 403);
  });

  it("an application key without billing_read is refused cost (403); a child org's keys get the non-parent 400", async () => {
    const scoped = await apiError(usageApi(K.api, K.scopedApp).getHistoricalCostByOrg({ startMonth: new Date('2026-09-01T00:00:00Z') }));
    assert.equal(scoped.code, 403);
    const child = await apiError(usageApi(K.childApi, K.childApp).getEstimatedCostByOrg({ view: 'sub-org' }));
    assert.equal(child.code, 400);
    assert.deepEqual(child.body.errors, [MESSAGES.nonParent]);
    // billing_dimension_mapping answers this one in JSON:API form, which APIErrorResponse cannot hold.
    const mapping = await apiError(usageApi(K.childApi, K.childApp).getBillingDimensionMapping({}));
    assert.equal(mapping.code, 400);
    assert.equal(mapping.body.errors[0].detail, MESSAGES.nonParent);
    const hourly = await usageApi(K.childApi, K.childApp).getHourlyUsage({
      filterTimestampStart: new Date('2026-11-01T00:00:00Z'),
      filterTimestampEnd: new Date('2026-11-01T01:00:00Z'),
      filterProductFamilies: 'rum',
    });
    assert.deepEqual(
      hourly.data!.map((r) => r.attributes!.publicId),
      [O.production.public_id],
      'hourly usage serves any org its own usage',
    );
  });

  it('past the rate limit: 429 APIErrorResponse (the headers are checked in simulator.test.ts)', async () => {
    const limited = await startDatadogSimulator({ now: () => NOW });
    try {
      const api = new v2.UsageMeteringApi(configure(K.api, K.app, limited.origin));
      for (let i = 0; i < 60; i++) await api.getHistoricalCostByOrg({ startMonth: new Date('2026-10-01T00:00:00Z') });
      const err = await apiError(api.getHistoricalCostByOrg({ startMonth: new Date('2026-10-01T00:00:00Z') }));
      assert.equal(err.code, 429);
      assert.deepEqual(err.body.errors, [MESSAGES.rateLimited]);
      const last = limited.requests().at(-1)!;
      assert.equal(last.status, 429);
    } finally {
      await limited.close();
    }
  });
});
