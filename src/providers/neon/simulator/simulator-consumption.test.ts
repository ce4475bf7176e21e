/**
 * The consumption route's own behaviour (docs/providers/neon.md §4, §6, §7.1): the default
 * seed, paging, filters, the order of checks, the range rules per granularity, the 30-per-minute
 * bucket, and that every granularity reports the same totals as the seed's days.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CONSUMPTION_DAYS,
  CONSUMPTION_FIRST_DAY,
  CONSUMPTION_LAST_DAY,
  CONSUMPTION_METRICS,
  DEFAULT_NEON_BIG_ORG_ID,
  DEFAULT_NEON_EXTRA_KEYS,
  DEFAULT_NEON_HIDDEN_ORG_ID,
  DEFAULT_NEON_PROJECT_IDS as P,
  defaultNeonSeed,
  generateNeonSeed,
  parseNeonSeed,
  periodId,
  startNeonSimulator,
  type NeonSeed,
  type NeonSimulator,
} from './index.ts';
import { simRequest } from './sim-client.ts';
import { assertNeonError, NON_ADMIN, ORG, ORG_KEY, PERSONAL, PROJECT } from './simulator-test-kit.ts';

type Json = Record<string, any>;
const ALL = CONSUMPTION_METRICS.join(',');
const seed = parseNeonSeed(defaultNeonSeed());

let sim: NeonSimulator;
const get = (query: Record<string, string>, key: string | undefined = PERSONAL) =>
  simRequest<Json>(`${sim.baseUrl}/consumption_history/v2/projects?${new URLSearchParams(query)}`, { key });
const q = (extra: Record<string, string> = {}) => ({
  org_id: ORG,
  from: '2026-09-29T00:00:00Z',
  to: '2026-11-28T00:00:00Z',
  granularity: 'daily',
  metrics: ALL,
  limit: '100',
  ...extra,
});

/** Sum of each metric per project of the example org over the seed's days in [fromDay, toDay); zeros left out. */
function seedTotals(s: NeonSeed, fromDay: string, toDay: string): Map<string, number> {
  const ours = new Set(s.projects.filter((p) => p.org_id === ORG).map((p) => p.id));
  const totals = new Map<string, number>();
  for (const c of s.consumption) {
    if (c.date < fromDay || c.date >= toDay || !ours.has(c.project_id)) continue;
    for (const [metric, value] of Object.entries(c.metrics))
      if (value) totals.set(`${c.project_id}/${metric}`, (totals.get(`${c.project_id}/${metric}`) ?? 0) + value);
  }
  return totals;
}

/** Sum of one metric per project over every timeframe of an answer. */
function answerTotals(projects: Json[]): Map<string, number> {
  const totals = new Map<string, number>();
  for (const p of projects) {
    for (const period of p.periods) {
      for (const tf of period.consumption) {
        for (const m of tf.metrics)
          if (m.value) totals.set(`${p.project_id}/${m.metric_name}`, (totals.get(`${p.project_id}/${m.metric_name}`) ?? 0) + m.value);
      }
    }
  }
  return totals;
}

before(async () => {
  sim = await startNeonSimulator({ rateLimit: false });
});
after(() => sim.close());

