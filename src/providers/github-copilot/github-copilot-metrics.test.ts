/**
 * GitHub Copilot usage metrics end to end (docs/providers/sources.md §7.3; sources-additions.md
 * §2.4): the unified usage list's metrics rows, read from the `users-1-day` report whose signed
 * download links the engine follows without credentials, over HTTP against the sandbox account
 * that `startTestStack()` connects to the simulator. The expected numbers are the simulator's own
 * organization-1-day report, read through Tessera's proxy (whose JSON file the engine downloads too).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_GITHUB_COPILOT_ORG as ORG, DEFAULT_GITHUB_COPILOT_ORG_ID as ORG_ID } from './simulator/index.ts';
import { schemaValidator } from '../../../test/helpers/schema.ts';
import { simulatorOrigin, startTestStack, type TestStack } from '../../../test/helpers/stack.ts';

type Json = Record<string, any>;
const validUsage = schemaValidator('usage-metering', 'usage');
const WEEK = { start: '2026-11-16', end: '2026-11-23' };

let stack: TestStack;
let account: string;
let sim: string;

const usageUrl = (query: string) => `/unified/usage-metering/usage?integrated_account_id=${account}&${query}`;

async function getJson(path: string) {
  const res = await stack.api(path);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : ({} as Json), text };
}

async function listAll(query: string) {
  const rows: Json[] = [];
  const pageSizes: number[] = [];
  let cursor = '';
  do {
    const { status, body, text } = await getJson(usageUrl(`${query}&next_cursor=${encodeURIComponent(cursor)}`));
    assert.equal(status, 200, text);
    for (const row of body.result) assert.equal(validUsage(row), null, JSON.stringify(row));
    rows.push(...body.result);
    pageSizes.push(body.result.length);
    cursor = body.next_cursor ?? '';
    assert.ok(pageSizes.length <= 200, 'paging did not terminate');
  } while (cursor);
  return { rows, pages: pageSizes.length, pageSizes };
}

type Logged = { method: string; path: string; query: Record<string, string>; headers: Record<string, string> };
const simRequests = async () => ((await (await fetch(`${sim}/__sim/requests`)).json()) as { requests: Logged[] }).requests;
const clearRequests = () => fetch(`${sim}/__sim/requests`, { method: 'DELETE' });

/** The organization-1-day report of a day, through Tessera's proxy (one JSON file behind one link). */
async function organizationDay(day: string): Promise<Json> {
  const { status, body, text } = await getJson(`/proxy/copilot_metrics_organization_report?integrated_account_id=${account}&day=${day}`);
  assert.equal(status, 200, text);
  assert.equal(body.result.length, 1);
  return body.result[0];
}

const sum = (ns: number[]) => ns.reduce((a, b) => a + b, 0);
const daysOf = (start: string, end: string) => {
  const out: string[] = [];
  for (let ms = Date.parse(`${start}T00:00:00Z`); ms < Date.parse(`${end}T00:00:00Z`); ms += 86_400_000) out.push(new Date(ms).toISOString().slice(0, 10));
  return out;
};

before(async () => {
  stack = await startTestStack();
  account = stack.accounts['github-copilot'];
  sim = simulatorOrigin(stack.simulators['github-copilot']);
});
after(async () => {
  await stack?.close();
});

