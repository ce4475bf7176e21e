import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  DEFAULT_OPENAI_FIXTURES as F,
  DEFAULT_OPENAI_PROJECT_KEY,
  DEFAULT_OPENAI_USER_COUNT,
  defaultOpenAISeed,
  startOpenAISimulator,
  type OpenAISeedInput,
  type OpenAISimulator,
} from './index.ts';
import { assertOpenAIError, get } from './simulator-test-kit.ts';

describe('openai simulator: cursor lists', () => {
  let sim: OpenAISimulator;
  before(async () => {
    sim = await startOpenAISimulator({ rateLimit: false });
  });
  after(() => sim.close());

  it('users: default limit 20, every field OpenAI sends, last_id the last item', async () => {
    const res = await get(sim, '/organization/users');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('openai-version'), '2020-10-01');
    const { body } = res;
    assert.deepEqual(Object.keys(body), ['object', 'data', 'first_id', 'last_id', 'has_more']);
    assert.equal(body.data.length, DEFAULT_OPENAI_USER_COUNT);
    assert.equal(body.has_more, false);
    assert.equal(body.first_id, body.data[0].id);
    assert.equal(body.last_id, body.data.at(-1).id);
    const ada = body.data.find((u: any) => u.id === F.owner);
    assert.equal(ada.object, 'organization.user');
    assert.equal(ada.role, 'owner');
    assert.equal(typeof ada.added_at, 'number');
    assert.equal(typeof ada.api_key_last_used_at, 'number');
    assert.deepEqual(
      ada.projects.data.map((p: any) => p.id),
      Object.values(F.projects),
    );
    assert.equal(body.data.find((u: any) => u.id === F.deactivated).user.enabled, false);
    assert.equal(body.data.find((u: any) => u.id === F.neverUsedKey).api_key_last_used_at, null);
    assert.equal(body.data.find((u: any) => u.id === F.noName).name, null);
  });

  it('users page with limit and after until has_more is false; each page starts after the last', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const { body }: any = await get(sim, `/organization/users?limit=5${after ? `&after=${after}` : ''}`);
      seen.push(...body.data.map((u: any) => u.id));
      assert.equal(body.last_id, body.data.at(-1).id);
      pages++;
      if (!body.has_more) break;
      after = body.last_id;
    }
    assert.equal(pages, 3);
    assert.equal(new Set(seen).size, DEFAULT_OPENAI_USER_COUNT);
  });

  it('users: emails[] filters, case-insensitively; retrieve by id; unknown id 404', async () => {
    const { body } = await get(sim, '/organization/users?emails[]=ADA@tessera.example&emails[]=cher@tessera.example');
    assert.deepEqual(
      body.data.map((u: any) => u.id),
      [F.owner, F.singleName],
    );
    const one = await get(sim, `/organization/users/${F.threeWords}`);
    assert.equal(one.body.name, 'Mary Ann Evans');
    assertOpenAIError(await get(sim, '/organization/users/user-nope'), 404, { message: /user-nope/, type: 'invalid_request_error' });
  });

  it('limit outside 1–100 and an unknown after are 400s naming the parameter', async () => {
    assertOpenAIError(await get(sim, '/organization/users?limit=0'), 400, { param: 'limit' });
    assertOpenAIError(await get(sim, '/organization/users?limit=101'), 400, { param: 'limit', message: /between 1 and 100/ });
    assertOpenAIError(await get(sim, '/organization/users?limit=abc'), 400, { param: 'limit' });
    assertOpenAIError(await get(sim, '/organization/invites?after=invite-nope'), 400, { param: 'after' });
  });

  it("invites: two pending and one accepted, with OpenAI's keys", async () => {
    const { body } = await get(sim, '/organization/invites');
    assert.deepEqual(body.data.map((i: any) => i.status).sort(), ['accepted', 'pending', 'pending']);
    for (const i of body.data) {
      assert.deepEqual(Object.keys(i), ['object', 'id', 'email', 'role', 'status', 'created_at', 'expires_at', 'accepted_at', 'projects']);
    }
    assert.equal((await get(sim, `/organization/invites/${F.invites.accepted}`)).body.status, 'accepted');
  });

  it('projects: archived only with include_archived; retrieve shows status and archived_at', async () => {
    assert.equal((await get(sim, '/organization/projects')).body.data.length, 2);
    const all = await get(sim, '/organization/projects?include_archived=true&limit=2');
    assert.equal(all.body.data.length, 2);
    assert.equal(all.body.has_more, true);
    const legacy = await get(sim, `/organization/projects/${F.projects.legacy}`);
    assert.equal(legacy.body.status, 'archived');
    assert.equal(typeof legacy.body.archived_at, 'number');
    assertOpenAIError(await get(sim, '/organization/projects/proj_nope'), 404, { message: /proj_nope/ });
  });

  it("an unknown route is OpenAI's Invalid URL 404", async () => {
    assertOpenAIError(await get(sim, '/organization/nothing'), 404, { message: /^Invalid URL \(GET \/v1\/organization\/nothing\)$/ });
  });
});

