import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { stringify as toYaml } from 'yaml';
import { DEFAULT_NEON_FIXTURE_IDS as IDS, generateNeonSeed, startNeonSimulator, type NeonSeed, type NeonSimulator } from './index.ts';
import { simRequest, type SimResponse } from './sim-client.ts';
import { ORG, ORG_KEY, PERSONAL, UUID_RE, assertNeonError } from './simulator-test-kit.ts';

describe('neon simulator: headers, faults, latency, request log, rate limits', () => {
  let sim: NeonSimulator;
  const hook = (path: string, method = 'GET', body?: unknown) => simRequest(`${sim.origin}/__sim${path}`, { method, body });
  before(async () => {
    sim = await startNeonSimulator({ rateLimit: false });
  });
  beforeEach(() => sim.reset());
  after(() => sim.close());

  it('every response carries a fresh uuid x-neon-ret-request-id and the JSON content type', async () => {
    await hook('/faults', 'POST', { path: '/api/v2/users/me', status: 503 });
    const calls = [
      () => simRequest(`${sim.baseUrl}/auth`),
      () => simRequest(`${sim.baseUrl}/auth`, { key: PERSONAL }),
      () => simRequest(`${sim.baseUrl}/users/me`, { key: PERSONAL }),
      () => simRequest(`${sim.baseUrl}/no/such/route`, { key: PERSONAL }),
      () => simRequest(`${sim.origin}/not-even-the-api`),
      () => simRequest(`${sim.baseUrl}/organizations/BAD/members`, { key: PERSONAL }),
      () => simRequest(`${sim.baseUrl}/organizations/${ORG}/members?limit=0`, { key: PERSONAL }),
      () => hook('/requests'),
    ];
    const responses: SimResponse[] = [];
    for (const call of calls) responses.push(await call());
    assert.deepEqual(
      responses.map((r) => r.status),
      [401, 200, 503, 404, 404, 400, 400, 200],
    );
    for (const res of responses) {
      assert.match(res.requestId ?? '', UUID_RE);
      assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
    }
    assert.equal(new Set(responses.map((r) => r.requestId)).size, responses.length);
    assertNeonError(responses[3], 404, 'Not Found');
  });

  it('X-Request-ID is echoed into error bodies; the header id stays server-generated', async () => {
    const res = await simRequest(`${sim.baseUrl}/organizations/${ORG}/members?limit=9999`, {
      key: PERSONAL,
      headers: { 'X-Request-ID': 'my-trace-123' },
    });
    assert.equal(res.status, 400);
    assert.equal(res.body.request_id, 'my-trace-123');
    assert.match(res.requestId ?? '', UUID_RE);
    const unauth = await simRequest(`${sim.baseUrl}/auth`, { headers: { 'x-request-id': 'trace-401' } });
    assert.equal(unauth.body.request_id, 'trace-401');
  });

  it('a 429 fault with retry_after and count fails exactly the next N matching requests', async () => {
    const added = await hook('/faults', 'POST', { method: 'GET', path: '/api/v2/organizations/*/members', status: 429, count: 2, retry_after: 3 });
    assert.equal(added.status, 201);
    const url = `${sim.baseUrl}/organizations/${ORG}/members?limit=1`;
    // Other paths and methods are unaffected and do not consume the fault.
    assert.equal((await simRequest(`${sim.baseUrl}/organizations/${ORG}`, { key: PERSONAL })).status, 200);
    assert.equal((await simRequest(`${sim.baseUrl}/organizations/${ORG}/members/${IDS.adminMemberId}`, { key: PERSONAL })).status, 200);
    for (let i = 0; i < 2; i++) {
      const res = await simRequest(url, { key: PERSONAL });
      assertNeonError(res, 429, 'rate limit exceeded');
      assert.equal(res.headers.get('retry-after'), '3');
    }
    const third = await simRequest(url, { key: PERSONAL });
    assert.equal(third.status, 200);
    assert.equal(third.headers.get('retry-after'), null);
  });

  it('503, 423 and 500 faults queue in order, apply before auth, and can carry a custom body', async () => {
    sim.injectFault({ path: '/api/v2/auth', status: 503 });
    sim.injectFault({ path: '/api/v2/auth', status: 423 });
    sim.injectFault({ path: '/api/v2/auth', status: 500, body: { message: 'custom' } });
    const a = await simRequest(`${sim.baseUrl}/auth`);
    assertNeonError(a, 503);
    assert.equal(a.headers.get('retry-after'), null);
    assertNeonError(await simRequest(`${sim.baseUrl}/auth`), 423);
    const c = await simRequest(`${sim.baseUrl}/auth`);
    assert.equal(c.status, 500);
    assert.deepEqual(c.body, { message: 'custom' });
    assert.match(c.requestId ?? '', UUID_RE);
    assert.equal((await simRequest(`${sim.baseUrl}/auth`)).status, 401);
  });

  it('fault hooks: list, method filter, validation and DELETE /__sim/faults', async () => {
    await hook('/faults', 'POST', { method: 'POST', path: '/api/v2/**', status: 500, count: 5 });
    assert.equal((await simRequest(`${sim.baseUrl}/auth`, { key: PERSONAL })).status, 200, 'GET is not matched');
    const listed = await hook('/faults');
    assert.equal(listed.body.faults.length, 1);
    assert.equal(listed.body.faults[0].remaining, 5);
    assert.equal((await hook('/faults', 'DELETE')).status, 200);
    assert.equal((await hook('/faults')).body.faults.length, 0);
    const invalid = await hook('/faults', 'POST', { path: '/api/v2/auth' });
    assert.equal(invalid.status, 400);
    assert.match(invalid.body.error, /status, a delay_ms/);
  });

  it('delay_ms without status adds latency and then serves normally', async () => {
    // A delay well above a loaded machine's worst local round trip, so the two cases cannot blur.
    await hook('/faults', 'POST', { path: `/api/v2/organizations/${ORG}`, delay_ms: 1000 });
    const t0 = performance.now();
    const slow = await simRequest(`${sim.baseUrl}/organizations/${ORG}`, { key: PERSONAL });
    const slowMs = performance.now() - t0;
    assert.equal(slow.status, 200);
    assert.ok(slowMs >= 990, `took ${slowMs} ms`);
    const t1 = performance.now();
    await simRequest(`${sim.baseUrl}/organizations/${ORG}`, { key: PERSONAL });
    assert.ok(performance.now() - t1 < 900, 'only the next request is slowed');
  });

  it('the request log records what arrived, with Authorization redacted', async () => {
    await simRequest(`${sim.baseUrl}/organizations/${ORG}/members?limit=5&sort_by=email`, { key: PERSONAL });
    await simRequest(`${sim.baseUrl}/organizations/${ORG}/members/${IDS.memberMemberId}`, { key: ORG_KEY, method: 'PATCH', body: { role: 'viewer' } });
    await simRequest(`${sim.baseUrl}/auth`);
    const res = await hook('/requests');
    const log = res.body.requests;
    assert.equal(log.length, 3, 'hook calls are not logged');
    assert.deepEqual(
      log.map((r: { method: string; path: string; status: number }) => [r.method, r.path, r.status]),
      [
        ['GET', `/api/v2/organizations/${ORG}/members`, 200],
        ['PATCH', `/api/v2/organizations/${ORG}/members/${IDS.memberMemberId}`, 200],
        ['GET', '/api/v2/auth', 401],
      ],
    );
    assert.deepEqual(log[0].query, { limit: '5', sort_by: 'email' });
    assert.equal(log[0].headers.authorization, 'Bearer ********');
    assert.deepEqual(log[1].body, { role: 'viewer' });
    assert.match(log[0].timestamp, /^\d{4}-\d{2}-\d{2}T/);
    assert.equal(log[2].headers.authorization, undefined);
    const dump = JSON.stringify(log);
    assert.ok(!dump.includes(PERSONAL) && !dump.includes(ORG_KEY), 'no key in the log');
    assert.equal((await hook('/requests?method=PATCH')).body.requests.length, 1);
    assert.equal(sim.requests().length, 3);
    await hook('/requests', 'DELETE');
    assert.equal((await hook('/requests')).body.requests.length, 0);
  });

  it('reset restores the starting seed; seed loads a new one (JSON or YAML) and rejects bad ones by path', async () => {
    const stateBefore = sim.state;
    await simRequest(`${sim.baseUrl}/organizations/${ORG}/members/${IDS.viewerMemberId}`, { key: PERSONAL, method: 'DELETE' });
    assert.equal(sim.state.member(ORG, IDS.viewerMemberId), undefined);
    assert.equal((await hook('/reset', 'POST')).status, 200);
    assert.ok(sim.state.member(ORG, IDS.viewerMemberId), 'member is back');
    assert.equal(sim.state, stateBefore, 'state object is stable across reset');

    const generated = generateNeonSeed({ orgId: 'tiny-org', members: 3, seed: 7 });
    const [userKey] = generated.keys;
    assert.equal((await hook('/seed', 'POST', generated)).status, 200);
    assert.equal((await simRequest(`${sim.baseUrl}/auth`, { key: PERSONAL })).status, 401, 'old keys are gone');
    assert.equal((await simRequest(`${sim.baseUrl}/organizations/tiny-org/members`, { key: userKey.token })).body.members.length, 3);

    const yamlSeed = generateNeonSeed({ orgId: 'yaml-org', members: 2, seed: 8 });
    const yamlRes = await simRequest(`${sim.origin}/__sim/seed`, { method: 'POST', body: toYaml(yamlSeed), headers: { 'content-type': 'application/yaml' } });
    assert.equal(yamlRes.status, 200);
    assert.equal((await simRequest(`${sim.baseUrl}/organizations/yaml-org`, { key: yamlSeed.keys[0].token })).status, 200);

    const broken = structuredClone(generated) as NeonSeed;
    (broken.members[1].member as { id: string }).id = 'nope';
    const bad = await hook('/seed', 'POST', broken);
    assert.equal(bad.status, 400);
    assert.match(bad.body.error, /members\[1\]\.member\.id: must be a uuid/);

    await hook('/reset', 'POST');
    assert.equal((await simRequest(`${sim.baseUrl}/auth`, { key: PERSONAL })).status, 200, 'reset goes back to the starting seed');
  });

  it('rate limits: burst per route and per minute per account, 429 without Retry-After', async () => {
    const limited = await startNeonSimulator({ rateLimit: { perMinute: 6, burstPerSecond: 3 } });
    try {
      const get = (path: string, key = PERSONAL) => simRequest(`${limited.baseUrl}${path}`, { key });
      for (let i = 0; i < 3; i++) assert.equal((await get('/auth')).status, 200);
      const burst = await get('/auth');
      assertNeonError(burst, 429, 'rate limit exceeded');
      assert.equal(burst.headers.get('retry-after'), null);
      // Another route and another account each have their own burst budget.
      assert.equal((await get(`/organizations/${ORG}`)).status, 200);
      assert.equal((await get('/auth', ORG_KEY)).status, 200);
      // The per-account minute budget (6) spans routes: 3 + 1 used, 2 left.
      assert.equal((await get('/users/me')).status, 200);
      assert.equal((await get('/users/me/organizations')).status, 200);
      assertNeonError(await get(`/organizations/${ORG}/invitations`), 429, 'rate limit exceeded');
    } finally {
      await limited.close();
    }
  });

  it("default rate limit is Neon's 40 per second per route", async () => {
    const limited = await startNeonSimulator();
    try {
      const started = performance.now();
      const results = await Promise.all(Array.from({ length: 45 }, () => simRequest(`${limited.baseUrl}/auth`, { key: PERSONAL })));
      const elapsed = performance.now() - started;
      const limitedCount = results.filter((r) => r.status === 429).length;
      // The window is one second; on a machine too loaded to send 45 local requests in that time
      // the exact split cannot be asserted, but some must still have been limited.
      if (elapsed < 900) {
        assert.equal(results.filter((r) => r.status === 200).length, 40);
        assert.equal(limitedCount, 5);
      } else {
        assert.ok(limitedCount > 0 || elapsed > 1000, `no 429 in ${elapsed} ms`);
      }
    } finally {
      await limited.close();
    }
  });
});
