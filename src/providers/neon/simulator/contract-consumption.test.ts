/**
 * Contract test of the consumption route (docs/providers/neon.md §7.1, §11): the simulator's
 * real responses are validated against `getConsumptionHistoryPerProjectV2` in Neon's own OpenAPI
 * description (`@neondatabase/api-client` 2.7.3), its parameter checks against the spec's
 * parameter definitions, and Neon's own generated client is run against it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ConsumptionHistoryGranularity, createApiClient } from '@neondatabase/api-client';
import {
  CONSUMPTION_METRICS,
  DEFAULT_NEON_BIG_ORG_ID,
  DEFAULT_NEON_EXTRA_KEYS,
  DEFAULT_NEON_HIDDEN_ORG_ID,
  DEFAULT_NEON_KEYS,
  DEFAULT_NEON_ORG_ID,
  DEFAULT_NEON_PROJECT_IDS as P,
  defaultNeonSeed,
  startNeonSimulator,
  type NeonSimulator,
} from './index.ts';
import { assertValid, generalError, operation, operationParam, responseValidator, specAcceptsQueryValue, type Json } from './neon-openapi.ts';
import { simRequest, type SimResponse } from './sim-client.ts';

const OP = 'getConsumptionHistoryPerProjectV2';
const ORG = DEFAULT_NEON_ORG_ID;
const PERSONAL = DEFAULT_NEON_KEYS.personal;
const ALL_METRICS = CONSUMPTION_METRICS.join(',');
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let sim: NeonSimulator;
const seen: { what: string; res: SimResponse<Json> }[] = [];

/** `key: null` sends no Authorization header. */
async function call(query: Record<string, string>, key: string | null = PERSONAL): Promise<SimResponse<Json>> {
  const what = `GET /consumption_history/v2/projects?${new URLSearchParams(query)}`;
  const res = await simRequest<Json>(`${sim.baseUrl}/consumption_history/v2/projects?${new URLSearchParams(query)}`, { key: key ?? undefined });
  seen.push({ what, res });
  return res;
}

const daily = (extra: Record<string, string> = {}) => ({
  org_id: ORG,
  from: '2026-09-29T00:00:00Z',
  to: '2026-11-28T00:00:00Z',
  granularity: 'daily',
  metrics: ALL_METRICS,
  ...extra,
});

/** Every page of one query, each validated against the 200 schema. */
async function allPages(query: Record<string, string>, key = PERSONAL): Promise<Json[]> {
  const projects: Json[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 20; i++) {
    const res = await call({ ...query, ...(cursor ? { cursor } : {}) }, key);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assertValid(responseValidator(OP), res.body, `page ${i + 1} of ${JSON.stringify(query)}`);
    projects.push(...res.body.projects);
    cursor = res.body.pagination?.cursor;
    if (!cursor) return projects;
  }
  throw new Error('paging did not terminate');
}

