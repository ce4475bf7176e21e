/**
 * Contract test (docs/providers/sources.md §0, §4): OpenAI's own Node SDK, `openai@6.49.0`,
 * pointed at the simulator, calls every admin method the simulator serves, and checks the typed
 * fields, its paging and its error classes. The SDK validates nothing, so every raw response is
 * also validated against OpenAI's OpenAPI description (the pinned slice in spec/). When either
 * is bumped, this is what tells us the simulator has drifted from OpenAI.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, beforeEach, describe, it } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import OpenAI from 'openai';
import {
  DAY_S,
  DEFAULT_OPENAI_ADMIN_KEY,
  DEFAULT_OPENAI_FIXTURES as F,
  DEFAULT_OPENAI_PROJECT_KEY,
  DEFAULT_OPENAI_USER_COUNT,
  USAGE_END_S,
  startOpenAISimulator,
  type OpenAISimulator,
} from './index.ts';
import { SLICE_FILE } from './spec/extract-openapi-slice.ts';
import { get } from './simulator-test-kit.ts';

type Json = Record<string, any>;

// ---- OpenAI's spec slice, as JSON Schema 2020-12 (OpenAPI 3.1 schemas are) ----

const SPEC_ID = 'openai-spec';
const spec = JSON.parse(readFileSync(SLICE_FILE, 'utf8')) as Json;
/** Local `#/components/…` refs made absolute against the slice's id. */
const absolute = (node: unknown): unknown =>
  Array.isArray(node)
    ? node.map(absolute)
    : node && typeof node === 'object'
      ? Object.fromEntries(
          Object.entries(node).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' && v.startsWith('#/') ? `${SPEC_ID}${v}` : absolute(v)]),
        )
      : node;
const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false, allErrors: true });
(addFormats as unknown as typeof addFormats.default)(ajv);
ajv.addFormat('unixtime', true);
ajv.addSchema({ $id: SPEC_ID, components: absolute(spec.components) });

/** Validates a body against the schema OpenAI documents for the 200 of `path` (as the spec writes it). */
function assertSpec200(path: string, body: unknown): void {
  const schema = spec.paths[path]?.get?.responses?.['200']?.content?.['application/json']?.schema;
  assert.ok(schema, `the slice documents GET ${path}`);
  const validate = ajv.compile(absolute(schema) as Json);
  assert.ok(validate(body), `GET ${path}: ${ajv.errorsText(validate.errors)}`);
}

const LAST_DAY = USAGE_END_S - DAY_S;
let sim: OpenAISimulator;
let client: OpenAI;

before(async () => {
  sim = await startOpenAISimulator({ rateLimit: false });
  client = new OpenAI({ adminAPIKey: DEFAULT_OPENAI_ADMIN_KEY, baseURL: sim.baseUrl, maxRetries: 0 });
});
beforeEach(() => sim.reset());
after(() => sim.close());

/** Catches the SDK's error for a rejected call. */
async function rejection(p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof OpenAI.APIError, `an APIError, got ${String(err)}`);
    return err;
  }
  assert.fail('the call succeeded');
}

describe('openai SDK against the simulator: organization objects', () => {
  it('users.list auto-paging visits every user exactly once, sending after=last_id', async () => {
    const ids: string[] = [];
    for await (const user of client.admin.organization.users.list({ limit: 5 })) {
      assert.equal(user.object, 'organization.user');
      assert.equal(typeof user.added_at, 'number');
      ids.push(user.id);
    }
    assert.equal(ids.length, DEFAULT_OPENAI_USER_COUNT);
    assert.equal(new Set(ids).size, ids.length);
    const calls = sim.requests().filter((r) => r.path === '/v1/organization/users');
    assert.equal(calls.length, 3);
    assert.deepEqual(
      calls.map((c) => c.query.after),
      [undefined, ids[4], ids[9]],
    );
  });

  it('users.retrieve returns the typed user with its projects and account', async () => {
    const user = await client.admin.organization.users.retrieve(F.owner);
    assert.equal(user.id, F.owner);
    assert.equal(user.role, 'owner');
    assert.equal(user.email, 'ada@tessera.example');
    assert.equal(typeof user.api_key_last_used_at, 'number');
    assert.equal(user.projects?.data.length, 3);
    assert.equal(user.user?.enabled, true);
    assert.ok((user as unknown as { _request_id?: string })._request_id, 'x-request-id surfaces as _request_id');
  });

  it('invites.list and projects.list/retrieve', async () => {
    const invites = await client.admin.organization.invites.list();
    assert.deepEqual(invites.data.map((i) => i.status).sort(), ['accepted', 'pending', 'pending']);
    assert.ok(
      invites.data.every((i) => i.object === 'organization.invite' && Array.isArray(i.projects)),
      'invite shape',
    );
    const projects: string[] = [];
    for await (const p of client.admin.organization.projects.list({ include_archived: true, limit: 1 })) projects.push(p.id);
    assert.deepEqual(projects, Object.values(F.projects));
    const legacy = await client.admin.organization.projects.retrieve(F.projects.legacy);
    assert.equal(legacy.status, 'archived');
    assert.equal(typeof legacy.archived_at, 'number');
  });
});

