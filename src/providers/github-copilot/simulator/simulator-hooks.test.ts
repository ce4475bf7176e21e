import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { stringify as toYaml } from 'yaml';
import {
  DEFAULT_GITHUB_COPILOT_FIXTURES as F,
  DEFAULT_GITHUB_COPILOT_ORG as ORG,
  DEFAULT_GITHUB_COPILOT_SEAT_COUNT as SEAT_COUNT,
  DEFAULT_GITHUB_COPILOT_TOKEN as OWNER,
  defaultGithubCopilotSeed,
  generateGithubCopilotSeed,
  startGithubCopilotSimulator,
  type GithubCopilotSeed,
  type GithubCopilotSimulator,
} from './index.ts';
import { assertGithubError, get, hook } from './simulator-test-kit.ts';

describe('github-copilot simulator: test hooks', () => {
  let sim: GithubCopilotSimulator;
  before(async () => {
    sim = await startGithubCopilotSimulator({ rateLimit: false });
  });
  beforeEach(() => sim.reset());
  after(() => sim.close());

  it('faults fail the next matching requests with a GitHub error body, then the route works again', async () => {
    const added = await hook(sim, 'POST', '/faults', { path: '/orgs/*/copilot/billing/seats', status: 503, count: 2 });
    assert.equal(added.status, 201);
    const url = `${sim.baseUrl}/orgs/${ORG}/copilot/billing/seats`;
    assertGithubError(await get(url), 503, 'Service Unavailable');
    assertGithubError(await get(url), 503, 'Service Unavailable');
    assert.equal((await get(url)).status, 200);
    await hook(sim, 'POST', '/faults', { path: '/orgs/*/copilot/billing/seats', status: 429, retry_after: 30 });
    const limited = await get(url);
    assert.equal(limited.status, 429);
    assert.equal(limited.headers.get('retry-after'), '30');
    assert.match(limited.body.message, /secondary rate limit/);
  });

  it('requests are logged with query and headers, the token redacted', async () => {
    await get(`${sim.baseUrl}/orgs/${ORG}/copilot/billing/seats?per_page=3&page=2`);
    const { body } = await hook(sim, 'GET', `/requests?path=${encodeURIComponent('/orgs/*/copilot/billing/seats')}`);
    assert.equal(body.requests.length, 1);
    const [r] = body.requests;
    assert.deepEqual(r.query, { per_page: '3', page: '2' });
    assert.equal(r.headers.authorization, 'Bearer ********');
    assert.equal(r.headers['x-github-api-version'], '2022-11-28');
    assert.equal(r.status, 200);
    assert.equal(JSON.stringify(body).includes(OWNER), false);
    await hook(sim, 'DELETE', '/requests');
    assert.deepEqual((await hook(sim, 'GET', '/requests')).body.requests, []);
  });

  it('reset restores the starting seed after a seat is removed', async () => {
    assert.ok(sim.state.removeSeat(ORG, F.owner.login));
    assert.equal((await get(`${sim.baseUrl}/orgs/${ORG}/copilot/billing/seats?per_page=1`)).body.total_seats, SEAT_COUNT - 1);
    await hook(sim, 'POST', '/reset');
    assert.equal((await get(`${sim.baseUrl}/orgs/${ORG}/copilot/billing/seats?per_page=1`)).body.total_seats, SEAT_COUNT);
  });

  it('a seed can be loaded as YAML; GET /__sim/seed returns the current state', async () => {
    const seed = generateGithubCopilotSeed({ seats: 3, org: 'tiny-org' });
    const loaded = await hook(sim, 'POST', '/seed', toYaml(seed), 'application/yaml');
    assert.equal(loaded.status, 200, JSON.stringify(loaded.body));
    const token = seed.tokens[0].token;
    const res = await get(`${sim.baseUrl}/orgs/tiny-org/copilot/billing/seats`, token);
    assert.equal(res.body.total_seats, 3);
    const current = (await hook(sim, 'GET', '/seed')).body as GithubCopilotSeed;
    assert.equal(current.seats.length, 3);
    assert.equal((await get(`${sim.baseUrl}/orgs/${ORG}`, token)).status, 404, 'the old org is gone');
  });

  it('an invalid seed is a 400 that names the path, and leaves the state alone', async () => {
    const seed = defaultGithubCopilotSeed();
    seed.seats.push({ ...seed.seats[0], user: 'other-dev' });
    const res = await hook(sim, 'POST', '/seed', seed);
    assert.equal(res.status, 400);
    assert.match(res.body.error, /seats\[252\]\.user: "other-dev" is not a member of "tessera-sandbox"/);
    assert.equal((await get(`${sim.baseUrl}/orgs/${ORG}/copilot/billing/seats?per_page=1`)).body.total_seats, SEAT_COUNT);
  });
});