describe('openai simulator: keys', () => {
  let sim: OpenAISimulator;
  before(async () => {
    sim = await startOpenAISimulator({ rateLimit: false });
  });
  after(() => sim.close());

  it('no key: 401 with code null; an unknown or revoked key: 401 invalid_api_key with the key masked', async () => {
    assertOpenAIError(await get(sim, '/organization/users', null), 401, { message: /didn't provide an API key/, code: null });
    const unknown = await get(sim, '/organization/users', 'sk-admin-unknownKey1234567890abcd');
    assertOpenAIError(unknown, 401, { message: /^Incorrect API key provided: sk-admin-\*+abcd\./, code: 'invalid_api_key' });
    const revoked = defaultOpenAISeed().admin_keys.find((k) => k.revoked)!.value;
    assertOpenAIError(await get(sim, '/organization/usage/completions?start_time=0', revoked), 401, { code: 'invalid_api_key' });
  });

  it('a project key is refused with 403 naming the scope the route needs', async () => {
    assertOpenAIError(await get(sim, '/organization/users', DEFAULT_OPENAI_PROJECT_KEY), 403, {
      message: /Missing scopes: api\.management\.read\./,
      code: null,
    });
    assertOpenAIError(await get(sim, '/organization/costs?start_time=0', DEFAULT_OPENAI_PROJECT_KEY), 403, { message: /Missing scopes: api\.usage\.read\./ });
  });
});

describe('openai simulator: rate limit and hooks', () => {
  let sim: OpenAISimulator;
  before(async () => {
    sim = await startOpenAISimulator({ rateLimit: { perMinute: 3 } });
  });
  beforeEach(() => sim.reset());
  after(() => sim.close());

  it('past the per-minute limit: 429 rate_limit_exceeded with retry-after; reset clears it', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await get(sim, '/organization/projects')).status, 200);
    const limited = await get(sim, '/organization/projects');
    assertOpenAIError(limited, 429, { type: 'requests', code: 'rate_limit_exceeded', message: /Rate limit reached/ });
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 60, `retry-after ${retryAfter}`);
    sim.reset();
    assert.equal((await get(sim, '/organization/projects')).status, 200);
  });

  it("faults answer with OpenAI's error body; the request log redacts the key", async () => {
    sim.injectFault({ path: '/v1/organization/users', status: 503, count: 1 });
    assertOpenAIError(await get(sim, '/organization/users'), 503, { type: 'server_error' });
    const log = sim.requests();
    assert.equal(log[0].headers.authorization, 'Bearer ********');
  });

  it('a seed loads through the hook; an invalid one is a 400 naming the path', async () => {
    const seed: OpenAISeedInput = {
      ...defaultOpenAISeed(),
      users: defaultOpenAISeed().users.slice(0, 2),
      usage: [],
      invites: [],
      projects: [],
      project_keys: [],
    };
    const hook = (body: unknown) =>
      fetch(`${sim.origin}/__sim/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await hook(seed)).status, 200);
    assert.equal((await get(sim, '/organization/users')).body.data.length, 2);
    const bad = await hook({ ...seed, usage: [{ kind: 'vector_stores', date: '2026-11-01', project_id: 'proj_missing', usage_bytes: 1 }] });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { error: string }).error, /usage\[0\]\.project_id: unknown project "proj_missing"/);
  });

  it('the default seed is deterministic', () => {
    assert.deepEqual(defaultOpenAISeed(), defaultOpenAISeed());
  });
});

describe('openai simulator: the command', () => {
  it('`cli.ts openai --port 0 --quiet` starts, prints its /v1 URL, and serves', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/simulator-kit/cli.ts', 'openai', '--port', '0', '--quiet'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const baseUrl = await new Promise<string>((resolve, reject) => {
        let out = '';
        const timer = setTimeout(() => reject(new Error(`no URL within 20 s: ${out}`)), 20_000);
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const m = /listening: (http:\/\/\S+\/v1)/.exec(out);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.once('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)));
      });
      const { DEFAULT_OPENAI_ADMIN_KEY } = await import('./index.ts');
      const res = await fetch(`${baseUrl}/organization/users?limit=1`, { headers: { authorization: `Bearer ${DEFAULT_OPENAI_ADMIN_KEY}` } });
      assert.equal(res.status, 200);
      assert.equal(((await res.json()) as { data: unknown[] }).data.length, 1);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
