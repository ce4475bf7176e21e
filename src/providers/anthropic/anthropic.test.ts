/**
 * The Anthropic integration (docs/providers/sources.md §5) end to end over HTTP: unified users,
 * workspaces and organizations against the sandbox account that `startTestStack()` connects to the
 * Anthropic simulator, plus the error model. The integration is the YAML beside this file; nothing
 * here is Anthropic-specific engine code. Usage rows have their own file (anthropic-usage.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  DEFAULT_ANTHROPIC_ADMIN_KEY as ADMIN,
  DEFAULT_ANTHROPIC_FIXTURES as F,
  DEFAULT_ANTHROPIC_KEYS,
  DEFAULT_ANTHROPIC_WORKSPACES as W,
  EXPECTED_SPEND_LIMIT_CENTS,
  SEED_LAST_DAY,
  defaultAnthropicSeed,
  type AnthropicSeed,
} from './simulator/index.ts';
import { schemaValidator } from '../../../test/helpers/schema.ts';
import { simulatorOrigin, startTestStack, type TestStack } from '../../../test/helpers/stack.ts';

type Json = Record<string, any>;

const validUser = schemaValidator('usage-metering', 'users');
const validWorkspace = schemaValidator('usage-metering', 'workspaces');
const validOrganization = schemaValidator('usage-metering', 'organizations');
const seed = defaultAnthropicSeed();
const PENDING = seed.invites.filter((i) => i.status === 'pending');

let stack: TestStack;
let account: string;
let sim: string;

const url = (resource: string, query = '', id?: string, acc = account) =>
  `/unified/usage-metering/${resource}${id ? `/${encodeURIComponent(id)}` : ''}?integrated_account_id=${acc}${query ? `&${query}` : ''}`;

async function getJson(path: string) {
  const res = await stack.api(path);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : ({} as Json), text };
}

async function simRequests(): Promise<{ method: string; path: string; query: Record<string, string | string[]> }[]> {
  return ((await (await fetch(`${sim}/__sim/requests`)).json()) as { requests: [] }).requests;
}
const clearSimRequests = () => fetch(`${sim}/__sim/requests`, { method: 'DELETE' });
const clearFaults = () => fetch(`${sim}/__sim/faults`, { method: 'DELETE' });
async function injectFault(spec: Json) {
  const res = await fetch(`${sim}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
  assert.ok(res.status < 300, await res.text());
}

/** Every record of a unified list, following next_cursor; fails on a repeated id. */
async function listAll(resource: string, query: string, acc = account): Promise<{ records: Json[]; pages: number }> {
  const records: Json[] = [];
  let cursor: string | null = '';
  let pages = 0;
  do {
    const { status, body, text } = await getJson(url(resource, `${query}&next_cursor=${encodeURIComponent(cursor ?? '')}`, undefined, acc));
    assert.equal(status, 200, text);
    assert.equal(body.result_count, body.result.length);
    records.push(...body.result);
    cursor = body.next_cursor;
    pages++;
    assert.ok(pages < 50, 'paging did not terminate');
  } while (cursor);
  const ids = records.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, 'no duplicates');
  return { records, pages };
}

before(async () => {
  stack = await startTestStack();
  account = stack.accounts.anthropic;
  assert.ok(account, 'the sandbox connects an anthropic account');
  sim = simulatorOrigin(stack.simulators.anthropic);
});
after(async () => {
  await stack?.close();
});