describe('neon simulator: consumption seed (default-consumption.ts)', () => {
  it('holds 90 days ending 2026-11-27 for four example-org projects and one Acme project', () => {
    assert.equal(CONSUMPTION_FIRST_DAY, '2026-08-30');
    const days = [...new Set(seed.consumption.map((c) => c.date))].sort();
    assert.deepEqual([days[0], days.at(-1), days.length], [CONSUMPTION_FIRST_DAY, CONSUMPTION_LAST_DAY, CONSUMPTION_DAYS]);
    assert.deepEqual(
      seed.projects.filter((p) => p.org_id === ORG).map((p) => p.id),
      [P.production, P.staging, P.analytics, P.preview],
    );
    assert.deepEqual(
      seed.projects.filter((p) => p.org_id === DEFAULT_NEON_BIG_ORG_ID).map((p) => p.id),
      [P.acme],
    );
    const previewDays = seed.consumption.filter((c) => c.project_id === P.preview).map((c) => c.date);
    assert.equal(previewDays[0], '2026-10-14', 'no usage before the project was created');
    const staging = seed.consumption.filter((c) => c.project_id === P.staging);
    assert.ok(
      staging.some((c) => c.metrics.compute_unit_seconds === undefined),
      'staging scales to zero on some days',
    );
    assert.deepEqual(defaultNeonSeed(), defaultNeonSeed(), 'deterministic');
  });

  it('older seeds without projects or consumption still load; bad consumption is refused by path', () => {
    const old = generateNeonSeed({ members: 2, seed: 4 }) as Partial<NeonSeed>;
    delete old.projects;
    delete old.consumption;
    assert.deepEqual(parseNeonSeed(old).projects, []);
    const bad = (edit: (s: NeonSeed) => void) => {
      const s = structuredClone(seed);
      edit(s);
      return () => parseNeonSeed(s);
    };
    assert.throws(
      bad((s) => (s.consumption[0].project_id = 'no-such-project')),
      /consumption\[0\]\.project_id: unknown project no-such-project/,
    );
    assert.throws(
      bad((s) => s.consumption.push({ ...s.consumption[0] })),
      /duplicate day/,
    );
    assert.throws(
      bad((s) => (s.consumption.find((c) => c.project_id === P.preview)!.date = '2026-10-13')),
      /before project lunar-pine-17093356 was created/,
    );
    assert.throws(
      bad((s) => ((s.consumption[0].metrics as Json).cpu_seconds = 1)),
      /consumption\[0\]\.metrics: Unrecognized key: "cpu_seconds"/,
    );
    assert.throws(
      bad((s) => (s.consumption[0].metrics.compute_unit_seconds = 1.5)),
      /consumption\[0\]\.metrics\.compute_unit_seconds/,
    );
    assert.throws(
      bad((s) => (s.projects[0].org_id = 'org-nowhere-1')),
      /projects\[0\]\.org_id: unknown org/,
    );
  });
});

