/**
 * The GitHub Copilot integration (docs/providers/sources.md §7) end to end: the unified users resource,
 * the proxy and the error model over HTTP, against the sandbox account that `startTestStack()`
 * connects to the GitHub Copilot simulator. Nothing here is GitHub-specific engine code: the
 * integration is the YAML beside this file.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DEFAULT_GITHUB_COPILOT_FIXTURES as F,
  DEFAULT_GITHUB_COPILOT_ORG as ORG,
  DEFAULT_GITHUB_COPILOT_ORG_ID as ORG_ID,
  DEFAULT_GITHUB_COPILOT_SEAT_COUNT as SEAT_COUNT,
  DEFAULT_GITHUB_COPILOT_TOKEN,
} from './simulator/index.ts';
import { schemaValidator } from '../../../test/helpers/schema.ts';
import { simulatorOrigin, startTestStack, type TestStack } from '../../../test/helpers/stack.ts';

type Json = Record<string, any>;

const validUser = schemaValidator('usage-metering', 'users');
let stack: TestStack;
let account: string;
let sim: string;

const usersUrl = (query = '', id?: string) =>
  `/unified/usage-metering/users${id ? `/${encodeURIComponent(id)}` : ''}?integrated_account_id=${account}${query ? `&${query}` : ''}`;

async function getJson(path: string) {
  const res = await stack.api(path);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : ({} as Json), text };
}

async function simRequests(): Promise<{ method: string; path: string; query: Record<string, string> }[]> {
  return ((await (await fetch(`${sim}/__sim/requests`)).json()) as { requests: [] }).requests;
}

const clearSimRequests = () => fetch(`${sim}/__sim/requests`, { method: 'DELETE' });
const clearFaults = () => fetch(`${sim}/__sim/faults`, { method: 'DELETE' });

async function injectFault(spec: Json) {
  const res = await fetch(`${sim}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
  assert.ok(res.status < 300, await res.text());
}

/** The seats the simulator bills, read from it directly (not through Tessera). */
async function simulatorSeats(): Promise<Json[]> {
  const seats: Json[] = [];
  let url: string | undefined = `${stack.simulators['github-copilot']}/orgs/${ORG}/copilot/billing/seats?per_page=100`;
  while (url) {
    const res = await fetch(url, { headers: { authorization: `Bearer ${DEFAULT_GITHUB_COPILOT_TOKEN}` } });
    const body = (await res.json()) as { total_seats: number; seats: Json[] };
    seats.push(...body.seats);
    url = /<([^>]+)>;\s*rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
  }
  return seats;
}

before(async () => {
  stack = await startTestStack();
  account = stack.accounts['github-copilot'];
  assert.ok(account, 'the sandbox connects a github-copilot account');
  sim = simulatorOrigin(stack.simulators['github-copilot']);
});
after(async () => {
  await stack?.close();
});