describe('GET /unified/usage-metering/users on Anthropic', () => {
  test('pages by next_cursor to the end: every member, then every pending invite, all schema-valid', async () => {
    await clearSimRequests();
    const { records, pages } = await listAll('users', `limit=5&date=${SEED_LAST_DAY}`);
    assert.equal(records.length, seed.users.length + PENDING.length);
    assert.equal(pages, 3 + 1, 'three pages of members (12 at 5 a page), one of invites');
    assert.deepEqual(
      records.map((r) => r.id),
      [...seed.users.map((u) => u.id), ...PENDING.map((i) => i.id)],
    );
    for (const r of records) assert.equal(validUser(r), null, `${r.id}: ${validUser(r)}`);
    const calls = await simRequests();
    const userPages = calls.filter((c) => c.path === '/v1/organizations/users' && c.query.limit === '5');
    assert.deepEqual(
      userPages.map((c) => c.query.after_id),
      [undefined, seed.users[4].id, seed.users[9].id],
    );
    const invites = calls.filter((c) => c.path === '/v1/organizations/invites');
    assert.deepEqual(
      invites.map((c) => c.query['statuses[]']),
      ['pending'],
    );
  });

  test('members map per §5.5: roles verbatim, active, added_at, the org from GET me; invites are invited', async () => {
    const { records } = await listAll('users', 'limit=100');
    const byId = new Map(records.map((r) => [r.id, r]));
    for (const u of seed.users) {
      const r = byId.get(u.id)!;
      assert.deepEqual(r.roles, [{ id: u.role, name: u.role }]);
      assert.equal(r.status, 'active');
      assert.equal(r.created_at, u.added_at);
      assert.deepEqual(r.emails, [{ email: u.email, is_primary: true }]);
      assert.deepEqual(r.organization, { id: seed.organization.id, name: seed.organization.name });
      assert.equal(r.remote_data.id, u.id);
    }
    for (const i of PENDING) {
      const r = byId.get(i.id)!;
      assert.equal(r.status, 'invited');
      assert.equal(r.name, i.email);
      assert.equal(r.created_at, i.invited_at);
    }
    assert.equal(
      records.some((r) => r.emails[0].email === 'timbl@tessera.example' && r.status === 'invited'),
      false,
      'the accepted invite is not listed',
    );
  });

  test('spend_limit: monthly, else weekly, else daily; no cap or no limit leaves it out', async () => {
    const { records } = await listAll('users', 'limit=100');
    for (const r of records.filter((x) => x.status === 'active')) {
      const cents = EXPECTED_SPEND_LIMIT_CENTS[r.id];
      if (cents === undefined) assert.equal('spend_limit' in r, false, `${r.name} has no spend limit`);
      else assert.deepEqual(r.spend_limit, { amount: cents, currency: 'USD' }, r.name);
    }
    assert.deepEqual(
      Object.keys(EXPECTED_SPEND_LIMIT_CENTS).sort(),
      records
        .filter((r) => r.spend_limit)
        .map((r) => r.id)
        .sort(),
    );
  });

  test('last_active_at is the day `date` for members active that day, midnight UTC', async () => {
    const { records } = await listAll('users', `limit=100&date=${SEED_LAST_DAY}`);
    const active = new Set(seed.usage.filter((u) => u.at.startsWith(SEED_LAST_DAY)).map((u) => u.account_id));
    for (const r of records.filter((x) => x.status === 'active')) {
      assert.equal(r.last_active_at, active.has(r.id) ? `${SEED_LAST_DAY}T00:00:00Z` : undefined, r.name);
    }
    const calls = (await simRequests()).filter((c) => c.path === '/v1/organizations/analytics/users');
    assert.equal(calls.at(-1)!.query.date, SEED_LAST_DAY);
  });

  test('names split at the last space; a single word has no last_name; an empty name falls back to the email', async () => {
    const { body } = await getJson(url('users', '', F.threeWords.id));
    assert.deepEqual([body.name, body.first_name, body.last_name], ['Dennis MacAlistair Ritchie', 'Dennis MacAlistair', 'Ritchie']);
    const cher = (await getJson(url('users', '', F.singleName.id))).body;
    assert.deepEqual([cher.name, cher.first_name, cher.last_name], ['Cher', 'Cher', undefined]);
    const bot = (await getJson(url('users', '', F.emptyName.id))).body;
    assert.deepEqual([bot.name, bot.first_name, bot.last_name], ['ops-bot@tessera.example', undefined, undefined]);
  });

  test('the organization is side-loaded once and cached; the organization type was detected and stored', async () => {
    await getJson(url('users', 'limit=2'));
    await clearSimRequests();
    await getJson(url('users', 'limit=2'));
    const paths = (await simRequests()).map((c) => c.path);
    assert.equal(paths.includes('/v1/organizations/me'), false);
    const stored = await stack.services.store.getIntegratedAccount(account);
    assert.equal(stored!.context.organization_type, 'enterprise');
  });
});

