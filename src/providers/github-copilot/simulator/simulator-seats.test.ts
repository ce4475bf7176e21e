import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DEFAULT_GITHUB_COPILOT_EXTRA_TOKENS as TOKENS,
  DEFAULT_GITHUB_COPILOT_FIXTURES as F,
  DEFAULT_GITHUB_COPILOT_ORG as ORG,
  DEFAULT_GITHUB_COPILOT_ORG_ID as ORG_ID,
  DEFAULT_GITHUB_COPILOT_OTHER_ORG as OTHER_ORG,
  DEFAULT_GITHUB_COPILOT_SEAT_COUNT as SEAT_COUNT,
  DEFAULT_GITHUB_COPILOT_TEAM as TEAM,
  DEFAULT_GITHUB_COPILOT_TOKEN as OWNER,
  startGithubCopilotSimulator,
  type GithubCopilotSimulator,
} from './index.ts';
import { SEAT_KEYS, assertGithubError, get, links, scanSeats } from './simulator-test-kit.ts';

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
    assert.deepEqual(
      pages.map((p) => p.body.seats.length),
      [100, 100, 50],
    );
    assert.ok(pages.every((p) => p.body.total_seats === SEAT_COUNT));
    assert.equal(new Set(seats.map((s) => s.assignee.id)).size, SEAT_COUNT, 'every seat exactly once');
    const [p1, p2, p3] = pages.map(links);
    const at = (page: number) => `${sim.origin}/organizations/${ORG_ID}/copilot/billing/seats?per_page=100&page=${page}`;
    assert.deepEqual(p1, { next: at(2), last: at(3) });
    assert.deepEqual(p2, { prev: at(1), next: at(3), last: at(3), first: at(1) });
    assert.deepEqual(p3, { prev: at(2), first: at(1) });
    // GitHub's order of relations: prev, next, last, first.
    assert.deepEqual(
      [...pages[1].headers.get('link')!.matchAll(/rel="(\w+)"/g)].map((m) => m[1]),
      ['prev', 'next', 'last', 'first'],
    );
  });

  it('defaults to 50 per page; the seat order is stable across pages', async () => {
    const { pages, seats } = await scanSeats(seatsUrl);
    assert.deepEqual(
      pages.map((p) => p.body.seats.length),
      [50, 50, 50, 50, 50],
    );
    const big = await scanSeats(`${seatsUrl}?per_page=100`);
    assert.deepEqual(
      seats.map((s) => s.assignee.login),
      big.seats.map((s) => s.assignee.login),
    );
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

  it("seat objects have GitHub's shape for every fixture", async () => {
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

  it("GET /user is the token's user", async () => {
    const res = await get(`${sim.baseUrl}/user`, TOKENS.member);
    assert.equal(res.body.login, F.memberWithoutSeat.login);
  });

  it('unknown routes and methods are GitHub 404s', async () => {
    assertGithubError(await get(`${sim.baseUrl}/orgs/${ORG}/copilot/nope`), 404, 'Not Found');
    const post = await fetch(`${sim.baseUrl}/orgs/${ORG}/copilot/billing/seats`, { method: 'POST', headers: { authorization: `Bearer ${OWNER}` } });
    assert.equal(post.status, 404);
  });
});