describe('GET /unified/usage-metering/users on GitHub Copilot', () => {
  test("pages follow next_cursor to the end without duplicates; the count is the simulator's seat count", async () => {
    await clearSimRequests();
    const seen: string[] = [];
    let cursor: string | null = '';
    let pages = 0;
    do {
      const { status, body, text } = await getJson(usersUrl(`limit=40&next_cursor=${encodeURIComponent(cursor ?? '')}`));
      assert.equal(status, 200, text);
      assert.deepEqual(Object.keys(body).sort(), ['next_cursor', 'prev_cursor', 'result', 'result_count']);
      assert.equal(body.result_count, body.result.length);
      assert.ok(body.result.length <= 40);
      for (const user of body.result) {
        assert.equal(validUser(user), null, JSON.stringify(user));
        seen.push(user.id);
      }
      cursor = body.next_cursor;
      pages++;
    } while (cursor && pages < 50);
    assert.equal(cursor, null);
    assert.equal(pages, Math.ceil(SEAT_COUNT / 40));
    assert.equal(new Set(seen).size, seen.length, 'no duplicates');
    const calls = (await simRequests()).filter((r) => r.path.endsWith('/copilot/billing/seats'));
    const seats = await simulatorSeats();
    assert.equal(seats.length, SEAT_COUNT);
    assert.equal(seen.length, seats.length);
    assert.deepEqual([...seen].sort(), seats.map((s) => String(s.assignee.id)).sort());

    // per_page came from `limit`, and later pages were the ones GitHub's Link header named.
    assert.equal(calls.length, pages);
    assert.ok(calls.every((r) => r.query.per_page === '40'));
    assert.equal(calls[0].path, `/orgs/${ORG}/copilot/billing/seats`);
    assert.deepEqual(
      calls.slice(1).map((r) => [r.path, r.query.page]),
      calls.slice(1).map((_, i) => [`/organizations/${ORG_ID}/copilot/billing/seats`, String(i + 2)]),
    );
  });

  test("a limit above GitHub's per_page maximum asks for 100", async () => {
    await clearSimRequests();
    const { body } = await getJson(usersUrl('limit=500'));
    assert.equal(body.result.length, 100);
    const calls = (await simRequests()).filter((r) => r.path.endsWith('/copilot/billing/seats'));
    assert.equal(calls[0].query.per_page, '100');
  });

  test('truto_ignore_limit follows every Link page into one envelope', async () => {
    const { body } = await getJson(usersUrl('limit=60&truto_ignore_limit=true&truto_ignore_remote_data=true'));
    assert.equal(body.next_cursor, null);
    assert.equal(body.result.length, SEAT_COUNT);
    assert.equal(body.result_count, SEAT_COUNT);
  });

  test('every seat maps per §7.5: ids as strings, org from the side load, plan as role, always active', async () => {
    const { body } = await getJson(usersUrl('truto_ignore_limit=true'));
    for (const user of body.result) {
      assert.equal(user.id, String(user.remote_data.assignee.id));
      assert.equal(user.name, user.remote_data.assignee.name ?? user.remote_data.assignee.login);
      assert.deepEqual(user.organization, { id: String(ORG_ID), name: ORG });
      assert.deepEqual(user.roles, [{ id: user.remote_data.plan_type, name: `copilot_${user.remote_data.plan_type}` }]);
      assert.equal(user.status, 'active');
      assert.equal(user.created_at, user.remote_data.created_at);
      assert.equal(user.last_active_at, user.remote_data.last_activity_at ?? undefined);
      if (user.remote_data.assignee.email) assert.deepEqual(user.emails, [{ email: user.remote_data.assignee.email, is_primary: true }]);
      else assert.equal('emails' in user, false);
    }
  });

  test('the organization is side-loaded once and cached: a second list does not fetch it again', async () => {
    await getJson(usersUrl('limit=5'));
    await clearSimRequests();
    await getJson(usersUrl('limit=5'));
    const paths = (await simRequests()).map((r) => r.path);
    assert.equal(paths.includes(`/orgs/${ORG}`), false, paths.join(', '));
    assert.ok(
      paths.some((p) => p.endsWith('/copilot/billing/seats')),
      'seats are never cached',
    );
  });

  test('raw lists GitHub seats unmapped, and its cursor still works', async () => {
    const { body } = await getJson(usersUrl('limit=3&truto_response_format=raw'));
    assert.equal(body.result.length, 3);
    assert.ok(body.result[0].assignee && 'plan_type' in body.result[0]);
    const next = await getJson(usersUrl(`limit=3&truto_response_format=raw&next_cursor=${encodeURIComponent(body.next_cursor)}`));
    assert.equal(next.status, 200);
    assert.equal(next.body.result.length, 3);
    assert.notEqual(next.body.result[0].assignee.id, body.result[0].assignee.id);
  });

  test('normalized list records carry every schema field, with nulls and no remote_data', async () => {
    const { body } = await getJson(usersUrl('limit=10&truto_response_format=normalized'));
    for (const user of body.result) {
      assert.deepEqual(Object.keys(user), [
        'id',
        'name',
        'created_at',
        'emails',
        'first_name',
        'last_active_at',
        'last_name',
        'organization',
        'roles',
        'spend_limit',
        'status',
        'updated_at',
      ]);
      assert.equal(user.spend_limit, null);
      assert.match(user.created_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    }
  });

  test('debug on a list reports paging facts and the upstream call, the token redacted', async () => {
    const { body, text } = await getJson(usersUrl('limit=2&truto_response_format=debug'));
    assert.equal(body.result.length, 2);
    assert.equal(typeof body.debug.nextCursor, 'string');
    assert.equal(body.debug.isLooping, false);
    assert.equal(body.debug.isEmptyResult, false);
    assert.equal(body.debug.resultCount, 2);
    assert.match(body.debug.requestUrl, new RegExp(`/orgs/${ORG}/copilot/billing/seats\\?`));
    assert.equal(body.debug.requestOptions.headers.authorization, 'Bearer ********');
    assert.equal(text.includes(DEFAULT_GITHUB_COPILOT_TOKEN), false, 'the token must not appear in debug output');
  });
});

describe('GET /unified/usage-metering/users/{id} on GitHub Copilot', () => {
  test('by numeric account id: the owner with every field §7.5 gives', async () => {
    const { status, body } = await getJson(usersUrl('', String(F.owner.id)));
    assert.equal(status, 200);
    const { remote_data, ...unified } = body;
    assert.deepEqual(unified, {
      id: String(F.owner.id),
      name: 'Octo Admin',
      first_name: 'Octo',
      last_name: 'Admin',
      emails: [{ email: 'octo-admin@tessera.example', is_primary: true }],
      organization: { id: String(ORG_ID), name: ORG },
      roles: [{ id: 'business', name: 'copilot_business' }],
      status: 'active',
      created_at: '2024-02-01T09:00:00Z',
      last_active_at: '2026-06-15T10:00:00Z',
      updated_at: '2024-02-01T09:00:00Z',
    });
    assert.equal(remote_data.assignee.login, F.owner.login);
    assert.equal(validUser(body), null);
  });

  test('by login, case-insensitively; a three-word name splits at the first space; a null email is left out', async () => {
    const { status, body } = await getJson(usersUrl('', F.teamSeat.login.toUpperCase()));
    assert.equal(status, 200);
    assert.equal(body.id, String(F.teamSeat.id));
    assert.equal(body.first_name, 'Mona');
    assert.equal(body.last_name, 'Lisa Octocat');
    assert.equal('emails' in body, false);
    assert.equal(body.remote_data.assigning_team.slug, 'copilot-pilots');
  });

  test('a seat never used has no last_active_at and is named by its login; a single-word name has no last_name', async () => {
    const never = await getJson(usersUrl('', String(F.neverUsed.id)));
    assert.equal(never.status, 200);
    assert.equal(never.body.name, F.neverUsed.login);
    assert.equal('last_active_at' in never.body, false);
    assert.equal('first_name' in never.body, false);
    assert.equal(validUser(never.body), null);
    const cher = await getJson(usersUrl('', F.singleName.login));
    assert.equal(cher.body.first_name, 'Cher');
    assert.equal('last_name' in cher.body, false);
  });

  test('a seat pending cancellation is still active', async () => {
    const { body } = await getJson(usersUrl('', String(F.pendingCancellation.id)));
    assert.equal(body.status, 'active');
    assert.equal(typeof body.remote_data.pending_cancellation_date, 'string');
  });

  test('the last seat of the last page is found: the lookup follows the Link header', async () => {
    const seats = await simulatorSeats();
    const last = seats[seats.length - 1];
    await clearSimRequests();
    // By login: the record index (filled by earlier lists) holds seats by their unified id only, so this get scans.
    const { status, body } = await getJson(usersUrl('', last.assignee.login));
    assert.equal(status, 200);
    assert.equal(body.id, String(last.assignee.id));
    assert.equal(body.remote_data.assignee.login, last.assignee.login);
    const scanned = (await simRequests()).filter((r) => r.path.endsWith('/copilot/billing/seats'));
    assert.equal(scanned.length, Math.ceil(SEAT_COUNT / 100));
  });

  test('an unknown id, or a member without a seat, is a 404 in the envelope, not a remote error', async () => {
    for (const id of ['999999999', F.memberWithoutSeat.login]) {
      const { status, body } = await getJson(usersUrl('', id));
      assert.equal(status, 404);
      assert.deepEqual(body, { statusCode: 404, error: 'Not Found', message: `User ${id} not found`, code: 'TESSERA_RECORD_NOT_FOUND' });
    }
  });

  test('raw is the matched seat; normalized is schema-complete; debug redacts the token', async () => {
    const raw = await getJson(usersUrl('truto_response_format=raw', String(F.owner.id)));
    assert.equal(raw.body.assignee.id, F.owner.id);
    assert.equal(raw.body.plan_type, 'business');
    const normalized = await getJson(usersUrl('truto_response_format=normalized', String(F.neverUsed.id)));
    assert.equal(normalized.body.last_active_at, null);
    assert.equal(normalized.body.emails, null);
    assert.equal(normalized.body.created_at, '2026-05-28T08:00:00.000Z');
    assert.equal('remote_data' in normalized.body, false);
    const debug = await getJson(usersUrl('truto_response_format=debug', String(F.owner.id)));
    assert.equal(debug.body.result.id, String(F.owner.id));
    assert.ok(debug.body.debug.calls.length >= 1);
    assert.ok(debug.body.debug.responseHeaders['x-github-request-id']);
    assert.equal(debug.text.includes(DEFAULT_GITHUB_COPILOT_TOKEN), false);
  });
});

describe('GitHub errors through Tessera', () => {
  const seatsGlob = '/orgs/*/copilot/billing/seats';

  test('a 503 is retried for a GET', async () => {
    await injectFault({ path: seatsGlob, status: 503, count: 2 });
    const { status, body } = await getJson(usersUrl('limit=3'));
    assert.equal(status, 200);
    assert.equal(body.result.length, 3);
    await clearFaults();
  });

  test("a persistent 500 surfaces as a remote 500 with GitHub's message", async () => {
    await injectFault({ path: seatsGlob, status: 500, count: 10 });
    const { status, body, text } = await getJson(usersUrl('limit=3'));
    await clearFaults();
    assert.equal(status, 500);
    assert.equal(body.statusCode, 500);
    assert.equal(body.truto_is_remote_error, true);
    assert.equal(body.message, 'Server Error');
    assert.ok(body.truto_error_insight.remote_error);
    assert.equal(text.includes('    at '), false, 'no stack trace');
  });

  test('a 429 with Retry-After beyond the retry budget is a remote 429 with Retry-After and the request id', async () => {
    await injectFault({ path: seatsGlob, status: 429, count: 1, retry_after: 120 });
    const { status, body, headers } = await getJson(usersUrl('limit=3'));
    await clearFaults();
    assert.equal(status, 429);
    assert.equal(headers.get('retry-after'), '120');
    assert.equal(body.truto_is_remote_error, true);
    assert.ok(body.truto_error_insight.rate_limit_error);
    assert.ok(headers.get('x-github-request-id'), 'the provider request id is forwarded');
  });

  test('a 403 with x-ratelimit-remaining 0 is a rate limit: 429 until x-ratelimit-reset, headers forwarded', async () => {
    const reset = Math.ceil(Date.now() / 1000) + 900;
    await injectFault({
      path: seatsGlob,
      status: 403,
      count: 1,
      headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-used': '5000', 'x-ratelimit-reset': String(reset) },
      body: {
        message: 'API rate limit exceeded for user ID 5000001.',
        documentation_url: 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api',
        status: '403',
      },
    });
    const { status, body, headers } = await getJson(usersUrl('limit=3'));
    await clearFaults();
    assert.equal(status, 429);
    assert.equal(body.truto_is_remote_error, true);
    assert.ok(body.truto_error_insight.rate_limit_error);
    assert.match(body.message, /API rate limit exceeded/);
    const retryAfter = Number(headers.get('retry-after'));
    assert.ok(retryAfter > 800 && retryAfter <= 901, `Retry-After ${retryAfter} counts down to x-ratelimit-reset`);
    assert.equal(headers.get('x-ratelimit-remaining'), '0');
  });

  test("a plain 403 (not a rate limit) is a remote 403 with GitHub's message", async () => {
    await injectFault({
      path: seatsGlob,
      status: 403,
      count: 1,
      body: {
        message: 'Must be an organization owner to manage Copilot for this organization.',
        documentation_url: 'https://docs.github.com/rest',
        status: '403',
      },
    });
    const { status, body } = await getJson(usersUrl('limit=3'));
    await clearFaults();
    assert.equal(status, 403);
    assert.equal(body.truto_is_remote_error, true);
    assert.equal(body.message, 'Must be an organization owner to manage Copilot for this organization.');
  });

  test("a 422 names GitHub's validation errors in the message", async () => {
    await injectFault({
      path: seatsGlob,
      status: 422,
      count: 1,
      body: {
        message: 'Validation Failed',
        errors: [{ resource: 'Search', field: 'per_page', code: 'invalid', message: 'per_page must be at most 100' }],
        documentation_url: 'https://docs.github.com/rest',
        status: '422',
      },
    });
    const { status, body } = await getJson(usersUrl('limit=3'));
    await clearFaults();
    assert.equal(status, 422);
    assert.equal(body.truto_is_remote_error, true);
    assert.equal(body.message, 'Validation Failed: per_page must be at most 100');
  });
});

describe('proxy on GitHub Copilot', () => {
  const q = () => `integrated_account_id=${account}`;

  test('/proxy/seats pages the native seats in the list envelope', async () => {
    const seen: number[] = [];
    let cursor: string | null = '';
    let pages = 0;
    do {
      const res = await stack.api(`/proxy/seats?${q()}&limit=100&next_cursor=${encodeURIComponent(cursor ?? '')}`);
      assert.equal(res.status, 200);
      const body = (await res.json()) as { result: Json[]; next_cursor: string | null; result_count: number };
      assert.equal(body.result_count, body.result.length);
      seen.push(...body.result.map((s) => s.assignee.id as number));
      cursor = body.next_cursor;
      pages++;
    } while (cursor && pages < 20);
    assert.equal(pages, Math.ceil(SEAT_COUNT / 100));
    assert.equal(seen.length, SEAT_COUNT);
    assert.equal(new Set(seen).size, SEAT_COUNT);
  });

  test("/proxy/seat/{login} returns GitHub's seat verbatim; a member without a seat is a remote 404", async () => {
    const res = await stack.api(`/proxy/seat/${F.owner.login}?${q()}`);
    assert.equal(res.status, 200);
    const seat = (await res.json()) as Json;
    const direct = (await simulatorSeats()).find((s) => s.assignee.login === F.owner.login);
    assert.deepEqual(seat, direct);
    const missing = await stack.api(`/proxy/seat/${F.memberWithoutSeat.login}?${q()}`);
    assert.equal(missing.status, 404);
    const body = (await missing.json()) as Json;
    assert.equal(body.truto_is_remote_error, true);
    assert.equal(body.message, 'Not Found');
    assert.ok(missing.headers.get('x-github-request-id'));
  });
});
