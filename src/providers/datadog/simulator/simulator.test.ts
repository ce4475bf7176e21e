/**
 * The Datadog simulator's own behaviour (README.md in this folder): the key gate and its order,
 * hourly usage parameters and paging, cost parameters, the billing-dimension mapping, the v1
 * organization routes, rate-limit headers and 429s, the /__sim hooks, seed validation and the
 * `npm run simulator -- datadog` command. That its numbers add up is simulator-costs.test.ts;
 * compatibility with Datadog's client is contract.test.ts.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  DATADOG_BUCKETS,
  DEFAULT_DATADOG_KEYS as K,
  DEFAULT_DATADOG_ORGS as O,
  InvalidSeedError,
  MESSAGES,
  defaultDatadogSeed,
  parseDatadogSeed,
  startDatadogSimulator,
  type DatadogSeedInput,
  type DatadogSimulator,
} from './index.ts';
import { assertDatadogError, get, hook, hourlyQuery } from './simulator-test-kit.ts';

let sim: DatadogSimulator;
const NOW = Date.parse('2026-11-29T16:00:00Z');
const day = { 'filter[timestamp][start]': '2026-11-10T00', 'filter[timestamp][end]': '2026-11-11T00' };

before(async () => {
  sim = await startDatadogSimulator({ rateLimits: false, now: () => NOW });
});
after(async () => {
  await sim?.close();
});

describe('datadog simulator: keys', () => {
  const route = hourlyQuery({ ...day, 'filter[product_families]': 'logs' });

  it('no key, an unknown or revoked API key, a missing or foreign application key: 403 {"errors":["Forbidden"]}', async () => {
    for (const opts of [
      { apiKey: null },
      { apiKey: '0'.repeat(32) },
      { apiKey: K.revokedApi },
      { appKey: null },
      { appKey: '1'.repeat(40) },
      { appKey: K.childApp },
      { apiKey: K.childApi },
    ]) {
      assertDatadogError(await get(sim, route, opts), 403, 'Forbidden');
    }
    assert.equal((await get(sim, route, { apiKey: K.childApi, appKey: K.childApp })).status, 200);
  });

  it('GET /api/v1/validate checks the API key alone', async () => {
    assert.deepEqual((await get(sim, '/api/v1/validate', { appKey: null })).body, { valid: true });
    assertDatadogError(await get(sim, '/api/v1/validate', { apiKey: K.revokedApi, appKey: null }), 403, 'Forbidden');
  });

  it('a key scoped to usage_read reads usage but not cost; a child org is refused parent-only routes with 400', async () => {
    assert.equal((await get(sim, route, { appKey: K.scopedApp })).status, 200);
    assertDatadogError(await get(sim, '/api/v2/usage/historical_cost?start_month=2026-10', { appKey: K.scopedApp }), 403, 'Forbidden');
    const child = { apiKey: K.childApi, appKey: K.childApp };
    assertDatadogError(await get(sim, '/api/v2/usage/estimated_cost', child), 400, MESSAGES.nonParent);
    const mapping = await get(sim, '/api/v2/usage/billing_dimension_mapping', child);
    assert.equal(mapping.status, 400);
    assert.equal(mapping.headers.get('content-type'), 'application/vnd.api+json');
    assert.deepEqual(mapping.body.errors[0], {
      id: null,
      links: null,
      status: '400',
      code: null,
      title: 'Bad Request',
      detail: MESSAGES.nonParent,
      source: null,
      meta: null,
    });
  });
});

describe('datadog simulator: hourly usage', () => {
  it('one record per org, family and hour of the window, ordered by org, family, hour; 64-hex ids; +00:00 timestamps', async () => {
    const res = await get(sim, hourlyQuery({ ...day, 'filter[product_families]': 'infra_hosts,logs', 'filter[include_descendants]': true }));
    assert.equal(res.body.data.length, 3 * 2 * 24);
    const keys = res.body.data.map((r: any) => `${r.attributes.public_id}|${r.attributes.product_family}|${r.attributes.timestamp}`);
    assert.equal(keys[0], `${O.parent.public_id}|infra_hosts|2026-11-10T00:00:00+00:00`);
    assert.equal(keys[24], `${O.parent.public_id}|logs|2026-11-10T00:00:00+00:00`);
    assert.equal(keys[48], `${O.production.public_id}|infra_hosts|2026-11-10T00:00:00+00:00`);
    assert.equal(new Set(res.body.data.map((r: any) => r.id)).size, keys.length);
    assert.ok(res.body.data.every((r: any) => /^[0-9a-f]{64}$/.test(r.id) && r.type === 'usage_timeseries' && r.attributes.region === 'us'));
    assert.deepEqual(res.body.meta, { pagination: { next_record_id: null } });
    const parentInfra = res.body.data[0].attributes.measurements;
    assert.deepEqual(
      parentInfra.map((m: any) => m.usage_type),
      ['host_count', 'apm_host_count', 'container_count'],
    );
    assert.equal(parentInfra[2].value, null, 'the parent has no container meter');
  });

  it('without include_descendants a parent reads its own org; `all` covers every seeded family; the end defaults to now', async () => {
    const own = await get(sim, hourlyQuery({ ...day, 'filter[product_families]': 'all' }));
    assert.deepEqual([...new Set(own.body.data.map((r: any) => r.attributes.public_id))], [O.parent.public_id]);
    assert.deepEqual(
      [...new Set(own.body.data.map((r: any) => r.attributes.product_family))],
      ['infra_hosts', 'logs', 'indexed_spans', 'ingested_spans', 'llm_observability', 'rum'],
    );
    const open = await get(sim, hourlyQuery({ 'filter[timestamp][start]': '2026-11-27T20', 'filter[product_families]': 'rum' }));
    assert.deepEqual(
      open.body.data.map((r: any) => r.attributes.timestamp.slice(11, 13)),
      ['20', '21', '22', '23'],
      'nothing after the seeded data',
    );
    const unseeded = await get(sim, hourlyQuery({ ...day, 'filter[product_families]': 'synthetics_api' }));
    assert.deepEqual(unseeded.body.data, []);
  });

  it('page[limit] pages by next_record_id to the same records, in the same order', async () => {
    const q = { ...day, 'filter[product_families]': 'all', 'filter[include_descendants]': true };
    const whole = (await get(sim, hourlyQuery(q))).body.data.map((r: any) => r.id);
    const paged: string[] = [];
    let next: string | null = null;
    do {
      const res: any = await get(sim, hourlyQuery({ ...q, 'page[limit]': 77, ...(next ? { 'page[next_record_id]': next } : {}) }));
      assert.ok(res.body.data.length <= 77);
      paged.push(...res.body.data.map((r: any) => r.id));
      next = res.body.meta.pagination.next_record_id;
      if (next) assert.equal(next, whole[paged.length], "next_record_id is the next page's first record");
    } while (next);
    assert.deepEqual(paged, whole);
    assertDatadogError(await get(sim, hourlyQuery({ ...q, 'page[next_record_id]': 'f'.repeat(64) })), 400, MESSAGES.recordId);
  });

  it('refuses what Datadog refuses, with a 400 naming it', async () => {
    const fam = { 'filter[product_families]': 'logs' };
    assertDatadogError(await get(sim, hourlyQuery(fam)), 400, MESSAGES.required('filter[timestamp][start]'));
    assertDatadogError(await get(sim, hourlyQuery(day)), 400, MESSAGES.required('filter[product_families]'));
    assertDatadogError(
      await get(sim, hourlyQuery({ ...fam, 'filter[timestamp][start]': '2026-11-10T05', 'filter[timestamp][end]': '2026-11-10T05' })),
      400,
      MESSAGES.hourOrder,
    );
    assertDatadogError(await get(sim, hourlyQuery({ ...fam, 'filter[timestamp][start]': 'yesterday' })), 400, MESSAGES.invalidHour('filter[timestamp][start]'));
    assertDatadogError(await get(sim, hourlyQuery({ ...day, 'filter[product_families]': 'logs,apm' })), 400, MESSAGES.family('apm'));
    assertDatadogError(await get(sim, hourlyQuery({ ...day, ...fam, 'filter[versions]': 'logs:2.0.0' })), 400, /filter\[versions\]/);
    assertDatadogError(
      await get(sim, hourlyQuery({ ...day, ...fam, 'filter[include_descendants]': 'yes' })),
      400,
      MESSAGES.boolean('filter[include_descendants]'),
    );
    for (const limit of ['0', '501', 'ten']) assertDatadogError(await get(sim, hourlyQuery({ ...day, ...fam, 'page[limit]': limit })), 400, MESSAGES.pageLimit);
  });

  it('24 hours at most across orgs, two months for one org', async () => {
    const fam = { 'filter[product_families]': 'logs' };
    const wide = { 'filter[timestamp][start]': '2026-11-10T00', 'filter[timestamp][end]': '2026-11-11T01' };
    assertDatadogError(await get(sim, hourlyQuery({ ...fam, ...wide, 'filter[include_descendants]': true })), 400, /24 hours/);
    assert.equal((await get(sim, hourlyQuery({ ...fam, ...wide }))).status, 200);
    assert.equal((await get(sim, hourlyQuery({ ...fam, 'filter[timestamp][start]': '2026-09-01T00', 'filter[timestamp][end]': '2026-11-01T00' }))).status, 200);
    assertDatadogError(
      await get(sim, hourlyQuery({ ...fam, 'filter[timestamp][start]': '2026-09-01T00', 'filter[timestamp][end]': '2026-11-01T01' })),
      400,
      /two months/,
    );
  });
});

describe('datadog simulator: cost parameters, billing dimensions, organizations', () => {
  it('cost parameters', async () => {
    assertDatadogError(await get(sim, '/api/v2/usage/historical_cost'), 400, MESSAGES.required('start_month'));
    assertDatadogError(await get(sim, '/api/v2/usage/historical_cost?start_month=2026-10&end_month=2026-09'), 400, MESSAGES.monthOrder);
    assertDatadogError(await get(sim, '/api/v2/usage/historical_cost?start_month=2026-10&view=org'), 400, MESSAGES.view('org'));
    assertDatadogError(await get(sim, '/api/v2/usage/estimated_cost?start_month=2026-11&start_date=2026-11-02'), 400, MESSAGES.bothStarts);
    assertDatadogError(await get(sim, '/api/v2/usage/estimated_cost?start_month=2026-08'), 400, MESSAGES.estimateTooOld('start_month'));
    assertDatadogError(await get(sim, '/api/v2/usage/estimated_cost?start_date=2026-11-02&cost_aggregation=daily'), 400, MESSAGES.aggregation('daily'));
    const withoutMonth = await get(sim, '/api/v2/usage/estimated_cost');
    assert.deepEqual(
      withoutMonth.body.data.map((r: any) => r.attributes.date),
      ['2026-11-01T00:00:00+00:00'],
      'the current month, parent summary',
    );
    // Month parameters at any precision the client or a person sends.
    for (const m of ['2026-10', '2026-10-01', '2026-10-17T09:30:00Z', '2026-10-17T09:30:00.123Z']) {
      const res = await get(sim, `/api/v2/usage/historical_cost?start_month=${encodeURIComponent(m)}&end_month=2026-10`);
      assert.equal(res.body.data[0].attributes.date, '2026-10-01T00:00:00+00:00', m);
    }
  });

  it('billing_dimension_mapping: active (default) lists the contract, all adds the rest with NOT_FOUND', async () => {
    const active = await get(sim, '/api/v2/usage/billing_dimension_mapping');
    assert.equal(active.body.data.length, 10);
    assert.deepEqual(active.body.data[0], {
      id: 'infra_host',
      type: 'billing_dimensions',
      attributes: {
        in_app_label: 'Infra Hosts',
        timestamp: '2026-11-01T00:00:00+00:00',
        endpoints: [{ id: 'api/v2/usage/hourly_usage', keys: ['infra_hosts.host_count'], status: 'OK' }],
      },
    });
    const all = await get(sim, '/api/v2/usage/billing_dimension_mapping?filter[view]=all&filter[month]=2026-09-01T00:00:00Z');
    assert.equal(all.body.data.length, 12);
    assert.deepEqual(all.body.data.at(-1).attributes.endpoints, [{ id: 'api/v2/usage/hourly_usage', keys: [], status: 'NOT_FOUND' }]);
    assert.equal(all.body.data[0].attributes.timestamp, '2026-09-01T00:00:00+00:00');
    const bad = await get(sim, '/api/v2/usage/billing_dimension_mapping?filter[view]=some');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0].detail, MESSAGES.filterView('some'));
  });

  it('GET /api/v1/org lists the parent and its child orgs to the parent, a child org only itself', async () => {
    const parent = await get(sim, '/api/v1/org');
    assert.deepEqual(
      parent.body.orgs.map((o: any) => [o.public_id, o.name, o.created]),
      [
        [O.parent.public_id, O.parent.name, '2023-02-14 09:30:00'],
        [O.production.public_id, O.production.name, '2023-02-14 09:41:12'],
        [O.staging.public_id, O.staging.name, '2024-06-03 15:02:45'],
      ],
    );
    const child = { apiKey: K.childApi, appKey: K.childApp };
    assert.deepEqual(
      (await get(sim, '/api/v1/org', child)).body.orgs.map((o: any) => o.public_id),
      [O.production.public_id],
    );
    assert.equal((await get(sim, `/api/v1/org/${O.staging.public_id}`)).body.org.name, O.staging.name);
    assertDatadogError(await get(sim, `/api/v1/org/${O.staging.public_id}`, child), 404, MESSAGES.notFound);
    assertDatadogError(await get(sim, '/api/v1/org/zzzzzzzzzzzzzzzz'), 404, MESSAGES.notFound);
  });
});

describe('datadog simulator: rate limits', () => {
  it('X-RateLimit-* on every response of a limited route; calendar-aligned windows per org and bucket; 429 past the limit', async () => {
    let now = Date.parse('2026-11-29T16:00:45Z');
    const limited = await startDatadogSimulator({ now: () => now });
    try {
      const q = hourlyQuery({ ...day, 'filter[product_families]': 'rum' });
      const first = await get(limited, q);
      assert.deepEqual(
        ['limit', 'period', 'remaining', 'reset', 'name'].map((h) => first.headers.get(`x-ratelimit-${h}`)),
        [String(DATADOG_BUCKETS.hourly.limit), '60', String(DATADOG_BUCKETS.hourly.limit - 1), '15', DATADOG_BUCKETS.hourly.name],
      );
      for (let i = 1; i < DATADOG_BUCKETS.hourly.limit; i++) assert.equal((await get(limited, q)).status, 200);
      const refused = await get(limited, q);
      assertDatadogError(refused, 429, MESSAGES.rateLimited);
      assert.equal(refused.headers.get('x-ratelimit-remaining'), '0');
      // Another bucket and another org still have room; the next minute starts afresh.
      assert.equal((await get(limited, '/api/v1/org')).status, 200);
      assert.equal((await get(limited, q, { apiKey: K.childApi, appKey: K.childApp })).status, 200);
      now = Date.parse('2026-11-29T16:01:00Z');
      const fresh = await get(limited, q);
      assert.equal(fresh.status, 200);
      assert.equal(fresh.headers.get('x-ratelimit-reset'), '60');
    } finally {
      await limited.close();
    }
  });
});

describe('datadog simulator: hooks and seeds', () => {
  it("faults answer in Datadog's error shape; reset restores the seed; a seed can be replaced and read back", async () => {
    await hook(sim, 'POST', '/faults', { path: '/api/v2/usage/hourly_usage', status: 503, count: 1 });
    assertDatadogError(await get(sim, hourlyQuery({ ...day, 'filter[product_families]': 'logs' })), 503, 'simulated failure (HTTP 503)');
    const small: DatadogSeedInput = { ...defaultDatadogSeed(), days: 2 };
    assert.equal((await hook(sim, 'POST', '/seed', small)).status, 200);
    const res = await get(
      sim,
      hourlyQuery({ 'filter[timestamp][start]': '2026-11-20T00', 'filter[timestamp][end]': '2026-11-28T00', 'filter[product_families]': 'logs' }),
    );
    assert.equal(res.body.data.length, 48, 'two days of data');
    assert.deepEqual((await hook(sim, 'GET', '/seed')).body, parseDatadogSeed(small));
    assert.equal((await hook(sim, 'POST', '/seed', { ...small, days: 0 })).status, 400);
    await hook(sim, 'POST', '/reset');
    assert.deepEqual((await hook(sim, 'GET', '/seed')).body, parseDatadogSeed(defaultDatadogSeed()));
  });

  it('the same seed gives the same numbers byte for byte', async () => {
    const other = await startDatadogSimulator({ rateLimits: false, now: () => NOW });
    try {
      const q = hourlyQuery({ ...day, 'filter[product_families]': 'all', 'filter[include_descendants]': true });
      assert.deepEqual((await get(other, q)).body, (await get(sim, q)).body);
    } finally {
      await other.close();
    }
  });

  it('seed validation names the path', () => {
    const bad = (change: (s: any) => void, message: RegExp) => {
      const s = structuredClone(defaultDatadogSeed()) as any;
      change(s);
      assert.throws(
        () => parseDatadogSeed(s),
        (err: unknown) => err instanceof InvalidSeedError && message.test((err as Error).message),
      );
    };
    bad((s) => (s.orgs[1].parent = null), /exactly one parent-level organization/);
    bad((s) => (s.api_keys[0].key = 'abc'), /api_keys\.0\.key: must be 32 lower-case hex/);
    bad((s) => (s.app_keys[0].org = 'zzzzzzzzzzzzzzzz'), /app_keys\.0\.org: unknown org/);
    bad((s) => s.series.push({ ...s.series[0] }), /duplicate series/);
    bad((s) => (s.series[0].product_family = 'apm'), /series\.0\.product_family/);
    bad((s) => (s.dimensions[0].price = null), /dimensions\.0\.price: a metered dimension needs a price/);
    bad((s) => (s.dimensions[1].usage_type = 'host_count'), /already meters another dimension/);
    bad((s) => (s.clock = '2026-11-28T05:00:00Z'), /clock: must be a whole UTC day/);
  });

  it('`node --import tsx src/simulator-kit/cli.ts datadog --port 0 --quiet` starts and prints its URL and keys', async () => {
    const main = fileURLToPath(new URL('../../../simulator-kit/cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', main, 'datadog', '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    try {
      const baseUrl = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 20_000);
        child.stdout.on('data', (chunk: string) => {
          out += chunk;
          const m = /listening: (http:\/\/\S+)/.exec(out);
          if (m && out.includes(K.app)) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
      });
      const res = await fetch(`${baseUrl}/api/v1/org`, { headers: { 'DD-API-KEY': K.api, 'DD-APPLICATION-KEY': K.app } });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { orgs: { name: string }[] }).orgs[0].name, O.parent.name);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