describe('openai SDK against the simulator: usage and costs', () => {
  const query = { start_time: LAST_DAY - 2 * DAY_S, end_time: USAGE_END_S };

  it('completions: buckets, typed results, group keys, and next_page paging by hand', async () => {
    const seen: number[] = [];
    let page: string | undefined;
    do {
      const res = await client.admin.organization.usage.completions({ ...query, limit: 2, group_by: ['user_id', 'model'], ...(page ? { page } : {}) });
      assert.equal(res.object, 'page');
      for (const bucket of res.data) {
        seen.push(bucket.start_time);
        for (const r of bucket.results) {
          assert.equal(r.object, 'organization.usage.completions.result');
          if (r.object !== 'organization.usage.completions.result') continue;
          assert.ok(r.input_tokens >= r.input_cached_tokens!, 'input includes cached');
          assert.equal(typeof r.num_model_requests, 'number');
          assert.match(r.user_id!, /^user-/);
          assert.equal(r.project_id, null);
        }
      }
      page = res.has_more ? res.next_page! : undefined;
    } while (page);
    assert.deepEqual(
      seen,
      [0, 1, 2].map((i) => query.start_time + i * DAY_S),
    );
  });

  it('every other usage kind answers with its own result object', async () => {
    const u = client.admin.organization.usage;
    const calls = {
      'organization.usage.embeddings.result': u.embeddings({ ...query, group_by: ['model'] }),
      'organization.usage.moderations.result': u.moderations({ ...query, models: ['omni-moderation-latest'] }),
      'organization.usage.images.result': u.images({
        start_time: LAST_DAY - 30 * DAY_S,
        end_time: USAGE_END_S,
        limit: 30,
        sizes: ['1024x1024'],
        group_by: ['size', 'source'],
      }),
      'organization.usage.audio_speeches.result': u.audioSpeeches({ start_time: LAST_DAY - 30 * DAY_S, limit: 31 }),
      'organization.usage.audio_transcriptions.result': u.audioTranscriptions({ start_time: LAST_DAY - 30 * DAY_S, limit: 31, bucket_width: '1d' }),
      'organization.usage.vector_stores.result': u.vectorStores({ ...query, group_by: ['project_id'] }),
      'organization.usage.code_interpreter_sessions.result': u.codeInterpreterSessions({
        start_time: LAST_DAY - 30 * DAY_S,
        limit: 31,
        project_ids: [F.projects.main],
      }),
    };
    for (const [object, call] of Object.entries(calls)) {
      const res = await call;
      const results = res.data.flatMap((b) => b.results);
      assert.ok(results.length > 0, `${object} has results`);
      assert.ok(
        results.every((r) => r.object === object),
        object,
      );
    }
  });

  it('hourly buckets through the SDK: 24 a day', async () => {
    const res = await client.admin.organization.usage.embeddings({ start_time: LAST_DAY, bucket_width: '1h', limit: 24 });
    assert.equal(res.data.length, 24);
    assert.ok(
      res.data.every((b) => b.end_time - b.start_time === 3_600),
      'hour buckets',
    );
  });

  it('costs: amount in dollars with a lowercase currency; line items with quantities', async () => {
    const res = await client.admin.organization.usage.costs({ ...query, group_by: ['line_item', 'project_id'], limit: 3 });
    const results = res.data.flatMap((b) => b.results);
    assert.ok(results.length > 0, 'cost results');
    for (const r of results) {
      assert.equal(r.object, 'organization.costs.result');
      if (r.object !== 'organization.costs.result') continue;
      assert.equal(r.amount?.currency, 'usd');
      assert.equal(typeof r.amount?.value, 'number');
      assert.match(r.line_item!, /, |storage|sessions/);
      assert.match(r.project_id!, /^proj_/);
      assert.equal(typeof r.quantity, 'number');
    }
  });
});

