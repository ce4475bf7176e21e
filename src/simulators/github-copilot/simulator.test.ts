import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stringify as toYaml } from 'yaml';
import {
  DEFAULT_GITHUB_COPILOT_EXTRA_TOKENS as TOKENS,
  DEFAULT_GITHUB_COPILOT_FIXTURES as F,
  DEFAULT_GITHUB_COPILOT_ORG as ORG,
  DEFAULT_GITHUB_COPILOT_ORG_ID as ORG_ID,
  DEFAULT_GITHUB_COPILOT_OTHER_ORG as OTHER_ORG,
  DEFAULT_GITHUB_COPILOT_SEAT_COUNT as SEAT_COUNT,
  DEFAULT_GITHUB_COPILOT_TEAM as TEAM,
  DEFAULT_GITHUB_COPILOT_TOKEN as OWNER,
  InvalidSeedError,
  defaultGithubCopilotSeed,
  generateGithubCopilotSeed,
  parseGithubCopilotSeed,
  startGithubCopilotSimulator,
  type GithubCopilotSeed,
  type GithubCopilotSimulator,
} from './index.ts';

interface Res {
  status: number;
  headers: Headers;
  body: any;
}

async function get(url: string, token: string | null = OWNER, headers: Record<string, string> = {}): Promise<Res> {
  const h: Record<string, string> = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', ...headers };
  if (token !== null) h.authorization ??= `Bearer ${token}`;
  const res = await fetch(url, { headers: h });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

async function hook(sim: GithubCopilotSimulator, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Res> {
  const res = await fetch(`${sim.origin}/__sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

function assertGithubError(res: Res, status: number, message: string | RegExp): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  assert.deepEqual(Object.keys(res.body).sort(), ['documentation_url', 'message', 'status']);
  assert.equal(res.body.status, String(status), 'GitHub sends status as a string');
  assert.match(res.body.documentation_url, /^https:\/\/docs\.github\.com\/rest/);
  if (typeof message === 'string') assert.equal(res.body.message, message);
  else assert.match(res.body.message, message);
}

/** RFC 5988 `Link` → rel → URL. */
function links(res: Res): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (res.headers.get('link') ?? '').split(',')) {
    const m = /<([^>]+)>;\s*rel="([^"]+)"/.exec(part.trim());
    if (m) out[m[2]] = m[1];
  }
  return out;
}

/** Follows rel="next" from `first` to the end, as a client should; fails on a runaway scan. */
async function scanSeats(first: string, token = OWNER) {
  const pages: Res[] = [];
  let url: string | undefined = first;
  while (url) {
    const res = await get(url, token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    pages.push(res);
    url = links(res).next;
    assert.ok(pages.length <= 100, 'paging did not terminate');
  }
  return { pages, seats: pages.flatMap((p) => p.body.seats as any[]) };
}

const SEAT_KEYS = ['created_at', 'pending_cancellation_date', 'last_activity_at', 'last_activity_editor', 'last_authenticated_at', 'plan_type', 'assignee', 'assigning_team'];

describe('github-copilot simulator: seats list and Link paging', () => {
  let sim: GithubCopilotSimulator;
  let seatsUrl: string;
  before(async () => {
    sim = await startGithubCopilotSimulator({ rateLimit: false });
    seatsUrl = `${sim.baseUrl}/orgs/${ORG}/copilot/billing/seats`;
  });
  after(() => sim.close());

  it(`pages ${SEAT_COUNT} seats at per_page=100 as 100/100/50, following rel="next" through /organizations/{id}`, async () => {
    const { pages, seats } = await scanSeats(`${seatsUrl}?per_page=100`);
    assert.deepEqual(pages.map((p) => p.body.seats.length), [100, 100, 50]);
    assert.ok(pages.every((p) => p.body.total_seats === SEAT_COUNT));
    assert.equal(new Set(seats.map((s) => s.assignee.id)).size, SEAT_COUNT, 'every seat exactly once');
    const [p1, p2, p3] = pages.map(links);
    const at = (page: number) => `${sim.origin}/organizations/${ORG_ID}/copilot/billing/seats?per_page=100&page=${page}`;
    assert.deepEqual(p1, { next: at(2), last: at(3) });
    assert.deepEqual(p2, { prev: at(1), next: at(3), last: at(3), first: at(1) });
    assert.deepEqual(p3, { prev: at(2), first: at(1) });
    // GitHub's order of relations: prev, next, last, first.
    assert.deepEqual([...pages[1].headers.get('link')!.matchAll(/rel="(\w+)"/g)].map((m) => m[1]), ['prev', 'next', 'last', 'first']);
  });

  it('defaults to 50 per page; the seat order is stable across pages', async () => {
    const { pages, seats } = await scanSeats(seatsUrl);
    assert.deepEqual(pages.map((p) => p.body.seats.length), [50, 50, 50, 50, 50]);
    const big = await scanSeats(`${seatsUrl}?per_page=100`);
    assert.deepEqual(seats.map((s) => s.assignee.login), big.seats.map((s) => s.assignee.login));
    assert.equal(seats[0].assignee.login, F.owner.login, 'seed order');
  });

  it('per_page above 100 is served as 100; junk or non-positive page/per_page fall back to the defaults', async () => {
    const over = await get(`${seatsUrl}?per_page=500`);
    assert.equal(over.status, 200);
    assert.equal(over.body.seats.length, 100);
    assert.match(links(over).next, /per_page=500&page=2$/, 'links repeat the per_page the client sent');
    for (const q of ['per_page=0', 'per_page=abc', 'per_page=-5', 'per_page=2.5']) {
      const res = await get(`${seatsUrl}?${q}`);
      assert.equal(res.body.seats.length, 50, q);
    }
    for (const q of ['page=0', 'page=abc', 'page=-1']) {
      const res = await get(`${seatsUrl}?per_page=10&${q}`);
      assert.equal(res.body.seats[0].assignee.login, F.owner.login, q);
    }
  });

  it('a page past the end is empty, keeps total_seats and links back', async () => {
    const res = await get(`${seatsUrl}?per_page=100&page=9`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.seats, []);
    assert.equal(res.body.total_seats, SEAT_COUNT);
    assert.deepEqual(Object.keys(links(res)), ['prev', 'first']);
  });

  it('no Link header when everything fits on one page', async () => {
    const res = await get(`${sim.baseUrl}/orgs/${OTHER_ORG}/copilot/billing/seats`, 'ghp_TesseraSandboxOtherOwner000000000005');
    assert.equal(res.status, 200);
    assert.equal(res.body.seats.length, 2);
    assert.equal(res.headers.get('link'), null);
  });

  it('the /organizations/{id} path serves the same list; an unknown id is 404', async () => {
    const a = await get(`${seatsUrl}?per_page=7&page=3`);
    const b = await get(`${sim.origin}/organizations/${ORG_ID}/copilot/billing/seats?per_page=7&page=3`);
    assert.deepEqual(b.body, a.body);
    assertGithubError(await get(`${sim.origin}/organizations/999/copilot/billing/seats`), 404, 'Not Found');
    assertGithubError(await get(`${sim.origin}/organizations/abc/copilot/billing/seats`), 404, 'Not Found');
  });

  it('seat objects have GitHub\'s shape for every fixture', async () => {
    const { seats } = await scanSeats(`${seatsUrl}?per_page=100`);
    const byLogin = new Map(seats.map((s) => [s.assignee.login, s]));
    for (const seat of seats) {
      for (const key of SEAT_KEYS) assert.ok(key in seat, `${key} in ${seat.assignee.login}`);
      assert.equal(typeof seat.assignee.id, 'number');
      assert.match(seat.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      assert.equal(seat.plan_type, 'business');
    }
    const owner = byLogin.get(F.owner.login)!;
    assert.equal(owner.assignee.id, F.owner.id);
    assert.equal(owner.assignee.name, 'Octo Admin');
    assert.equal(owner.assignee.email, 'octo-admin@tessera.example');
    assert.equal(owner.assigning_team, null);
    assert.equal(owner.updated_at, '2024-02-01T09:00:00Z');

    const team = byLogin.get(F.teamSeat.login)!;
    assert.equal(team.assigning_team.slug, TEAM.slug);
    assert.equal(team.assigning_team.id, TEAM.id);
    assert.equal(team.assignee.email, null, 'explicit null email');
    assert.equal('updated_at' in team, false, 'deprecated updated_at left out when unknown');

    const never = byLogin.get(F.neverUsed.login)!;
    assert.equal(never.last_activity_at, null);
    assert.equal(never.last_activity_editor, null);
    assert.equal(never.last_authenticated_at, null);
    assert.equal('name' in never.assignee, false);
    assert.equal('email' in never.assignee, false);

    assert.match(byLogin.get(F.pendingCancellation.login)!.pending_cancellation_date, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(byLogin.has(F.memberWithoutSeat.login), false, 'a member without a seat is not listed');
    assert.ok(seats.filter((s) => s.assigning_team !== null).length > 1, 'several seats come through teams');
    assert.ok(seats.filter((s) => s.last_activity_at === null).length > 1, 'several seats were never used');
  });

  it('linkPathStyle as-requested links to the requested path and keeps other query params', async () => {
    const plain = await startGithubCopilotSimulator({ rateLimit: false, linkPathStyle: 'as-requested' });
    try {
      const res = await get(`${plain.baseUrl}/orgs/${ORG}/copilot/billing/seats?per_page=100&extra=1`);
      assert.equal(links(res).next, `${plain.origin}/orgs/${ORG}/copilot/billing/seats?per_page=100&extra=1&page=2`);
    } finally {
      await plain.close();
    }
  });

  it('perPageAboveMax reject answers 422 Validation Failed with errors[]', async () => {
    const strict = await startGithubCopilotSimulator({ rateLimit: false, perPageAboveMax: 'reject' });
    try {
      const res = await get(`${strict.baseUrl}/orgs/${ORG}/copilot/billing/seats?per_page=101`);
      assert.equal(res.status, 422);
      assert.equal(res.body.message, 'Validation Failed');
      assert.equal(res.body.status, '422');
      assert.equal(res.body.errors[0].field, 'per_page');
      assert.equal((await get(`${strict.baseUrl}/orgs/${ORG}/copilot/billing/seats?per_page=100`)).status, 200);
    } finally {
      await strict.close();
    }
  });
});

describe('github-copilot simulator: one seat, billing, organization', () => {
  let sim: GithubCopilotSimulator;
  before(async () => {
    sim = await startGithubCopilotSimulator({ rateLimit: false });
  });
  after(() => sim.close());

  it('GET /orgs/{org}/members/{username}/copilot: the seat, logins case-insensitive; no seat or no user is 404', async () => {
    const res = await get(`${sim.baseUrl}/orgs/${ORG}/members/MONA-TEAM/copilot`);
    assert.equal(res.status, 200);
    assert.equal(res.body.assignee.login, F.teamSeat.login);
    assert.equal(res.body.assigning_team.slug, TEAM.slug);
    for (const key of SEAT_KEYS) assert.ok(key in res.body, key);
    assertGithubError(await get(`${sim.baseUrl}/orgs/${ORG}/members/${F.memberWithoutSeat.login}/copilot`), 404, 'Not Found');
    assertGithubError(await get(`${sim.baseUrl}/orgs/${ORG}/members/nobody-here/copilot`), 404, 'Not Found');
  });

  it('GET /orgs/{org}/copilot/billing counts the live seats', async () => {
    const res = await get(`${sim.baseUrl}/orgs/${ORG}/copilot/billing`);
    assert.equal(res.status, 200);
    const { seats } = await scanSeats(`${sim.baseUrl}/orgs/${ORG}/copilot/billing/seats?per_page=100`);
    const b = res.body.seat_breakdown;
    assert.equal(b.total, SEAT_COUNT);
    assert.equal(b.pending_cancellation, seats.filter((s) => s.pending_cancellation_date !== null).length);
    assert.equal(b.active_this_cycle + b.inactive_this_cycle, SEAT_COUNT);
    assert.ok(b.active_this_cycle > 0 && b.inactive_this_cycle > 0);
    assert.equal(res.body.plan_type, 'business');
    assert.equal(res.body.seat_management_setting, 'assign_selected');
  });

  it('GET /orgs/{org}: the organization for any valid token; unknown org 404', async () => {
    const res = await get(`${sim.baseUrl}/orgs/${ORG}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.login, ORG);
    assert.equal(res.body.id, ORG_ID);
    assert.equal(res.body.type, 'Organization');
    assert.equal((await get(`${sim.baseUrl}/orgs/${OTHER_ORG}`)).body.login, OTHER_ORG, 'orgs are public');
    assert.equal((await get(`${sim.baseUrl}/orgs/${ORG}`, TOKENS.member)).status, 200);
    assertGithubError(await get(`${sim.baseUrl}/orgs/no-such-org`), 404, 'Not Found');
  });

  it('GET /user is the token\'s user', async () => {
    const res = await get(`${sim.baseUrl}/user`, TOKENS.member);
    assert.equal(res.body.login, F.memberWithoutSeat.login);
  });

  it('unknown routes and methods are GitHub 404s', async () => {
    assertGithubError(await get(`${sim.baseUrl}/orgs/${ORG}/copilot/nope`), 404, 'Not Found');
    const post = await fetch(`${sim.baseUrl}/orgs/${ORG}/copilot/billing/seats`, { method: 'POST', headers: { authorization: `Bearer ${OWNER}` } });
    assert.equal(post.status, 404);
  });
});