describe('GET /unified/usage-metering/users/{id} on Anthropic', () => {
  test('a member by id, with spend limit and every §5.5 field', async () => {
    const { status, body } = await getJson(url('users', `date=${SEED_LAST_DAY}`, F.monthlyAndDaily.id));
    assert.equal(status, 200);
    assert.equal(validUser(body), null, validUser(body) ?? '');
    assert.equal(body.name, F.monthlyAndDaily.name);
    assert.deepEqual(body.spend_limit, { amount: F.monthlyAndDaily.cents, currency: 'USD' });
    assert.deepEqual(body.roles, [{ id: 'managed', name: 'managed' }]);
  });

  test('a pending invite by its id is an invited user', async () => {
    const { status, body } = await getJson(url('users', '', PENDING[1].id));
    assert.equal(status, 200);
    assert.equal(body.status, 'invited');
    assert.equal(validUser(body), null);
  });

  test('an unknown id, or an accepted invite, is a 404 in the envelope', async () => {
    for (const id of ['user_01Nobody', 'invite_01TsAcceptedTimBL00003']) {
      const { status, body } = await getJson(url('users', '', id));
      assert.equal(status, 404);
      assert.deepEqual(body, { statusCode: 404, error: 'Not Found', message: `User ${id} not found`, code: 'TESSERA_RECORD_NOT_FOUND' });
    }
  });
});

describe('workspaces and organizations on Anthropic', () => {
  test('workspaces list includes the default workspace; each one validates; get by id', async () => {
    const { records } = await listAll('workspaces', 'limit=2');
    assert.deepEqual(
      records.map((r) => r.id),
      [W.default, W.production, W.research, W.tools],
    );
    for (const r of records) {
      assert.equal(validWorkspace(r), null, validWorkspace(r) ?? '');
      assert.deepEqual(r.organization, { id: seed.organization.id, name: seed.organization.name });
    }
    const { status, body } = await getJson(url('workspaces', '', W.research));
    assert.equal(status, 200);
    assert.deepEqual([body.id, body.name, body.created_at], [W.research, 'Research', '2024-09-02T08:30:00Z']);
    assert.equal((await getJson(url('workspaces', '', 'wrkspc_01Nope'))).status, 404);
  });

  test("organizations: the key's organization, listed and by id; another id is a 404", async () => {
    const list = await getJson(url('organizations'));
    assert.deepEqual(
      list.body.result.map((o: Json) => [o.id, o.name]),
      [[seed.organization.id, seed.organization.name]],
    );
    assert.equal(validOrganization(list.body.result[0]), null);
    assert.equal((await getJson(url('organizations', '', seed.organization.id))).body.name, seed.organization.name);
    assert.equal((await getJson(url('organizations', '', '00000000-0000-4000-8000-000000000000'))).status, 404);
  });
});