describe('GET /unified/usage-metering/usage on GitHub Copilot (usage metrics reports)', () => {
  let rows: Json[];

  test('report_type=usage: one page per day, one row per user who used Copilot; each download carried no Authorization header', async () => {
    await clearRequests();
    const listed = await listAll(`start_date=${WEEK.start}&end_date=${WEEK.end}&report_type=usage`);
    rows = listed.rows;
    assert.equal(listed.pages, 7);
    assert.ok(rows.length > 300, `${rows.length} rows`);
    assert.equal(new Set(rows.map((r) => r.id)).size, rows.length, 'ids are unique');
    const log = await simRequests();
    const reports = log.filter((r) => r.path === `/orgs/${ORG}/copilot/metrics/reports/users-1-day`);
    assert.deepEqual(
      reports.map((r) => r.query),
      daysOf(WEEK.start, WEEK.end).map((day) => ({ day })),
    );
    assert.ok(
      reports.every((r) => /^Bearer /.test(r.headers.authorization ?? '')),
      'the report call is authorized',
    );
    const downloads = log.filter((r) => r.path.startsWith('/copilot-reports/'));
    assert.ok(downloads.length > reports.length, 'weekdays have more than one file');
    for (const d of downloads) {
      assert.equal(d.method, 'GET');
      assert.equal(d.headers.authorization, undefined, `${d.path} carried an Authorization header`);
      assert.equal(d.headers['x-github-api-version'], undefined, "the definition's headers stay with the API");
      assert.ok(d.query.sig && d.query.se, 'the signed URL as GitHub gave it');
    }
    assert.equal(log.filter((r) => r.path.includes('/premium_request/')).length, 0, 'report_type=usage makes no billing call');
    process.stdout.write(`# github-copilot metrics: ${rows.length} rows over 7 days; ${reports.length} report calls + ${downloads.length} downloads\n`);
  });

  test("rows map the user's day: lower-case login, Copilot, requests and code counters, remote_data the NDJSON line", () => {
    for (const r of rows) {
      const line = r.remote_data;
      const day = line.day as string;
      assert.equal(r.id, `github-copilot:copilot_metrics:${day}T00:00:00Z:${line.user_login.toLowerCase()}:copilot`);
      assert.deepEqual(r.user, { id: line.user_login.toLowerCase() });
      assert.deepEqual(r.product, { id: 'copilot', name: 'Copilot' });
      assert.deepEqual(r.organization, { id: String(ORG_ID), name: ORG });
      assert.equal(r.start_date, `${day}T00:00:00Z`);
      assert.equal(Date.parse(r.end_date) - Date.parse(r.start_date), 86_400_000);
      assert.equal(r.usage.requests.total, line.user_initiated_interaction_count);
      assert.ok((r.usage.requests.chat ?? 0) + (r.usage.requests.agent ?? 0) <= r.usage.requests.total);
      assert.deepEqual(r.usage.code, {
        generations: line.code_generation_activity_count,
        accepts: line.code_acceptance_activity_count,
        suggested_lines_added: line.loc_suggested_to_add_sum,
        suggested_lines_deleted: line.loc_suggested_to_delete_sum,
        accepted_lines_added: line.loc_added_sum,
        accepted_lines_deleted: line.loc_deleted_sum,
      });
      assert.equal(r.usage.activity.is_active, true);
      assert.equal(r.usage.unit, 'ai_credits');
      assert.equal('charges' in r || 'model' in r, false, 'metrics rows carry no money and no model');
    }
    assert.ok(rows.some((r) => r.usage.requests.tab_shown > 0 && r.usage.requests.agent > 0));
  });

  test("each day's user rows add up to GitHub's organization-1-day report", async () => {
    for (const day of daysOf(WEEK.start, WEEK.end)) {
      const ofDay = rows.filter((r) => r.start_date === `${day}T00:00:00Z`);
      const org = await organizationDay(day);
      assert.equal(org.day, day);
      assert.equal(ofDay.length, org.daily_active_users, day);
      assert.equal(sum(ofDay.map((r) => r.usage.requests.total)), org.user_initiated_interaction_count, day);
      assert.equal(sum(ofDay.map((r) => r.usage.code.generations)), org.code_generation_activity_count, day);
      assert.equal(sum(ofDay.map((r) => r.usage.code.accepts)), org.code_acceptance_activity_count, day);
      assert.equal(sum(ofDay.map((r) => r.usage.code.accepted_lines_added)), org.loc_added_sum, day);
      assert.equal(sum(ofDay.map((r) => r.usage.code.accepted_lines_deleted)), org.loc_deleted_sum, day);
      assert.equal(sum(ofDay.map((r) => r.usage.code.suggested_lines_added)), org.loc_suggested_to_add_sum, day);
      assert.equal(sum(ofDay.map((r) => r.usage.quantity)), org.ai_credits_used, day);
    }
  });

  test('both kinds by default: per day the premium-request rows, then the metrics rows; report_type=cost has no metrics and no download', async () => {
    const day = { start: '2026-11-20', end: '2026-11-21' };
    const both = await listAll(`start_date=${day.start}&end_date=${day.end}`);
    assert.equal(both.pages, 2);
    const kinds = both.rows.map((r) => r.id.split(':')[1]);
    assert.deepEqual(kinds, [...kinds.filter((k) => k === 'premium_request'), ...kinds.filter((k) => k === 'copilot_metrics')]);
    assert.ok(kinds.includes('premium_request') && kinds.includes('copilot_metrics'));
    await clearRequests();
    const cost = await listAll(`start_date=${day.start}&end_date=${day.end}&report_type=cost`);
    assert.deepEqual(
      cost.rows.map((r) => r.id),
      both.rows.filter((r) => r.id.includes(':premium_request:')).map((r) => r.id),
    );
    assert.equal((await simRequests()).filter((r) => r.path.includes('/copilot/metrics/') || r.path.startsWith('/copilot-reports/')).length, 0);
  });

  test('user_ids keeps that user on both kinds; model_ids drops the metrics rows, product_ids=copilot keeps them', async () => {
    const login = rows.find((r) => r.start_date.startsWith('2026-11-20'))!.remote_data.user_login as string;
    const mine = await listAll(`start_date=2026-11-20&end_date=2026-11-21&report_type=usage&user_ids=${login.toUpperCase()}`);
    assert.deepEqual(
      mine.rows.map((r) => r.id),
      rows.filter((r) => r.start_date.startsWith('2026-11-20') && r.user.id === login.toLowerCase()).map((r) => r.id),
    );
    assert.equal(mine.rows.length, 1);
    const byModel = await listAll('start_date=2026-11-20&end_date=2026-11-21&model_ids=GPT-5');
    assert.ok(byModel.rows.every((r) => r.id.includes(':premium_request:')));
    const byProduct = await listAll('start_date=2026-11-20&end_date=2026-11-21&product_ids=Copilot&report_type=usage');
    assert.equal(byProduct.rows.length, rows.filter((r) => r.start_date.startsWith('2026-11-20')).length);
    const other = await listAll('start_date=2026-11-20&end_date=2026-11-21&product_ids=actions&report_type=usage');
    assert.deepEqual([other.rows.length, other.pages], [0, 1], 'nothing to run: one empty page');
  });

  test("days before the first report (2025-10-10) make no call; older than GitHub's year is its 404; a failing file is a 502", async () => {
    await clearRequests();
    const early = await listAll('start_date=2025-10-07&end_date=2025-10-10&report_type=usage');
    assert.deepEqual([early.rows.length, early.pages], [0, 1]);
    assert.equal((await simRequests()).filter((r) => r.path.includes('/copilot/metrics/')).length, 0);
    // The sandbox's "today" is 2026-11-28: 2025-10-10 is past the year GitHub keeps.
    const old = await getJson(usageUrl('start_date=2025-10-10&end_date=2025-10-11&report_type=usage'));
    assert.equal(old.status, 404, old.text);
    assert.equal(old.body.truto_is_remote_error, true);
    // The file host failing (after the retries): a 502 naming the link, never a remote error on the account.
    await fetch(`${sim}/__sim/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/copilot-reports/**', status: 503, count: 10 }),
    });
    const failed = await getJson(usageUrl('start_date=2026-11-20&end_date=2026-11-21&report_type=usage'));
    await fetch(`${sim}/__sim/faults`, { method: 'DELETE' });
    assert.equal(failed.status, 502, failed.text);
    assert.equal(failed.body.code, 'TESSERA_UPSTREAM_INVALID_RESPONSE');
    assert.match(failed.body.message, /copilot_metrics_users_report\.list: download link 1 of \d+ answered 503/);
  });
});