describe('github-copilot simulator: authentication, permissions, versions', () => {
  let sim: GithubCopilotSimulator;
  let seatsUrl: string;
  before(async () => {
    sim = await startGithubCopilotSimulator({ rateLimit: false });
    seatsUrl = `${sim.baseUrl}/orgs/${ORG}/copilot/billing/seats`;
  });
  after(() => sim.close());

  it('no token is 401 Requires authentication; unknown, revoked or malformed tokens are 401 Bad credentials', async () => {
    assertGithubError(await get(seatsUrl, null), 401, 'Requires authentication');
    assertGithubError(await get(seatsUrl, 'ghp_doesnotexist'), 401, 'Bad credentials');
    assertGithubError(await get(seatsUrl, TOKENS.revoked), 401, 'Bad credentials');
    assertGithubError(await get(seatsUrl, null, { authorization: `Basic ${OWNER}` }), 401, 'Bad credentials');
    const res = await get(seatsUrl, 'ghp_doesnotexist');
    assert.equal(res.headers.get('x-ratelimit-limit'), '60', 'failed logins count against the unauthenticated limit');
  });

  it('accepts `token <t>` as well as `Bearer <t>`', async () => {
    assert.equal((await get(seatsUrl, null, { authorization: `token ${OWNER}` })).status, 200);
  });

  it('a member who is not an owner gets 403; an org the caller is not in is 404', async () => {
    assertGithubError(await get(seatsUrl, TOKENS.member), 403, /organization owner/);
    assertGithubError(await get(`${sim.baseUrl}/orgs/${ORG}/copilot/billing`, TOKENS.member), 403, /organization owner/);
    assertGithubError(await get(`${sim.baseUrl}/orgs/${ORG}/members/${F.owner.login}/copilot`, TOKENS.member), 403, /organization owner/);
    assertGithubError(await get(`${sim.baseUrl}/orgs/${OTHER_ORG}/copilot/billing/seats`), 404, 'Not Found');
    assertGithubError(await get(`${sim.baseUrl}/orgs/no-such-org/copilot/billing/seats`), 404, 'Not Found');
  });

  it('a classic token without an accepted scope is 403 and is told which scopes would do', async () => {
    const res = await get(seatsUrl, TOKENS.noScopes);
    assertGithubError(res, 403, 'Resource not accessible by personal access token');
    assert.equal(res.headers.get('x-oauth-scopes'), 'repo');
    assert.equal(res.headers.get('x-accepted-oauth-scopes'), 'manage_billing:copilot, read:org');
    const ok = await get(seatsUrl);
    assert.equal(ok.headers.get('x-oauth-scopes'), 'read:org, manage_billing:copilot');
  });

  it('admin:org implies read:org; a fine-grained token has no scope headers and no scope check', async () => {
    const seed = defaultGithubCopilotSeed();
    seed.tokens.push({ token: 'ghp_AdminOrgScope000000000000000000000009', user: F.owner.login, scopes: ['admin:org'], revoked: false });
    const local = await startGithubCopilotSimulator({ rateLimit: false, seed });
    try {
      assert.equal((await get(`${local.baseUrl}/orgs/${ORG}/copilot/billing/seats`, 'ghp_AdminOrgScope000000000000000000000009')).status, 200);
      const fine = await get(`${local.baseUrl}/orgs/${ORG}/copilot/billing/seats`, TOKENS.fineGrained);
      assert.equal(fine.status, 200);
      assert.equal(fine.headers.get('x-oauth-scopes'), null);
    } finally {
      await local.close();
    }
  });

  it('X-GitHub-Api-Version: supported versions are echoed, absent means 2022-11-28, others are 400', async () => {
    assert.equal((await get(seatsUrl)).headers.get('x-github-api-version-selected'), '2022-11-28');
    assert.equal((await get(seatsUrl, OWNER, { 'x-github-api-version': '2026-03-10' })).headers.get('x-github-api-version-selected'), '2026-03-10');
    const none = await fetch(seatsUrl, { headers: { authorization: `Bearer ${OWNER}` } });
    assert.equal(none.headers.get('x-github-api-version-selected'), '2022-11-28');
    assertGithubError(await get(seatsUrl, OWNER, { 'x-github-api-version': '2019-01-01' }), 400, 'API version 2019-01-01 is not supported.');
  });

  it('every response carries x-github-request-id', async () => {
    const a = await get(seatsUrl);
    const b = await get(seatsUrl, 'nope');
    assert.ok(a.headers.get('x-github-request-id'));
    assert.ok(b.headers.get('x-github-request-id'));
    assert.notEqual(a.headers.get('x-github-request-id'), b.headers.get('x-github-request-id'));
  });
});