describe("raw responses validate against OpenAI's spec", () => {
  const usageQuery = `start_time=${LAST_DAY - 3 * DAY_S}&end_time=${USAGE_END_S}`;
  const cases: [string, string][] = [
    ['/organization/users', '/organization/users?limit=100'],
    ['/organization/users/{user_id}', `/organization/users/${F.deactivated}`],
    ['/organization/invites', '/organization/invites'],
    ['/organization/invites/{invite_id}', `/organization/invites/${F.invites.accepted}`],
    ['/organization/projects', '/organization/projects?include_archived=true'],
    ['/organization/projects/{project_id}', `/organization/projects/${F.projects.legacy}`],
    ['/organization/costs', `/organization/costs?${usageQuery}`],
    ['/organization/costs', `/organization/costs?${usageQuery}&group_by[]=line_item&group_by[]=project_id&group_by[]=api_key_id`],
  ];
  for (const kind of [
    'completions',
    'embeddings',
    'moderations',
    'images',
    'audio_speeches',
    'audio_transcriptions',
    'vector_stores',
    'code_interpreter_sessions',
  ]) {
    cases.push([`/organization/usage/${kind}`, `/organization/usage/${kind}?${usageQuery}`]);
    const groups =
      kind === 'vector_stores' || kind === 'code_interpreter_sessions' ? 'project_id' : 'user_id&group_by[]=model&group_by[]=project_id&group_by[]=api_key_id';
    cases.push([`/organization/usage/${kind}`, `/organization/usage/${kind}?start_time=${LAST_DAY - 30 * DAY_S}&limit=31&group_by[]=${groups}`]);
  }
  cases.push([
    '/organization/usage/completions',
    `/organization/usage/completions?start_time=${LAST_DAY}&bucket_width=1h&group_by[]=batch&group_by[]=service_tier`,
  ]);

  for (const [path, url] of cases) {
    it(`GET ${url.split('?')[0]}${url.includes('group_by') ? ' (grouped)' : ''}${url.includes('1h') ? ' (hourly)' : ''}`, async () => {
      const res = await get(sim, url);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assertSpec200(path, res.body);
    });
  }

  it('error bodies are ErrorResponse', async () => {
    const validate = ajv.getSchema(`${SPEC_ID}#/components/schemas/ErrorResponse`)!;
    for (const [url, key] of [
      ['/organization/users', null],
      ['/organization/users', 'sk-admin-nope'],
      ['/organization/users', DEFAULT_OPENAI_PROJECT_KEY],
      ['/organization/costs', DEFAULT_OPENAI_ADMIN_KEY],
      ['/organization/nope', DEFAULT_OPENAI_ADMIN_KEY],
    ] as const) {
      const res = await get(sim, url, key);
      assert.ok(res.status >= 400, url);
      assert.ok(validate(res.body), `${url}: ${ajv.errorsText(validate.errors)}`);
    }
  });
});

describe('openai SDK against the simulator: errors', () => {
  it("a project key gets PermissionDeniedError (403) with OpenAI's message and a request id", async () => {
    const err = await rejection(
      client.admin.organization.usage.costs({ start_time: LAST_DAY }, { headers: { Authorization: `Bearer ${DEFAULT_OPENAI_PROJECT_KEY}` } }),
    );
    assert.ok(err instanceof OpenAI.PermissionDeniedError, err.constructor.name);
    assert.equal(err.status, 403);
    assert.match(err.message, /^403 You have insufficient permissions for this operation\. Missing scopes: api\.usage\.read\./);
    assert.equal(err.type, 'invalid_request_error');
    assert.ok(err.requestID, 'requestID from x-request-id');
  });

  it('an unknown admin key gets AuthenticationError (401) invalid_api_key', async () => {
    const stranger = new OpenAI({ adminAPIKey: 'sk-admin-NotAKeyThisSimulatorKnows000000', baseURL: sim.baseUrl, maxRetries: 0 });
    const err = await rejection(stranger.admin.organization.users.list());
    assert.ok(err instanceof OpenAI.AuthenticationError, err.constructor.name);
    assert.equal(err.code, 'invalid_api_key');
  });

  it('bad parameters are BadRequestError with param; an unknown user is NotFoundError', async () => {
    const bad = await rejection(client.admin.organization.usage.completions({ start_time: LAST_DAY, limit: 32 }));
    assert.ok(bad instanceof OpenAI.BadRequestError, bad.constructor.name);
    assert.equal(bad.param, 'limit');
    const costs = await rejection(client.admin.organization.usage.costs({ start_time: LAST_DAY, limit: 181 }));
    assert.equal(costs.param, 'limit');
    const missing = await rejection(client.admin.organization.users.retrieve('user-nobody'));
    assert.ok(missing instanceof OpenAI.NotFoundError, missing.constructor.name);
  });

  it('a 429 is RateLimitError; with retries the SDK honours Retry-After and succeeds', async () => {
    sim.injectFault({ path: '/v1/organization/projects', status: 429, count: 1, retry_after: 1 });
    const limited = await rejection(client.admin.organization.projects.list());
    assert.ok(limited instanceof OpenAI.RateLimitError, limited.constructor.name);
    assert.equal(limited.code, 'rate_limit_exceeded');
    sim.injectFault({ path: '/v1/organization/projects', status: 429, count: 1, retry_after: 1 });
    const patient = new OpenAI({ adminAPIKey: DEFAULT_OPENAI_ADMIN_KEY, baseURL: sim.baseUrl, maxRetries: 1 });
    const started = Date.now();
    const page = await patient.admin.organization.projects.list();
    assert.equal(page.data.length, 2);
    assert.ok(Date.now() - started >= 900, 'waited for Retry-After');
  });
});
