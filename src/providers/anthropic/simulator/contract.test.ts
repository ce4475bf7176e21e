/**
 * Contract test: Anthropic publishes no OpenAPI file (docs/providers/sources.md §0), so the
 * reference is Anthropic's own TypeScript SDK, `@anthropic-ai/sdk@1.14.0`, pointed at the simulator.
 * Every Admin API method the SDK has for what we serve must parse our responses and carry its typed
 * fields; its paginators (`Page`, `PageCursor`, `ReportPageCursor`) must walk our pages; its error
 * classes must recognise our errors. When the SDK is bumped, this is what tells us we drifted.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import { ReportPageCursor } from '@anthropic-ai/sdk/pagination';
import type { OrganizationUser } from '@anthropic-ai/sdk/resources/organization/users';
import type { OrganizationInvite } from '@anthropic-ai/sdk/resources/organization/invites';
import type { Workspace } from '@anthropic-ai/sdk/resources/organization/workspaces/workspaces';
import type { SpendSummary } from '@anthropic-ai/sdk/resources/organization/spend-limits/spend-limits';
import type { AnalyticsUserActivity } from '@anthropic-ai/sdk/resources/organization/analytics/analytics';
import {
  DEFAULT_ANTHROPIC_ADMIN_KEY as ADMIN,
  DEFAULT_ANTHROPIC_FIXTURES as F,
  DEFAULT_ANTHROPIC_KEYS,
  SEED_CLOCK,
  SEED_LAST_DAY,
  defaultAnthropicSeed,
  startAnthropicSimulator,
  type AnthropicSimulator,
} from './index.ts';

type Json = Record<string, any>;

for (const name of ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_CUSTOM_HEADERS']) delete process.env[name];

let sim: AnthropicSimulator;
let client: Anthropic;
const seed = defaultAnthropicSeed();

const keysOf = (o: object) => Object.keys(o).sort();
const USER_KEYS = ['added_at', 'email', 'id', 'name', 'role', 'type'];
const INVITE_KEYS = ['accepted_at', 'email', 'expires_at', 'id', 'invited_at', 'rbac_group_ids', 'role', 'status', 'type'];
const WORKSPACE_KEYS = [
  'archived_at',
  'compartment_id',
  'created_at',
  'data_residency',
  'display_color',
  'external_key_id',
  'id',
  'name',
  'tags',
  'type',
  'user_profile_id',
];
const SPEND_KEYS = ['actor', 'amount', 'currency', 'period', 'period_to_date_spend', 'scope', 'source', 'spend_limit_id'];
const ACTIVITY_KEYS = [
  'chat_metrics',
  'claude_code_metrics',
  'cowork_metrics',
  'design_metrics',
  'distinct_user_count',
  'last_activity_date',
  'office_metrics',
  'science_metrics',
  'user',
  'web_search_count',
];
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const CENTS = /^\d+(\.\d{1,3})?$/;

before(async () => {
  sim = await startAnthropicSimulator({ rateLimits: false });
  client = new Anthropic({ apiKey: ADMIN, baseURL: sim.baseUrl, maxRetries: 0 });
});
after(async () => {
  await sim?.close();
});

describe('anthropic simulator against @anthropic-ai/sdk@1.14.0: organization, users, invites, workspaces', () => {
  it('organization.retrieve() is GET me', async () => {
    const org = await client.organization.retrieve();
    assert.deepEqual({ ...org }, { id: seed.organization.id, name: seed.organization.name, type: 'organization' });
  });

  it('users.list auto-pages (after_id) and visits every member once, with the typed fields', async () => {
    sim.clearRequests();
    const seen: OrganizationUser[] = [];
    for await (const user of client.organization.users.list({ limit: 5 })) seen.push(user);
    assert.deepEqual(
      seen.map((u) => u.id),
      seed.users.map((u) => u.id),
    );
    for (const u of seen) {
      assert.deepEqual(keysOf(u), USER_KEYS);
      assert.equal(u.type, 'user');
      assert.match(u.added_at, RFC3339);
    }
    const calls = sim.requests();
    assert.equal(calls.length, 3, 'ceil(12 / 5) pages');
    assert.equal(calls[1].query.after_id, seen[4].id);
    assert.equal(calls[0].headers.authorization, 'Bearer ********', 'the SDK authenticates with a Bearer header');
    assert.ok(calls[0].headers['anthropic-version'], 'the SDK sends anthropic-version');
  });

  it('users.list filters: roles[] (brackets, OR-ed) and a case-insensitive email', async () => {
    const owners = await client.organization.users.list({ roles: ['owner', 'primary_owner'] });
    assert.deepEqual(
      owners.data.map((u) => u.id),
      [F.primaryOwner.id, F.monthlyLimit.id],
    );
    assert.equal(sim.requests().at(-1)!.query['roles[]'].length, 2);
    const cher = await client.organization.users.list({ email: 'cher@tessera.EXAMPLE' });
    assert.deepEqual(
      cher.data.map((u) => u.id),
      [F.singleName.id],
    );
    assert.equal(cher.has_more, false);
  });

  it('users.retrieve() and its NotFoundError', async () => {
    const user = await client.organization.users.retrieve(F.threeWords.id);
    assert.equal(user.name, F.threeWords.name);
    await assert.rejects(client.organization.users.retrieve('user_01Nobody'), (e: unknown) => {
      assert.ok(e instanceof Anthropic.NotFoundError);
      assert.equal(e.type, 'not_found_error');
      assert.equal(e.apiMessage, 'The requested resource could not be found.');
      assert.equal(e.requestID, e.headers.get('request-id'));
      assert.equal((e.error as Json).request_id, e.requestID);
      return true;
    });
  });

  it('invites.list (all statuses by default, statuses[] filter) and invites.retrieve()', async () => {
    const all: OrganizationInvite[] = [];
    for await (const invite of client.organization.invites.list({ limit: 2 })) all.push(invite);
    assert.equal(all.length, 3);
    for (const i of all) assert.deepEqual(keysOf(i), INVITE_KEYS);
    const pending = await client.organization.invites.list({ statuses: ['pending'] });
    assert.deepEqual(
      pending.data.map((i) => i.status),
      ['pending', 'pending'],
    );
    const accepted = all.find((i) => i.status === 'accepted')!;
    assert.match(accepted.accepted_at!, RFC3339);
    assert.equal((await client.organization.invites.retrieve(accepted.id)).email, accepted.email);
  });

  it('workspaces.list: default and archived only on request; retrieve(); before_id pages backwards', async () => {
    const plain = await client.organization.workspaces.list();
    assert.equal(plain.data.length, 3);
    const all = await client.organization.workspaces.list({ include_default: true });
    assert.equal(all.data.length, 4);
    for (const w of all.data as Workspace[]) {
      assert.deepEqual(keysOf(w), WORKSPACE_KEYS);
      assert.deepEqual(keysOf(w.data_residency), ['allowed_inference_geos', 'default_inference_geo', 'workspace_geo']);
    }
    const one = await client.organization.workspaces.retrieve(all.data[1].id);
    assert.equal(one.name, all.data[1].name);
    const backwards: string[] = [];
    for await (const w of client.organization.workspaces.list({ include_default: true, before_id: all.data[3].id, limit: 1 })) backwards.push(w.id);
    assert.deepEqual(backwards, [all.data[2].id, all.data[1].id, all.data[0].id]);
  });
});

describe('anthropic simulator against the SDK: Enterprise spend limits and analytics', () => {
  it('spendLimits.effective.list auto-pages (PageCursor) without splitting a member', async () => {
    sim.clearRequests();
    const rows: SpendSummary[] = [];
    for await (const row of client.organization.spendLimits.effective.list({ limit: 2 })) rows.push(row);
    assert.equal(rows.length, seed.spend_limits.length);
    for (const r of rows) {
      assert.deepEqual(keysOf(r), SPEND_KEYS);
      assert.ok(r.amount === null || /^\d+$/.test(r.amount), 'whole cents or null');
      assert.match(r.period_to_date_spend, CENTS);
      assert.equal(r.actor.type, 'user_actor');
      assert.deepEqual(r.scope, { type: 'user', user_id: (r.actor as { user_id: string }).user_id });
    }
    const pages = sim.requests().map((c) => c.query.page);
    assert.equal(pages[0], undefined);
    assert.ok(pages.slice(1).every((p) => typeof p === 'string' && p.startsWith('page_')));
    const monthly = rows.find((r) => r.spend_limit_id === 'spl_01TsGraceMonthly00001')!;
    const from = Date.UTC(2026, 10, 1);
    assert.equal(monthly.period_to_date_spend, formatMilli(sim.state.spendOf(F.monthlyLimit.id, from, Date.parse(SEED_CLOCK))));
    const filtered = await client.organization.spendLimits.effective.list({ user_ids: [F.weeklyOnly.id], period: ['weekly'] });
    assert.deepEqual(
      filtered.data.map((r) => [r.period, r.amount]),
      [['weekly', '10000']],
    );
  });

  it('analytics.users.list for one day: every member by email, active exactly when they used the API', async () => {
    const rows: AnalyticsUserActivity[] = [];
    for await (const row of client.organization.analytics.users.list({ date: SEED_LAST_DAY, limit: 5 })) rows.push(row);
    assert.equal(rows.length, seed.users.length);
    assert.deepEqual(
      rows.map((r) => r.user!.email_address),
      [...seed.users.map((u) => u.email)].sort((a, b) => a.localeCompare(b)),
    );
    const activeIds = new Set(seed.usage.filter((r) => r.at.startsWith(SEED_LAST_DAY) && r.account_id).map((r) => r.account_id));
    for (const r of rows) {
      assert.deepEqual(keysOf(r), ACTIVITY_KEYS);
      assert.equal(r.last_activity_date, activeIds.has(r.user!.id) ? SEED_LAST_DAY : null, r.user!.email_address);
      assert.equal(r.chat_metrics.message_count > 0, activeIds.has(r.user!.id));
      assert.equal(r.distinct_user_count, null);
    }
  });

  it("analytics.users.list over a range names each member's last active day", async () => {
    const page = await client.organization.analytics.users.list({
      starting_date: '2026-11-01',
      ending_date: '2026-11-28',
      filter: [`user_id:${F.noCap.id}`, `user_id:${F.monthlyLimit.id}`],
    });
    const byId = new Map(page.data.map((r) => [r.user!.id, r]));
    assert.equal(byId.get(F.noCap.id)!.last_activity_date, null, 'Linus never used the API');
    const graceDays = seed.usage
      .filter((r) => r.account_id === F.monthlyLimit.id && r.at >= '2026-11-01')
      .map((r) => r.at.slice(0, 10))
      .sort();
    assert.equal(byId.get(F.monthlyLimit.id)!.last_activity_date, graceDays.at(-1));
  });

  it('a Console organization refuses both with OrganizationTypeNotSupportedError', async () => {
    sim.loadSeed({ ...defaultAnthropicSeed(), organization: { ...seed.organization, type: 'console' } });
    try {
      await assert.rejects(client.organization.spendLimits.effective.list(), (e: unknown) => {
        assert.ok(e instanceof Anthropic.OrganizationTypeNotSupportedError, String(e));
        assert.equal(e.errorCode, 'organization_type_not_supported');
        return true;
      });
      await assert.rejects(client.organization.analytics.users.list({ date: SEED_LAST_DAY }), Anthropic.OrganizationTypeNotSupportedError);
    } finally {
      sim.reset();
    }
  });
});

function formatMilli(milli: bigint): string {
  const frac = (milli % 1000n).toString().padStart(3, '0').replace(/0+$/, '');
  return `${milli / 1000n}${frac ? `.${frac}` : ''}`;
}

describe('anthropic simulator against the SDK: reports without SDK methods', () => {
  const MESSAGE_RESULT_KEYS = [
    'account_id',
    'api_key_id',
    'cache_creation',
    'cache_read_input_tokens',
    'context_window',
    'inference_geo',
    'model',
    'output_tokens',
    'server_tool_use',
    'service_account_id',
    'service_tier',
    'uncached_input_tokens',
    'workspace_id',
  ];
  const COST_RESULT_KEYS = ['amount', 'context_window', 'cost_type', 'currency', 'description', 'model', 'service_tier', 'token_type', 'workspace_id'];

  it('client.get(usage_report/messages) returns the body as sent, group_by[] in brackets', async () => {
    sim.clearRequests();
    const body = (await client.get('/v1/organizations/usage_report/messages', {
      query: { starting_at: '2026-11-20T00:00:00Z', ending_at: '2026-11-27T00:00:00Z', bucket_width: '1d', group_by: ['model', 'account_id'] },
    })) as Json;
    assert.deepEqual(keysOf(body), ['data', 'has_more', 'next_page']);
    assert.equal(body.data.length, 7);
    assert.equal(body.has_more, false);
    assert.deepEqual(sim.requests()[0].query['group_by[]'], ['model', 'account_id']);
    const result = body.data.find((b: Json) => b.results.length).results[0];
    assert.deepEqual(keysOf(result), MESSAGE_RESULT_KEYS);
    assert.deepEqual(keysOf(result.cache_creation), ['ephemeral_1h_input_tokens', 'ephemeral_5m_input_tokens']);
    assert.equal(result.api_key_id, null, 'not grouped by key');
    assert.equal(typeof result.model, 'string');
  });

  it('getAPIList(…, ReportPageCursor) walks usage and cost buckets page by page', async () => {
    const query = { starting_at: '2026-11-01T00:00:00Z', ending_at: '2026-11-28T00:00:00Z', limit: 10 };
    sim.clearRequests();
    const usage: Json[] = [];
    for await (const bucket of client.getAPIList('/v1/organizations/usage_report/messages', ReportPageCursor<Json>, { query })) usage.push(bucket as Json);
    assert.equal(usage.length, 27);
    assert.equal(sim.requests().length, 3);
    assert.match(String(sim.requests()[1].query.page), /^page_/);
    const cost: Json[] = [];
    for await (const bucket of client.getAPIList('/v1/organizations/cost_report', ReportPageCursor<Json>, { query: { ...query, group_by: ['description'] } }))
      cost.push(bucket as Json);
    assert.deepEqual(
      cost.map((b) => b.starting_at),
      usage.map((b) => b.starting_at),
    );
    for (const result of cost.flatMap((b) => b.results)) {
      assert.deepEqual(keysOf(result), COST_RESULT_KEYS);
      assert.match(result.amount, CENTS);
      assert.equal(result.currency, 'USD');
      assert.ok(['tokens', 'web_search'].includes(result.cost_type));
    }
  });
});

describe('anthropic simulator against the SDK: errors', () => {
  it('an ordinary API key is refused on admin endpoints with AuthenticationError', async () => {
    const plain = new Anthropic({ apiKey: DEFAULT_ANTHROPIC_KEYS.api, baseURL: sim.baseUrl, maxRetries: 0 });
    await assert.rejects(plain.organization.users.list(), (e: unknown) => {
      assert.ok(e instanceof Anthropic.AuthenticationError);
      assert.equal(e.type, 'authentication_error');
      assert.equal(e.apiMessage, 'invalid x-api-key');
      return true;
    });
  });

  it('a missing anthropic-version header is a BadRequestError', async () => {
    await assert.rejects(client.get('/v1/organizations/me', { headers: { 'anthropic-version': null } }), (e: unknown) => {
      assert.ok(e instanceof Anthropic.BadRequestError);
      assert.equal(e.type, 'invalid_request_error');
      assert.equal(e.apiMessage, 'anthropic-version: header is required');
      return true;
    });
  });

  it('report validation errors reach the SDK as BadRequestError', async () => {
    await assert.rejects(
      client.get('/v1/organizations/cost_report', { query: { starting_at: '2026-11-01T00:00:00Z', bucket_width: '1h' } }),
      Anthropic.BadRequestError,
    );
    await assert.rejects(client.get('/v1/organizations/usage_report/messages', { query: {} }), /starting_at: Field required/);
  });

  it('the rate limit is a RateLimitError with retry-after', async () => {
    const limited = await startAnthropicSimulator({ rateLimit: { limit: 2, windowMs: 60_000 } });
    try {
      const c = new Anthropic({ apiKey: ADMIN, baseURL: limited.baseUrl, maxRetries: 0 });
      await c.organization.retrieve();
      await c.organization.retrieve();
      await assert.rejects(c.organization.retrieve(), (e: unknown) => {
        assert.ok(e instanceof Anthropic.RateLimitError);
        assert.equal(e.type, 'rate_limit_error');
        assert.ok(Number(e.headers.get('retry-after')) >= 1);
        return true;
      });
    } finally {
      await limited.close();
    }
  });
});