describe('github-copilot simulator: primary rate limit', () => {
  it('counts per user in x-ratelimit-*, then refuses with 403 and remaining 0 until the reset', async () => {
    const sim = await startGithubCopilotSimulator({ rateLimit: { limit: 3, windowMs: 60_000 } });
    try {
      const url = `${sim.baseUrl}/orgs/${ORG}`;
      const before = Math.floor(Date.now() / 1000);
      const seen = [];
      // The window opens at the first request; bound it on both sides, since a loaded machine
      // can take a while to answer it.
      let afterFirst = 0;
      for (let i = 0; i < 3; i++) {
        const res = await get(url);
        if (i === 0) afterFirst = Math.ceil(Date.now() / 1000);
        assert.equal(res.status, 200);
        seen.push(res.headers.get('x-ratelimit-remaining'));
        assert.equal(res.headers.get('x-ratelimit-limit'), '3');
        assert.equal(res.headers.get('x-ratelimit-resource'), 'core');
      }
      assert.deepEqual(seen, ['2', '1', '0']);
      const refused = await get(url);
      assertGithubError(refused, 403, /^API rate limit exceeded for user ID 5000001/);
      assert.equal(refused.headers.get('x-ratelimit-remaining'), '0');
      assert.equal(refused.headers.get('x-ratelimit-used'), '3');
      const reset = Number(refused.headers.get('x-ratelimit-reset'));
      assert.ok(reset >= before + 60 && reset <= afterFirst + 60, `reset ${reset} is a minute after the first request (between ${before + 60} and ${afterFirst + 60})`);
      // The fine-grained token acts as the same user: same bucket.
      assert.equal((await get(url, TOKENS.fineGrained)).status, 403);
      // Another user has their own bucket.
      assert.equal((await get(url, TOKENS.member)).status, 200);
      assert.equal((await hook(sim, 'POST', '/reset')).status, 200);
      assert.equal((await get(url)).status, 200, 'reset gives fresh limits');
    } finally {
      await sim.close();
    }
  });

  it('rateLimitStatus 429 refuses with 429; rateLimit false keeps headers but never refuses', async () => {
    const sim429 = await startGithubCopilotSimulator({ rateLimit: { limit: 1, windowMs: 60_000 }, rateLimitStatus: 429 });
    const open = await startGithubCopilotSimulator({ rateLimit: false });
    try {
      await get(`${sim429.baseUrl}/orgs/${ORG}`);
      assert.equal((await get(`${sim429.baseUrl}/orgs/${ORG}`)).status, 429);
      for (let i = 0; i < 5; i++) assert.equal((await get(`${open.baseUrl}/orgs/${ORG}`)).status, 200);
      assert.equal((await get(`${open.baseUrl}/orgs/${ORG}`)).headers.get('x-ratelimit-limit'), '5000');
    } finally {
      await Promise.all([sim429.close(), open.close()]);
    }
  });
});

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