describe('neon simulator: GET /consumption_history/v2/projects', () => {
  it("pages the org's projects newest first; pagination only while more remain", async () => {
    const ids: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await get(q({ limit: '1', ...(cursor ? { cursor } : {}) }));
      assert.equal(res.status, 200, JSON.stringify(res.body));
      ids.push(...res.body.projects.map((p: Json) => p.project_id));
      cursor = res.body.pagination?.cursor;
      if (ids.length === 4) assert.equal('pagination' in res.body, false);
      pages++;
    } while (cursor);
    assert.deepEqual([pages, ids], [4, [P.preview, P.analytics, P.staging, P.production]]);
    assertNeonError(await get(q({ cursor: 'not-a-project' })), 400, 'invalid cursor');
  });

  it('daily timeframes are whole UTC days, oldest first, every requested metric in order, 0 when unused', async () => {
    const res = await get(q({ project_ids: P.staging, metrics: 'public_network_transfer_bytes,compute_unit_seconds,compute_unit_seconds' }));
    const [staging] = res.body.projects;
    const timeframes = staging.periods.flatMap((p: Json) => p.consumption);
    assert.equal(timeframes.length, 60);
    assert.equal(timeframes[0].timeframe_start, '2026-09-29T00:00:00Z');
    assert.equal(timeframes.at(-1).timeframe_end, '2026-11-28T00:00:00Z');
    for (const tf of timeframes) {
      assert.equal(Date.parse(tf.timeframe_end) - Date.parse(tf.timeframe_start), 86_400_000);
      assert.deepEqual(
        tf.metrics.map((m: Json) => m.metric_name),
        ['public_network_transfer_bytes', 'compute_unit_seconds'],
      );
    }
    const saturday = timeframes.find((tf: Json) => tf.timeframe_start === '2026-11-21T00:00:00Z');
    assert.equal(saturday.metrics[1].value, 0, 'staging scaled to zero on Saturday');
  });

  it('a project created inside the range starts on its creation day; later projects are left out', async () => {
    const res = await get(q({ from: '2026-10-01T00:00:00Z', to: '2026-10-20T00:00:00Z' }));
    const preview = res.body.projects.find((p: Json) => p.project_id === P.preview);
    assert.equal(preview.periods[0].consumption[0].timeframe_start, '2026-10-14T00:00:00Z');
    const before = await get(q({ from: '2026-10-01T00:00:00Z', to: '2026-10-14T00:00:00Z' }));
    assert.equal(
      before.body.projects.some((p: Json) => p.project_id === P.preview),
      false,
    );
  });

  it('daily answers add up to the seed; hourly and monthly answers add up to the daily ones', async () => {
    const daily = await get(q());
    assert.deepEqual(answerTotals(daily.body.projects), seedTotals(seed, '2026-09-29', '2026-11-28'));
    const hourly = await get(q({ granularity: 'hourly', from: '2026-11-20T00:00:00Z', to: '2026-11-27T00:00:00Z' }));
    assert.equal(hourly.body.projects[0].periods[0].consumption.length, 7 * 24);
    assert.deepEqual(answerTotals(hourly.body.projects), seedTotals(seed, '2026-11-20', '2026-11-27'));
    const monthly = await get(q({ granularity: 'monthly', from: '2026-09-01T00:00:00Z', to: '2026-12-01T00:00:00Z' }));
    assert.deepEqual(answerTotals(monthly.body.projects), seedTotals(seed, '2026-09-01', '2026-12-01'));
    const months = monthly.body.projects[0].periods.map((p: Json) => [p.consumption[0].timeframe_start, p.consumption[0].timeframe_end]);
    assert.deepEqual(months.at(-1), ['2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z']);
  });

  it('billing periods are calendar months with stable ids per org; only past ones have period_end', async () => {
    const a = await get(q({ project_ids: P.production }));
    const b = await get(q({ project_ids: `${P.analytics},${P.production}` }));
    const periods = a.body.projects[0].periods;
    assert.deepEqual(
      periods.map((p: Json) => p.period_id),
      b.body.projects[1].periods.map((p: Json) => p.period_id),
    );
    assert.equal(periods[0].period_id, periodId(ORG, Date.parse('2026-09-01T00:00:00Z')));
    assert.deepEqual(
      periods.map((p: Json) => [p.period_plan, 'period_end' in p]),
      [
        ['scale', true],
        ['scale', true],
        ['scale', false],
      ],
    );
    const acme = await get({ ...q(), org_id: DEFAULT_NEON_BIG_ORG_ID }, DEFAULT_NEON_EXTRA_KEYS.bigOrg);
    assert.deepEqual(
      acme.body.projects.map((p: Json) => p.project_id),
      [P.acme],
    );
    assert.notEqual(acme.body.projects[0].periods[0].period_id, periods[0].period_id);
  });

  it("org keys and any member's personal key read their org; other orgs and project keys are 404s", async () => {
    for (const key of [ORG_KEY, NON_ADMIN]) assert.equal((await get(q(), key)).status, 200);
    assertNeonError(await get(q({ org_id: DEFAULT_NEON_BIG_ORG_ID }), ORG_KEY), 404, 'Not Found');
    assertNeonError(await get(q({ org_id: DEFAULT_NEON_HIDDEN_ORG_ID })), 404, 'Not Found');
    assertNeonError(await get(q(), PROJECT), 404, /outside the project/);
    assertNeonError(await get(q(), 'not-a-key'), 401, 'Unauthorized');
  });

  it("decoding errors are 400s with Neon's error body, checked before the org and the range", async () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ org_id: '' }, /org_id is required/],
      [{ org_id: 'Bad_Org' }, /org_id "Bad_Org" does not match/],
      [{ from: '2026-09-29' }, /from must be an RFC 3339 date-time/],
      [{ to: 'yesterday' }, /to must be an RFC 3339 date-time/],
      [{ granularity: 'weekly' }, /granularity must be one of hourly, daily, monthly/],
      [{ metrics: '' }, /metrics is required/],
      [{ metrics: 'compute_unit_seconds,cpu_seconds' }, /unsupported metric "cpu_seconds"/],
      [{ limit: '0' }, /limit must be between 1 and 100/],
      [{ project_ids: 'Not_A_Project' }, /project_ids: "Not_A_Project" does not match/],
      // A hidden org with a 400-worthy parameter: decoding comes first.
      [{ org_id: DEFAULT_NEON_HIDDEN_ORG_ID, limit: '500' }, /limit must be between 1 and 100/],
    ];
    for (const [extra, message] of cases) assertNeonError(await get(q(extra)), 400, message);
  });

  it('406 when the rounded range does not fit the granularity (168 hours, 60 days, 12 months)', async () => {
    const ok = [
      { granularity: 'hourly', from: '2026-11-20T00:00:00Z', to: '2026-11-27T00:59:59Z' },
      { granularity: 'daily', from: '2026-09-29T23:00:00Z', to: '2026-11-28T00:00:00Z' },
      { granularity: 'monthly', from: '2025-11-15T00:00:00Z', to: '2026-11-30T00:00:00Z' },
    ];
    for (const extra of ok) assert.equal((await get(q(extra))).status, 200, JSON.stringify(extra));
    const refused: [Record<string, string>, RegExp][] = [
      [{ granularity: 'hourly', from: '2026-11-20T00:00:00Z', to: '2026-11-27T01:00:00Z' }, /spans 169 hours; hourly granularity allows at most 168 hours/],
      [{ from: '2026-09-28T00:00:00Z' }, /spans 61 days; daily granularity allows at most 60 days/],
      [{ granularity: 'monthly', from: '2025-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' }, /spans 13 months/],
      [{ from: '2024-02-29T00:00:00Z', to: '2024-03-10T00:00:00Z' }, /from must not be earlier than 2024-03-01T00:00:00Z/],
      [{ from: '2026-11-27T10:00:00Z', to: '2026-11-27T20:00:00Z' }, /is empty at daily granularity/],
    ];
    for (const [extra, message] of refused) assertNeonError(await get(q(extra)), 406, message);
  });

  it('403 for an org whose plan has no consumption history; reset brings the default back', async () => {
    const free = structuredClone(seed);
    free.orgs.find((o) => o.id === ORG)!.plan = 'free_v3';
    sim.loadSeed(free);
    try {
      assertNeonError(await get(q()), 403, /not available on the free_v3 plan/);
      assertNeonError(await get(q({ from: '2020-01-01T00:00:00Z' })), 403, /free_v3/);
    } finally {
      sim.reset();
    }
    assert.equal((await get(q())).status, 200);
  });

  it('GET /__sim/seed returns projects and consumption, and loading it back answers the same', async () => {
    const before = await get(q());
    const snapshot = (await simRequest<NeonSeed>(`${sim.origin}/__sim/seed`)).body;
    assert.equal(snapshot.consumption.length, seed.consumption.length);
    sim.loadSeed(snapshot);
    try {
      assert.deepEqual((await get(q())).body, before.body);
    } finally {
      sim.reset();
    }
  });
});

describe('neon simulator: the consumption rate limit (§6)', () => {
  it('30 requests a minute per account to consumption routes, counted apart from the general limit', async () => {
    const limited = await startNeonSimulator({ rateLimit: { perMinute: 700, burstPerSecond: 100, consumptionPerMinute: 3 } });
    try {
      const call = (key = PERSONAL) => simRequest(`${limited.baseUrl}/consumption_history/v2/projects?${new URLSearchParams(q())}`, { key });
      for (let i = 0; i < 3; i++) assert.equal((await call()).status, 200);
      const refused = await call();
      assert.equal(refused.status, 429);
      assert.equal(refused.body.message, 'rate limit exceeded');
      assert.equal((await simRequest(`${limited.baseUrl}/organizations/${ORG}`, { key: PERSONAL })).status, 200, 'other routes keep working');
      assert.equal((await call(ORG_KEY)).status, 200, 'another account has its own bucket');
    } finally {
      await limited.close();
    }
  });
});
