/**
 * Contract test of the Copilot usage metrics report routes (docs/providers/sources.md §0, §7.3;
 * sources-additions.md §2.4): the simulator's `users-1-day` and `organization-1-day` answers,
 * validated against GitHub's own OpenAPI description (`@octokit/openapi@23.0.2`, through the
 * vendored slice in `spec/`). The spec describes the links, not the files behind them; the files'
 * numbers are checked in simulator-metrics.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DEFAULT_GITHUB_COPILOT_EXTRA_TOKENS as TOKENS,
  DEFAULT_GITHUB_COPILOT_ORG as ORG,
  DEFAULT_GITHUB_COPILOT_OTHER_ORG as OTHER_ORG,
  DEFAULT_GITHUB_COPILOT_TOKEN as OWNER,
  startGithubCopilotSimulator,
  type GithubCopilotSimulator,
} from './index.ts';
import { assertValid, basicError, operation, responseValidator, spec } from './spec/openapi-ajv.ts';

const USERS_OP = 'copilot/copilot-organization-users-one-day-usage-metrics';
const ORG_OP = 'copilot/copilot-organization-one-day-usage-metrics';
const DAY = 86_400_000;

let sim: GithubCopilotSimulator;
let checked = 0;

async function call(path: string, token: string | null = OWNER): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${sim.baseUrl}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** A documented status, and for a body the schema GitHub documents for it. */
async function expect(operationId: string, path: string, status = 200, token: string | null = OWNER) {
  const res = await call(path, token);
  assert.equal(res.status, status, `${operationId} ${path}: ${JSON.stringify(res.body)}`);
  assert.ok(operation(operationId).op.responses[String(status)], `${operationId} documents ${status}`);
  if (status === 204) assert.equal(res.body, undefined, '204 has no body');
  else assertValid(responseValidator(operationId, status), res.body, `${operationId} ${status} ${path}`);
  checked++;
  return res;
}

const reportPath = (report: string, day: string, org = ORG) => `/orgs/${org}/copilot/metrics/reports/${report}?day=${day}`;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

describe('contract: Copilot usage metrics reports against @octokit/openapi 23.0.2', () => {
  before(async () => {
    sim = await startGithubCopilotSimulator({ rateLimit: false });
  });
  after(async () => {
    await sim.close();
    assert.ok(checked > 60, `only ${checked} responses were validated`);
  });

  it('both operations are in the slice under the routes we serve, with the parameters we read', () => {
    assert.equal(operation(USERS_OP).path, '/orgs/{org}/copilot/metrics/reports/users-1-day');
    assert.equal(operation(ORG_OP).path, '/orgs/{org}/copilot/metrics/reports/organization-1-day');
    for (const op of [USERS_OP, ORG_OP]) {
      const params = (operation(op).op.parameters as Record<string, any>[]).map((p) => spec.components.parameters[p.$ref.split('/').pop()]);
      assert.deepEqual(
        params.map((p) => [p.name, p.in, p.required]),
        [
          ['org', 'path', true],
          ['day', 'query', true],
        ],
      );
      assert.deepEqual(Object.keys(operation(op).op.responses), ['200', '204', '403', '404', '500']);
    }
    assertValid(responseValidator(USERS_OP, 200), spec.components.examples['copilot-usage-metrics-1-day-report'].value, "GitHub's example");
  });

  it('every day of the last five weeks, both reports: download links and the report day', async () => {
    const today = Date.parse(`${sim.state.billingToday}T00:00:00Z`);
    for (let d = 35; d >= 1; d--) {
      const day = dayOf(today - d * DAY);
      for (const [op, report] of [
        [USERS_OP, 'users-1-day'],
        [ORG_OP, 'organization-1-day'],
      ]) {
        const { body } = await expect(op, reportPath(report, day));
        assert.equal(body.report_day, day);
        assert.ok(body.download_links.length >= 1);
        for (const link of body.download_links) assert.equal(new URL(link).origin, new URL(sim.baseUrl).origin, 'files are served by the simulator');
      }
    }
  });

  it('the first report day and the oldest day of the year of history answer; a day before either is a 404', async () => {
    // A "today" early enough that 2025-10-10 is within the year of history (billing lines must precede it).
    await sim.loadSeed({ ...sim.state.snapshot(), billing_today: '2026-03-01', premium_request_usage: [] });
    try {
      await expect(USERS_OP, reportPath('users-1-day', '2025-10-10'));
      await expect(USERS_OP, reportPath('users-1-day', '2025-10-09'), 404);
      await expect(ORG_OP, reportPath('organization-1-day', '2025-10-09'), 404);
    } finally {
      await sim.reset();
    }
    const today = Date.parse(`${sim.state.billingToday}T00:00:00Z`);
    await expect(USERS_OP, reportPath('users-1-day', dayOf(today - 365 * DAY)));
    await expect(USERS_OP, reportPath('users-1-day', dayOf(today - 366 * DAY)), 404);
  });

  it("a day not yet reported (today, the future) is GitHub's documented 204", async () => {
    await expect(USERS_OP, reportPath('users-1-day', sim.state.billingToday), 204);
    await expect(ORG_OP, reportPath('organization-1-day', '2027-01-01'), 204);
  });

  it('errors are basic-error bodies with the statuses the operations document', async () => {
    const cases: [string, string, number, string | null][] = [
      [USERS_OP, reportPath('users-1-day', '2026-11-02'), 403, TOKENS.member],
      [USERS_OP, reportPath('users-1-day', '2026-11-02', OTHER_ORG), 404, OWNER],
      [ORG_OP, reportPath('organization-1-day', '2026-11-02', 'no-such-org'), 404, OWNER],
      [ORG_OP, reportPath('organization-1-day', '2026-11-02'), 403, TOKENS.noScopes],
    ];
    for (const [op, path, status, token] of cases) assertValid(basicError, (await expect(op, path, status, token)).body, `${op} ${status}`);
    sim.injectFault({ path: '/orgs/*/copilot/metrics/reports/users-1-day', status: 500 });
    await expect(USERS_OP, reportPath('users-1-day', '2026-11-02'), 500);
  });

  it('known difference: a missing or malformed day is a 422 (basic-error with errors[]), which GitHub does not document here', async () => {
    for (const day of ['', '2026-02-30', '20261102', 'yesterday']) {
      const res = await call(reportPath('users-1-day', day));
      assert.equal(res.status, 422, day);
      assert.equal(operation(USERS_OP).op.responses['422'], undefined);
      assertValid(basicError, res.body, `422 for day=${day}`);
      assert.equal(res.body.errors[0].field, 'day');
      checked++;
    }
  });
});
