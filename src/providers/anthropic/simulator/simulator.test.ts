/**
 * The Anthropic simulator's own behaviour (README.md in this folder): the authentication gate and
 * its order, request ids, list paging and filters, the rate limit, the /__sim hooks, seed
 * validation and the `npm run simulator -- anthropic` command. Reports, spend limits and analytics
 * are in simulator-reports.test.ts; SDK compatibility in contract.test.ts.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  DEFAULT_ANTHROPIC_ADMIN_KEY as ADMIN,
  DEFAULT_ANTHROPIC_KEYS,
  DEFAULT_ANTHROPIC_WORKSPACES as W,
  InvalidSeedError,
  defaultAnthropicSeed,
  parseAnthropicSeed,
  startAnthropicSimulator,
  type AnthropicSeed,
  type AnthropicSimulator,
} from './index.ts';
import { assertAnthropicError, get, hook, qs } from './simulator-test-kit.ts';

let sim: AnthropicSimulator;
const seed = defaultAnthropicSeed();

before(async () => {
  sim = await startAnthropicSimulator({ rateLimits: false });
});
after(async () => {
  await sim?.close();
});

describe('anthropic simulator: authentication', () => {
  it('accepts the admin key in x-api-key or as a Bearer token', async () => {
    for (const via of ['x-api-key', 'bearer'] as const) {
      const res = await get(sim, '/me', { via });
      assert.equal(res.status, 200);
      assert.deepEqual(res.body, { id: seed.organization.id, name: seed.organization.name, type: 'organization' });
    }
  });

  it('no key → 401 "x-api-key header is required"; ordinary, revoked or unknown keys → 401 "invalid x-api-key"', async () => {
    assertAnthropicError(await get(sim, '/users', { key: null }), 401, 'authentication_error', 'x-api-key header is required');
    for (const key of [DEFAULT_ANTHROPIC_KEYS.api, DEFAULT_ANTHROPIC_KEYS.revokedAdmin, 'sk-ant-admin01-unknown']) {
      assertAnthropicError(await get(sim, '/users', { key }), 401, 'authentication_error', 'invalid x-api-key');
      assertAnthropicError(await get(sim, '/users', { key, via: 'bearer' }), 401, 'authentication_error', 'invalid x-api-key');
    }
  });

  it('anthropic-version is required after authentication, any value accepted', async () => {
    assertAnthropicError(await get(sim, '/me', { version: false }), 400, 'invalid_request_error', 'anthropic-version: header is required');
    assertAnthropicError(await get(sim, '/me', { key: null, version: false }), 401, 'authentication_error', 'x-api-key header is required');
    const res = await fetch(`${sim.baseUrl}/v1/organizations/me`, { headers: { 'x-api-key': ADMIN, 'anthropic-version': '2026-10-21' } });
    assert.equal(res.status, 200);
  });

  it("every response carries a request-id; an unknown route is a 404 in Anthropic's shape", async () => {
    const ok = await get(sim, '/me');
    assert.match(ok.headers.get('request-id') ?? '', /^[0-9a-f-]{36}$/);
    assertAnthropicError(await get(sim, '/nothing-here'), 404, 'not_found_error', 'Not Found');
  });
});

describe('anthropic simulator: lists', () => {
  it('users: limit default 20, bounds 1–1000, after_id pages forward with has_more/first_id/last_id', async () => {
    const all = await get(sim, '/users');
    assert.equal(all.body.data.length, seed.users.length);
    assert.equal(all.body.has_more, false);
    const first = await get(sim, '/users?limit=5');
    assert.deepEqual([first.body.has_more, first.body.first_id, first.body.last_id], [true, seed.users[0].id, seed.users[4].id]);
    const last = await get(sim, `/users?limit=5&after_id=${seed.users[9].id}`);
    assert.deepEqual(
      last.body.data.map((u: any) => u.id),
      seed.users.slice(10).map((u) => u.id),
    );
    assert.equal(last.body.has_more, false);
    for (const bad of ['0', '1001', 'ten']) assertAnthropicError(await get(sim, `/users?limit=${bad}`), 400, 'invalid_request_error', /^limit: /);
  });

  it('before_id pages backwards; both cursors, or an unknown id, is a 400', async () => {
    const back = await get(sim, `/users?limit=3&before_id=${seed.users[5].id}`);
    assert.deepEqual(
      back.body.data.map((u: any) => u.id),
      seed.users.slice(2, 5).map((u) => u.id),
    );
    assert.equal(back.body.has_more, true, 'items remain before the page');
    const start = await get(sim, `/users?limit=3&before_id=${seed.users[2].id}`);
    assert.equal(start.body.has_more, false);
    assertAnthropicError(await get(sim, `/users?after_id=${seed.users[1].id}&before_id=${seed.users[5].id}`), 400, 'invalid_request_error', /both/);
    assertAnthropicError(await get(sim, '/users?after_id=user_01Nobody'), 400, 'invalid_request_error', /after_id/);
  });

  it('users filters: roles[] and repeated roles, email case-insensitively; an unknown role is a 400', async () => {
    const owners = await get(sim, `/users?${qs({ roles: ['owner', 'primary_owner'] })}`);
    assert.equal(owners.body.data.length, 2);
    const repeated = await get(sim, '/users?roles=owner&roles=primary_owner');
    assert.deepEqual(repeated.body, owners.body);
    const one = await get(sim, '/users?email=ADA@tessera.example');
    assert.deepEqual(
      one.body.data.map((u: any) => u.email),
      ['ada@tessera.example'],
    );
    assertAnthropicError(await get(sim, '/users?roles[]=emperor'), 400, 'invalid_request_error', /^roles: /);
  });

  it('users/{id}, invites/{id}, workspaces/{id}: found, or 404 not_found_error', async () => {
    assert.equal((await get(sim, `/users/${seed.users[3].id}`)).body.email, seed.users[3].email);
    assert.equal((await get(sim, `/invites/${seed.invites[0].id}`)).body.type, 'invite');
    assert.equal((await get(sim, `/workspaces/${W.tools}`)).body.name, 'Internal Tools');
    for (const path of ['/users/user_01Nobody', '/invites/invite_01Nobody', '/workspaces/wrkspc_01Nobody']) {
      assertAnthropicError(await get(sim, path), 404, 'not_found_error', 'The requested resource could not be found.');
    }
  });

  it('invites: all three statuses by default; statuses[] filters; workspaces hide the default and archived ones', async () => {
    assert.deepEqual(
      (await get(sim, '/invites')).body.data.map((i: any) => i.status),
      ['pending', 'pending', 'accepted'],
    );
    assert.equal((await get(sim, '/invites?statuses[]=accepted')).body.data.length, 1);
    assert.equal((await get(sim, '/workspaces')).body.data.length, 3);
    assert.equal((await get(sim, '/workspaces?include_default=true')).body.data[0].id, W.default);
    assert.equal((await get(sim, `/workspaces?include_default=true&${qs({ ids: [W.research] })}`)).body.data.length, 1);
    assertAnthropicError(await get(sim, '/workspaces?include_default=yes'), 400, 'invalid_request_error', /include_default/);
    const archived: AnthropicSeed = defaultAnthropicSeed();
    archived.workspaces[3].archived_at = '2026-10-01T00:00:00Z';
    sim.loadSeed(archived);
    try {
      assert.equal((await get(sim, '/workspaces')).body.data.length, 2);
      assert.equal((await get(sim, '/workspaces?include_archived=true')).body.data.length, 3);
    } finally {
      sim.reset();
    }
  });
});

describe('anthropic simulator: rate limit, faults and hooks', () => {
  it('past the limit: 429 rate_limit_error with retry-after, per key; reset clears it', async () => {
    const limited = await startAnthropicSimulator({ rateLimit: { limit: 3, windowMs: 60_000 } });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await get(limited, '/me')).status, 200);
      const refused = await get(limited, '/me');
      assertAnthropicError(refused, 429, 'rate_limit_error', /rate limit of 3 Admin API requests per minute/);
      const wait = Number(refused.headers.get('retry-after'));
      assert.ok(wait >= 1 && wait <= 60, `retry-after ${wait}`);
      limited.reset();
      assert.equal((await get(limited, '/me')).status, 200);
    } finally {
      await limited.close();
    }
  });

  it('rateLimits: false never refuses', async () => {
    for (let i = 0; i < 350; i++) assert.equal((await get(sim, '/me')).status, 200);
  });

  it("faults answer in Anthropic's shape; the request log redacts the key", async () => {
    sim.clearRequests();
    sim.injectFault({ path: '/v1/organizations/users', status: 529 });
    assertAnthropicError(await get(sim, '/users'), 529, 'overloaded_error', 'Overloaded');
    assert.equal((await get(sim, '/users')).status, 200);
    await get(sim, '/me', { via: 'bearer' });
    const logged = sim.requests();
    assert.equal(logged.at(-1)!.headers.authorization, 'Bearer ********');
  });

  it('POST /__sim/seed validates and names the path; GET returns the state; reset restores it', async () => {
    const bad = structuredClone(seed) as any;
    bad.usage[0].model = 'gpt-5';
    bad.spend_limits[0].amount = '12.5';
    const res = await hook(sim, 'POST', '/seed', bad);
    assert.equal(res.status, 400);
    assert.match(res.body.error, /usage\[0\]\.model: no price for model "gpt-5"/);
    assert.match(res.body.error, /spend_limits\[0\]\.amount: must be a string of whole cents/);
    const small: AnthropicSeed = { ...defaultAnthropicSeed(), users: seed.users.slice(0, 2), usage: [], spend_limits: [], api_keys: [] };
    assert.equal((await hook(sim, 'POST', '/seed', small)).status, 200);
    assert.equal((await get(sim, '/users')).body.data.length, 2);
    assert.equal((await hook(sim, 'GET', '/seed')).body.users.length, 2);
    assert.equal((await hook(sim, 'POST', '/reset')).status, 200);
    assert.equal((await get(sim, '/users')).body.data.length, seed.users.length);
  });
});

describe('anthropic simulator: seeds and the command', () => {
  it('the default seed is valid, deterministic, and has the documented shape', () => {
    assert.deepEqual(defaultAnthropicSeed(), defaultAnthropicSeed());
    const parsed = parseAnthropicSeed(defaultAnthropicSeed());
    assert.equal(parsed.users.length, 12);
    assert.deepEqual(parsed.invites.map((i) => i.status).sort(), ['accepted', 'pending', 'pending']);
    assert.equal(parsed.workspaces.filter((w) => !w.is_default).length, 3);
    const days = new Set(parsed.usage.map((r) => r.at.slice(0, 10)));
    assert.equal(days.size, 90);
    assert.equal([...days].sort().at(-1), '2026-11-27');
    assert.ok(new Set(parsed.usage.map((r) => r.model)).size >= 4);
    assert.ok(parsed.usage.some((r) => r.account_id === null) && parsed.usage.some((r) => r.workspace_id === null));
  });

  it('cross-references are checked', () => {
    const bad = (mutate: (s: AnthropicSeed) => void, message: RegExp) => {
      const s = defaultAnthropicSeed();
      mutate(s);
      assert.throws(
        () => parseAnthropicSeed(s),
        (e: unknown) => e instanceof InvalidSeedError && message.test(e.message),
      );
    };
    bad((s) => (s.usage[0].account_id = 'user_01Ghost'), /usage\[0\]\.account_id: unknown user/);
    bad((s) => (s.usage[0].at = '2026-11-28T10:00:00Z'), /must be before the clock/);
    bad((s) => (s.usage.find((r) => r.api_key_id)!.workspace_id = W.tools), /belongs to workspace/);
    bad((s) => s.users.push({ ...s.users[0] }), /duplicate id/);
    bad((s) => (s.api_keys[0].created_by = 'user_01Ghost'), /api_keys\[0\]\.created_by: unknown user/);
  });

  it('`node --import tsx src/simulator-kit/cli.ts anthropic --port 0 --quiet` starts and prints its URL and key', async () => {
    const main = fileURLToPath(new URL('../../../simulator-kit/cli.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', main, 'anthropic', '--port', '0', '--quiet'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8');
    try {
      const baseUrl = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), 15_000);
        child.stdout.on('data', (chunk: string) => {
          out += chunk;
          const m = /listening: (http:\/\/\S+)/.exec(out);
          if (m && out.includes(ADMIN)) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.once('exit', (code) => reject(new Error(`exited early with ${code}: ${out}`)));
      });
      const res = await fetch(`${baseUrl}/v1/organizations/me`, { headers: { 'x-api-key': ADMIN, 'anthropic-version': '2023-06-01' } });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { name: string }).name, seed.organization.name);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
