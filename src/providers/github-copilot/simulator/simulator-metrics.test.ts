/**
 * The simulator's Copilot usage metrics reports (metrics.ts, metrics-routes.ts): the files behind
 * the download links, their numbers (every total is the sum of its parts, the organization's day
 * is the sum of its users' lines), the signed URLs, and the seed switch.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_GITHUB_COPILOT_FIXTURES as F, DEFAULT_GITHUB_COPILOT_ORG as ORG, startGithubCopilotSimulator, type GithubCopilotSimulator } from './index.ts';
import { METRICS_LINES_PER_FILE } from './metrics.ts';
import { get } from './simulator-test-kit.ts';

type Json = Record<string, any>;
const COUNTS = [
  'user_initiated_interaction_count',
  'code_generation_activity_count',
  'code_acceptance_activity_count',
  'loc_suggested_to_add_sum',
  'loc_suggested_to_delete_sum',
  'loc_added_sum',
  'loc_deleted_sum',
];
const WEEKDAY = '2026-11-20';
const SATURDAY = '2026-11-21';

let sim: GithubCopilotSimulator;
before(async () => {
  sim = await startGithubCopilotSimulator({ rateLimit: false });
});
after(async () => {
  await sim?.close();
});

const reportUrl = (report: string, day: string) => `${sim.baseUrl}/orgs/${ORG}/copilot/metrics/reports/${report}?day=${day}`;

async function userLines(day: string): Promise<{ links: string[]; lines: Json[] }> {
  const { status, body } = await get(reportUrl('users-1-day', day));
  assert.equal(status, 200);
  const lines: Json[] = [];
  for (const link of body.download_links as string[]) {
    const res = await fetch(link);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/x-ndjson');
    const text = await res.text();
    const part = text.split('\n').filter(Boolean);
    assert.ok(part.length <= METRICS_LINES_PER_FILE);
    assert.ok(text === '' || text.endsWith('\n'));
    lines.push(...part.map((l) => JSON.parse(l) as Json));
  }
  return { links: body.download_links, lines };
}

async function orgDay(day: string): Promise<Json> {
  const { body } = await get(reportUrl('organization-1-day', day));
  assert.equal(body.download_links.length, 1);
  const res = await fetch(body.download_links[0]);
  assert.equal(res.headers.get('content-type'), 'application/json');
  return (await res.json()) as Json;
}

const sum = (rows: Json[], key: string) => rows.reduce((n, r) => n + r[key], 0);

describe('users-1-day files', () => {
  test('a weekday: one line per active seat holder, split into files of at most 100 lines', async () => {
    const { links, lines } = await userLines(WEEKDAY);
    assert.ok(lines.length > METRICS_LINES_PER_FILE, `${lines.length} lines`);
    assert.equal(links.length, Math.ceil(lines.length / METRICS_LINES_PER_FILE));
    assert.equal(new Set(lines.map((l) => l.user_login)).size, lines.length, 'one line per user');
    const seats = new Map(sim.state.seats(ORG).map((s) => [s.user, s]));
    for (const l of lines) {
      assert.equal(l.day, WEEKDAY);
      assert.equal(l.user_id, sim.state.user(l.user_login)!.id);
      assert.ok(seats.get(l.user_login)?.last_activity_at, `${l.user_login} has a seat and has used Copilot`);
    }
    assert.ok(!lines.some((l) => l.user_login === F.neverUsed.login), 'a seat never used has no line');
    const weekend = (await userLines(SATURDAY)).lines;
    assert.ok(weekend.length < lines.length / 2, `${weekend.length} at the weekend`);
  });

  test('each line adds up: top-level counts = the sum of totals_by_feature = its IDE; accepts never exceed generations', async () => {
    const { lines } = await userLines(WEEKDAY);
    for (const l of lines) {
      for (const key of COUNTS) {
        assert.equal(l[key], sum(l.totals_by_feature, key), `${l.user_login} ${key}`);
        assert.equal(l[key], sum(l.totals_by_ide, key), `${l.user_login} ${key} by IDE`);
        assert.ok(Number.isInteger(l[key]) && l[key] >= 0);
      }
      assert.ok(l.code_acceptance_activity_count <= l.code_generation_activity_count);
      assert.ok(l.loc_added_sum <= l.loc_suggested_to_add_sum);
      assert.equal(
        l.used_chat,
        l.totals_by_feature.some((f: Json) => f.feature === 'chat_panel_ask_mode'),
      );
      if (l.totals_by_cli) assert.equal(l.used_cli, true);
    }
    assert.ok(lines.some((l) => l.totals_by_cli) && lines.some((l) => l.used_agent));
  });

  test('the same day reads the same, across reads and restarts', async () => {
    const first = (await userLines(WEEKDAY)).lines;
    sim.reset();
    assert.deepEqual((await userLines(WEEKDAY)).lines, first);
  });
});

describe('organization-1-day', () => {
  test("the organization's day is the sum of its users' lines; active users count them", async () => {
    for (const day of [WEEKDAY, SATURDAY, '2026-10-01']) {
      const { lines } = await userLines(day);
      const org = await orgDay(day);
      assert.equal(org.day, day);
      assert.equal(org.daily_active_users, lines.length);
      for (const key of [...COUNTS, 'ai_credits_used']) assert.equal(org[key], sum(lines, key), `${day} ${key}`);
      for (const f of org.totals_by_feature) {
        const parts = lines.flatMap((l) => l.totals_by_feature.filter((x: Json) => x.feature === f.feature));
        for (const key of COUNTS) assert.equal(f[key], sum(parts, key), `${day} ${f.feature} ${key}`);
      }
      assert.ok(org.daily_active_users <= org.weekly_active_users && org.weekly_active_users <= org.monthly_active_users);
    }
  });
});

describe('signed download links', () => {
  test('a link works without credentials; a tampered signature, a changed path or an Authorization header is a 403', async () => {
    const { links } = await userLines(WEEKDAY);
    const link = new URL(links[0]);
    assert.equal((await fetch(link)).status, 200);
    const tampered = new URL(link);
    tampered.searchParams.set('sig', 'x' + link.searchParams.get('sig')!.slice(1));
    const res = await fetch(tampered);
    assert.equal(res.status, 403);
    assert.match(await res.text(), /<Code>AuthenticationFailed<\/Code>/);
    assert.equal((await fetch(links[0].replace('part-1', 'part-2'))).status, 403, 'the signature covers the path');
    const withToken = await fetch(link, { headers: { authorization: 'Bearer ghp_x' } });
    assert.equal(withToken.status, 403);
    assert.match(await withToken.text(), /credentials never go to the file host/);
  });

  test('copilot_metrics: null: reports still answer, with one empty file', async () => {
    sim.loadSeed({ ...sim.state.snapshot(), copilot_metrics: null });
    try {
      const { links, lines } = await userLines(WEEKDAY);
      assert.deepEqual([links.length, lines.length], [1, 0]);
      assert.equal((await orgDay(WEEKDAY)).daily_active_users, 0);
    } finally {
      sim.reset();
    }
  });
});