describe('a Claude Console organization', () => {
  test('is detected from its roles; users carry no Enterprise data and the Enterprise endpoints are never called', async () => {
    const consoleRole: Record<string, AnthropicSeed['users'][number]['role']> = {
      primary_owner: 'admin',
      owner: 'admin',
      membership_admin: 'developer',
      managed: 'user',
    };
    const consoleSeed: AnthropicSeed = {
      ...defaultAnthropicSeed(),
      organization: { ...seed.organization, type: 'console' },
      users: seed.users.map((u) => ({ ...u, role: consoleRole[u.role] ?? u.role })),
      invites: seed.invites.map((i) => ({ ...i, role: consoleRole[i.role] ?? i.role })),
    };
    const loaded = await fetch(`${sim}/__sim/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(consoleSeed) });
    assert.equal(loaded.status, 200, await loaded.text());
    try {
      const sandbox = (await stack.services.store.getIntegratedAccount(account))!;
      const created = await stack.services.accounts.create(sandbox.environment_id, {
        tenant_id: 'console-tenant',
        integration: 'anthropic',
        context: { admin_key: ADMIN },
        region: 'wnam',
        is_sandbox: false,
        unified_model_override: {},
        integration_override: { base_url: stack.simulators.anthropic },
      });
      assert.equal(created.status, 'active');
      await clearSimRequests();
      const { records } = await listAll('users', 'limit=100', created.id);
      assert.equal(records.length, seed.users.length + PENDING.length);
      assert.ok(records.every((r) => !('spend_limit' in r) && !('last_active_at' in r)));
      const paths = new Set((await simRequests()).map((c) => c.path));
      assert.equal(paths.has('/v1/organizations/spend_limits/effective') || paths.has('/v1/organizations/analytics/users'), false);
      assert.equal((await stack.services.store.getIntegratedAccount(created.id))!.context.organization_type, 'console');
    } finally {
      await fetch(`${sim}/__sim/reset`, { method: 'POST' });
    }
  });
});

describe('Anthropic errors through Tessera', () => {
  const usersPath = '/v1/organizations/users';

  test('a 503 is retried for a GET', async () => {
    await injectFault({ path: usersPath, status: 503, count: 2 });
    const { status, body } = await getJson(url('users', 'limit=3'));
    await clearFaults();
    assert.equal(status, 200);
    assert.equal(body.result.length, 3);
  });

  test("a persistent 500 is a remote 500 with Anthropic's message and the request-id forwarded", async () => {
    await injectFault({ path: usersPath, status: 500, count: 10 });
    const { status, body, headers } = await getJson(url('users', 'limit=3'));
    await clearFaults();
    assert.equal(status, 500);
    assert.equal(body.truto_is_remote_error, true);
    assert.equal(body.message, 'Internal server error');
    assert.ok(headers.get('request-id'));
  });

  test('a 429 with retry-after beyond the retry budget is a remote 429 with Retry-After', async () => {
    await injectFault({ path: usersPath, status: 429, count: 1, retry_after: 120 });
    const { status, body, headers } = await getJson(url('users', 'limit=3'));
    await clearFaults();
    assert.equal(status, 429);
    assert.equal(headers.get('retry-after'), '120');
    assert.equal(body.truto_is_remote_error, true);
    assert.match(body.message, /rate limit/);
  });

  test("connecting with a revoked admin key fails validation with Anthropic's message; an ordinary key fails the pattern", async () => {
    const sandbox = (await stack.services.store.getIntegratedAccount(account))!;
    const connect = (admin_key: string, keepOnValidationError = false) =>
      stack.services.accounts.create(
        sandbox.environment_id,
        {
          tenant_id: `bad-key-${admin_key.slice(-6)}`,
          integration: 'anthropic',
          context: { admin_key, organization_type: 'enterprise' },
          region: 'wnam',
          is_sandbox: false,
          unified_model_override: {},
          integration_override: { base_url: stack.simulators.anthropic },
        },
        { keepOnValidationError },
      );
    // A refused connect fails and keeps nothing unless asked to (docs/contract.md §10.3).
    await assert.rejects(connect(DEFAULT_ANTHROPIC_KEYS.revokedAdmin), (e: any) => {
      assert.equal(e.code, 'TESSERA_ACCOUNT_VALIDATION_FAILED');
      assert.match(e.message, /invalid x-api-key/);
      return true;
    });
    const revoked = await connect(DEFAULT_ANTHROPIC_KEYS.revokedAdmin, true);
    assert.equal(revoked.status, 'validation_error');
    assert.match(String(revoked.last_error), /invalid x-api-key/);
    await assert.rejects(connect(DEFAULT_ANTHROPIC_KEYS.api), /Admin API key must match/);
  });

  test("/proxy/users pages Anthropic's members verbatim, limit as the page size", async () => {
    const { status, body } = await getJson(`/proxy/users?integrated_account_id=${account}&limit=4`);
    assert.equal(status, 200);
    assert.equal(body.result.length, 4);
    assert.deepEqual(Object.keys(body.result[0]).sort(), ['added_at', 'email', 'id', 'name', 'role', 'type']);
    const next = await getJson(`/proxy/users?integrated_account_id=${account}&limit=4&next_cursor=${encodeURIComponent(body.next_cursor)}`);
    assert.deepEqual(
      next.body.result.map((u: Json) => u.id),
      seed.users.slice(4, 8).map((u) => u.id),
    );
  });
});