describe('github-copilot simulator: seeds', () => {
  it('the default seed is valid, deterministic and has the documented fixtures', () => {
    const a = defaultGithubCopilotSeed();
    assert.deepEqual(a, defaultGithubCopilotSeed());
    const seed = parseGithubCopilotSeed(a);
    const seats = seed.seats.filter((s) => s.org === ORG);
    assert.equal(seats.length, SEAT_COUNT);
    assert.ok(seats.some((s) => s.user === F.pendingCancellation.login && s.pending_cancellation_date));
    assert.ok(seats.some((s) => s.user === F.teamSeat.login && s.assigning_team === TEAM.slug));
    assert.ok(seats.some((s) => s.user === F.neverUsed.login && s.last_activity_at === null));
    const ids = new Set(seed.users.map((u) => u.id));
    assert.equal(ids.size, seed.users.length);
  });

  it('cross-references are checked: unknown team, team non-member, duplicate seat, unknown token user', () => {
    const bad = (mutate: (s: GithubCopilotSeed) => void, message: RegExp) => {
      const seed = defaultGithubCopilotSeed();
      mutate(seed);
      assert.throws(() => parseGithubCopilotSeed(seed), (e: unknown) => e instanceof InvalidSeedError && message.test(e.message));
    };
    bad((s) => (s.seats[0].assigning_team = 'ghosts'), /seats\[0\]\.assigning_team: unknown team "ghosts"/);
    bad((s) => (s.seats[0].assigning_team = 'platform'), /seats\[0\]\.assigning_team: "octo-admin" is not in team "platform"/);
    bad((s) => s.seats.push({ ...s.seats[1] }), /already has a seat/);
    bad((s) => (s.tokens[0].user = 'ghost'), /tokens\[0\]\.user: unknown user "ghost"/);
    bad((s) => (s.users[0].login = '-bad-'), /users\[0\]\.login: must be a GitHub login/);
    bad((s) => (s.seats[0].pending_cancellation_date = '2026-07-01T00:00:00Z'), /pending_cancellation_date: must be a YYYY-MM-DD date/);
  });

  it('startGithubCopilotSimulator rejects an invalid seed', async () => {
    await assert.rejects(startGithubCopilotSimulator({ seed: { users: [], orgs: [], seats: [{ org: 'x', user: 'y', created_at: 'now' }] } }), InvalidSeedError);
  });

  it('generateGithubCopilotSeed is deterministic per PRNG seed', () => {
    const a = generateGithubCopilotSeed({ seats: 120, seed: 7 });
    assert.deepEqual(a, generateGithubCopilotSeed({ seats: 120, seed: 7 }));
    assert.notDeepEqual(a.users, generateGithubCopilotSeed({ seats: 120, seed: 8 }).users);
    assert.equal(parseGithubCopilotSeed(a).seats.length, 120);
    assert.throws(() => generateGithubCopilotSeed({ seats: 0 }), /seats must be an integer >= 1/);
  });
});

describe('github-copilot simulator: main.ts', () => {
  it('runs as a command, prints its URL and tokens, serves the API and stops on SIGTERM', async () => {
    const main = fileURLToPath(new URL('./main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', main, '--port', '0', '--quiet', '--seats', '12'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    const baseUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 15_000);
      child.stdout.on('data', (chunk: string) => {
        out += chunk;
        const m = /listening: (http:\/\/\S+)/.exec(out);
        if (m && /tokens:\n\s+ghp_\w+/.test(out)) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
    });
    const token = /tokens:\n\s+(ghp_\w+)/.exec(out)![1];
    assert.match(out, /org generated-org \(id \d+\): 12 seats/);
    const res = await get(`${baseUrl}/orgs/generated-org/copilot/billing/seats`, token);
    assert.equal(res.body.total_seats, 12);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