describe('contract: getConsumptionHistoryPerProjectV2 against @neondatabase/api-client 2.7.3', () => {
  before(async () => {
    sim = await startNeonSimulator({ rateLimit: false });
  });
  after(async () => {
    await sim.close();
    assert.ok(seen.length > 40, `only ${seen.length} responses were checked`);
    for (const { what, res } of seen) assert.match(res.requestId ?? '', UUID_RE, `${what} lacks x-neon-ret-request-id`);
  });

  it("the operation is served at the spec's route", () => {
    const op = operation(OP);
    assert.deepEqual([op.method, op.path], ['GET', '/consumption_history/v2/projects']);
  });

  it('200s validate at every granularity, page size and key kind', async () => {
    for (const limit of ['1', '2', '10', '100']) {
      const projects = await allPages(daily({ limit }));
      assert.deepEqual(
        projects.map((p) => p.project_id),
        [P.preview, P.analytics, P.staging, P.production],
        `limit=${limit}`,
      );
    }
    await allPages({ ...daily(), granularity: 'hourly', from: '2026-11-20T00:00:00Z', to: '2026-11-27T00:00:00Z' });
    await allPages({ ...daily(), granularity: 'monthly', from: '2025-12-01T00:00:00Z', to: '2026-12-01T00:00:00Z' });
    await allPages(daily({ project_ids: `${P.production},${P.preview}`, metrics: 'compute_unit_seconds' }));
    await allPages({ ...daily(), org_id: DEFAULT_NEON_BIG_ORG_ID }, DEFAULT_NEON_EXTRA_KEYS.bigOrg);
    await allPages(daily(), DEFAULT_NEON_KEYS.org);
    // A range with no data at all still answers the projects, with no periods.
    const empty = await allPages({ ...daily(), from: '2026-12-01T00:00:00Z', to: '2026-12-05T00:00:00Z' });
    assert.ok(empty.every((p) => p.periods.length === 0));
  });

  it("the spec example's shape: past periods have period_end, the current one does not", async () => {
    const [production] = await allPages(daily({ project_ids: P.production }));
    assert.deepEqual(
      production.periods.map((p: Json) => [p.period_start, p.period_end]),
      [
        ['2026-09-01T00:00:00Z', '2026-10-01T00:00:00Z'],
        ['2026-10-01T00:00:00Z', '2026-11-01T00:00:00Z'],
        ['2026-11-01T00:00:00Z', undefined],
      ],
    );
    const tf = production.periods[2].consumption[0];
    assert.deepEqual(Object.keys(tf), ['timeframe_start', 'timeframe_end', 'metrics']);
    assert.deepEqual(
      tf.metrics.map((m: Json) => m.metric_name),
      [...CONSUMPTION_METRICS],
    );
    assert.ok(tf.metrics.every((m: Json) => Number.isSafeInteger(m.value)));
  });

  it('required parameters follow the spec: leaving any out is a 400', async () => {
    const { op } = operation(OP);
    const required = (op.parameters as Json[])
      .filter((p) => p.required)
      .map((p) => p.name)
      .sort();
    assert.deepEqual(required, ['from', 'granularity', 'metrics', 'org_id', 'to']);
    for (const name of required) {
      const query: Record<string, string> = daily();
      delete query[name];
      const res = await call(query);
      assert.equal(res.status, 400, name);
      assert.match(res.body.message, new RegExp(`${name} is required`));
    }
  });

  it("granularity and limit follow the spec's enum and bounds", async () => {
    const acceptsGranularity = specAcceptsQueryValue(OP, 'granularity');
    for (const value of ['hourly', 'daily', 'monthly', 'weekly', 'DAILY', '']) {
      // A 60-day daily range is too long for hourly (406), which still means the value decoded.
      const res = await call(daily({ granularity: value }));
      assert.equal(res.status === 400, !acceptsGranularity(value), `granularity=${value}: ${res.status}`);
    }
    const { minimum, maximum } = operationParam(OP, 'limit').schema;
    assert.deepEqual([minimum, maximum], [1, 100]);
    const acceptsLimit = specAcceptsQueryValue(OP, 'limit');
    for (const value of ['0', '1', '100', '101', '-1', '2.5', 'ten']) {
      const res = await call(daily({ limit: value }));
      assert.equal(res.status, acceptsLimit(value) ? 200 : 400, `limit=${value}`);
    }
  });

  it('org_id follows the spec pattern; project_ids take CSV or repeated values, at most 100', async () => {
    const pattern = new RegExp(operationParam(OP, 'org_id').schema.pattern);
    for (const orgId of [ORG, 'Upper-Case', 'under_score', 'a'.repeat(61)]) {
      const res = await call(daily({ org_id: orgId }));
      assert.equal(res.status === 400, !pattern.test(orgId), orgId);
    }
    assert.equal(operationParam(OP, 'project_ids').schema.maxItems, 100);
    const repeated = await simRequest<Json>(
      `${sim.baseUrl}/consumption_history/v2/projects?${new URLSearchParams(daily())}&project_ids=${P.staging}&project_ids=${P.analytics}`,
      { key: PERSONAL },
    );
    seen.push({ what: 'repeated project_ids', res: repeated });
    assert.deepEqual(repeated.body.projects.map((p: Json) => p.project_id).sort(), [P.analytics, P.staging]);
    const tooMany = await call(daily({ project_ids: Array.from({ length: 101 }, (_, i) => `p-${i}`).join(',') }));
    assert.equal(tooMany.status, 400);
  });

  it('documented error statuses carry GeneralError bodies: 400, 401, 403, 404, 406, 429', async () => {
    const notEligible = structuredClone(defaultNeonSeed());
    notEligible.orgs.find((o) => o.id === ORG)!.plan = 'free_v3';
    const errors: [string, SimResponse<Json>][] = [
      ['400', await call(daily({ metrics: 'cpu_seconds' }))],
      ['401', await call(daily(), null)],
      ['404', await call(daily({ org_id: DEFAULT_NEON_HIDDEN_ORG_ID }))],
      ['404', await call(daily(), DEFAULT_NEON_KEYS.project)],
      ['406', await call(daily({ from: '2026-09-28T00:00:00Z' }))],
      ['406', await call({ ...daily(), granularity: 'hourly', from: '2026-11-20T00:00:00Z', to: '2026-11-27T01:00:00Z' })],
    ];
    sim.injectFault({ path: '/api/v2/consumption_history/v2/projects', status: 429 });
    errors.push(['429', await call(daily())]);
    sim.loadSeed(notEligible);
    try {
      errors.push(['403', await call(daily())]);
    } finally {
      sim.reset();
    }
    for (const [status, res] of errors) {
      assert.equal(String(res.status), status, JSON.stringify(res.body));
      assertValid(generalError, res.body, `error ${status}`);
      if (['403', '404', '406', '429'].includes(status)) assertValid(responseValidator(OP, status), res.body, `documented ${status}`);
      assert.equal(res.body.code, '');
    }
  });

  it("Neon's own client reads every page through pagination.cursor, arrays sent as CSV", async () => {
    const api = createApiClient({ apiKey: PERSONAL, baseURL: sim.baseUrl });
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const res = await api.getConsumptionHistoryPerProjectV2({
        org_id: ORG,
        from: '2026-10-29T00:00:00Z',
        to: '2026-11-28T00:00:00Z',
        granularity: ConsumptionHistoryGranularity.Daily,
        metrics: ['compute_unit_seconds', 'public_network_transfer_bytes'],
        limit: 3,
        cursor,
      });
      assert.equal(res.status, 200);
      assertValid(responseValidator(OP), res.data, 'client page');
      for (const p of res.data.projects) {
        ids.push(p.project_id);
        for (const period of p.periods) for (const tf of period.consumption) assert.equal(tf.metrics?.length, 2);
      }
      cursor = res.data.pagination?.cursor;
    } while (cursor);
    assert.deepEqual(ids, [P.preview, P.analytics, P.staging, P.production]);
    const log = sim.requests().filter((r) => r.path.endsWith('/consumption_history/v2/projects') && r.query.limit === '3');
    assert.equal(log.length, 2);
    assert.equal(log[0].query.metrics, 'compute_unit_seconds,public_network_transfer_bytes');
  });
});
