import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadCatalog } from '../../../integrations/catalog.ts';
import { ensureEnvironment, issueApiToken } from '../../../services/tokens.ts';
import { simulator as neonSimulator } from '../../../providers/neon/simulator/index.ts';
import { startTestStack, type TestStack } from '../../../../test/helpers/stack.ts';

type Caps = {
  integration: { id: string; name: string; label: string; category: string };
  environment_id?: string;
  proxy: {
    resource: string;
    methods: { method: string; name: string; description: string | null; has_description: boolean; api_documentation_url: string | null }[];
  }[];
  unified: {
    model: string;
    model_label: string;
    resource: string;
    description: string | null;
    docs_url: string | null;
    methods: string[];
    env_overridden?: boolean;
  }[];
  auth: { formats: string[]; fields: { name: string; label: string; type: string; required: boolean; format?: string | null }[]; documentation_link?: string };
  ai_readiness: { proxy_methods: number; proxy_methods_with_descriptions: number; ai_ready_score: number };
  account?: { id: string; status: string; authentication_method: string; is_blocked: boolean };
};

const neonDefinition = loadCatalog().getIntegration('neon')!;
const allProxyMethods = Object.entries(neonDefinition.resources).flatMap(([resource, methods]) => Object.keys(methods).map((m) => `${resource}.${m}`));
const describedProxyMethods = Object.entries(neonDefinition.resources).flatMap(([resource, methods]) =>
  Object.entries(methods)
    .filter(([, m]) => m.description)
    .map(([name]) => `${resource}.${name}`),
);

let stack: TestStack;
let neon: string;

async function call(path: string, init?: RequestInit) {
  const res = await stack.api(path, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function caps(path: string): Promise<Caps> {
  const res = await call(path);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body as Caps;
}

const flat = (c: Caps) => c.proxy.flatMap((r) => r.methods.map((m) => `${r.resource}.${m.method}`));

before(async () => {
  stack = await startTestStack();
  neon = stack.accounts.neon;
});
after(async () => {
  await stack?.close();
});

describe('GET /integrated-account/{id}/capabilities', () => {
  test('describes the account: integration, environment, proxy, unified, auth, readiness and account state', async () => {
    const c = await caps(`/integrated-account/${neon}/capabilities`);
    const account = (await call(`/integrated-account/${neon}`)).body;
    assert.deepEqual(c.integration, { id: 'neon', name: 'neon', label: 'Neon', category: 'usage-metering' });
    assert.equal(c.environment_id, account.environment_id);
    assert.deepEqual(c.account, { id: neon, status: 'active', authentication_method: 'api_key', is_blocked: false });

    // has_description defaults to true: only documented proxy methods.
    assert.deepEqual(flat(c).sort(), [...describedProxyMethods].sort());
    const membersList = c.proxy.find((r) => r.resource === 'members')!.methods.find((m) => m.method === 'list')!;
    assert.equal(membersList.name, 'list_all_neon_members');
    assert.equal(membersList.description, neonDefinition.resources.members.list.description);
    assert.equal(membersList.has_description, true);
    assert.equal(c.proxy.find((r) => r.resource === 'members')!.methods.find((m) => m.method === 'get')!.name, 'get_single_neon_member_by_id');

    const users = c.unified.find((u) => u.model === 'usage-metering' && u.resource === 'users')!;
    assert.deepEqual(users.methods, ['list', 'get', 'create', 'update', 'delete']);
    assert.equal(users.model_label, 'Unified Usage Metering API');
    assert.equal(users.env_overridden, false);
    assert.deepEqual(c.unified.map((u) => u.resource).sort(), ['usage', 'users'], 'only resources neon maps');

    assert.deepEqual(c.auth.formats, ['api_key']);
    assert.deepEqual(
      c.auth.fields.map((f) => [f.name, f.type, f.required]),
      [
        ['api_key', 'password', true],
        ['org_id', 'text', false],
      ],
    );
    assert.equal(c.auth.fields[0].label, 'API key');
    assert.equal(c.auth.documentation_link, 'https://neon.com/docs/manage/api-keys');

    // Readiness counts every proxy method, whatever the filters.
    assert.equal(c.ai_readiness.proxy_methods, allProxyMethods.length);
    assert.equal(c.ai_readiness.proxy_methods_with_descriptions, describedProxyMethods.length);
    assert.equal(c.ai_readiness.ai_ready_score, Math.round((describedProxyMethods.length / allProxyMethods.length) * 100) / 100);
  });

  test('filters: type, methods (comma or array), resource and has_description', async () => {
    const all = await caps(`/integrated-account/${neon}/capabilities?has_description=false`);
    assert.deepEqual(flat(all).sort(), [...allProxyMethods].sort());
    assert.ok(all.proxy.some((r) => r.methods.some((m) => !m.has_description && m.description === null)));

    const unified = await caps(`/integrated-account/${neon}/capabilities?type=unified`);
    assert.deepEqual(unified.proxy, []);
    assert.equal(unified.unified.length, 2);
    const proxy = await caps(`/integrated-account/${neon}/capabilities?type=proxy&has_description=0`);
    assert.deepEqual(proxy.unified, []);
    assert.equal(flat(proxy).length, allProxyMethods.length);

    const comma = await caps(`/integrated-account/${neon}/capabilities?methods=list,delete&has_description=false`);
    assert.ok(flat(comma).length > 0);
    assert.ok(
      flat(comma).every((m) => /\.(list|delete)$/.test(m)),
      flat(comma).join(),
    );
    assert.ok(flat(comma).includes('members.delete'));
    const array = await caps(`/integrated-account/${neon}/capabilities?methods[]=list&methods[]=delete&has_description=false`);
    assert.deepEqual(flat(array), flat(comma));

    const members = await caps(`/integrated-account/${neon}/capabilities?resource=members&has_description=false`);
    assert.deepEqual(
      members.proxy.map((r) => r.resource),
      ['members'],
    );
    assert.deepEqual(members.unified, []);
    const users = await caps(`/integrated-account/${neon}/capabilities?resource=users`);
    assert.deepEqual(users.proxy, []);
    assert.deepEqual(
      users.unified.map((u) => u.resource),
      ['users'],
    );
  });

  test('bad filters are 400s', async () => {
    const type = await call(`/integrated-account/${neon}/capabilities?type=graphql`);
    assert.equal(type.status, 400);
    assert.equal(type.body.message, 'type must be one of proxy, unified, all, got "graphql"');
    const flag = await call(`/integrated-account/${neon}/capabilities?has_description=maybe`);
    assert.equal(flag.status, 400);
    assert.match(flag.body.message, /^has_description must be true or false/);
  });

  test('reflects the account’s own overrides and its environment’s', async () => {
    const created = await call('/integrated-account', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        tenant_id: 'caps-override',
        integration: 'neon',
        context: neonSimulator.sandbox.context,
        integration_override: {
          base_url: stack.simulators.neon,
          resources: { projects: { list: { path: '/projects', description: 'Projects of the organization' } } },
        },
        unified_model_override: {
          'usage-metering': { users: { deactivate: { resource: 'members', method: 'update', request_body_mapping: '{ "role": "member" }' } } },
        },
      }),
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    const mine = await caps(`/integrated-account/${created.body.id}/capabilities`);
    assert.ok(flat(mine).includes('projects.list'), 'integration_override adds a proxy resource');
    assert.deepEqual(mine.unified[0].methods, ['list', 'get', 'create', 'update', 'delete', 'deactivate']);
    const base = await caps(`/integrated-account/${neon}/capabilities`);
    assert.equal(flat(base).includes('projects.list'), false);
    assert.equal(base.unified[0].methods.includes('deactivate'), false);

    const row = await call('/environment-unified-model-resource-method', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        unified_model: 'usage-metering',
        resource_name: 'users',
        integration_name: 'neon',
        method_name: 'get',
        config: { default_query: { limit: 1 } },
      }),
    });
    assert.equal(row.status, 200, JSON.stringify(row.body));
    try {
      const overridden = await caps(`/integrated-account/${neon}/capabilities?type=unified`);
      assert.equal(overridden.unified[0].env_overridden, true);
      const integration = await caps('/integration/neon/capabilities?type=unified');
      assert.equal('env_overridden' in integration.unified[0], false);
    } finally {
      await call(`/environment-unified-model-resource-method/${row.body.id}`, { method: 'DELETE' });
    }
  });

  test('an unknown account, or one of another environment, is not found', async () => {
    const unknown = await call('/integrated-account/00000000-0000-4000-8000-000000000000/capabilities');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.message, 'Integrated account 00000000-0000-4000-8000-000000000000 not found');

    const env = await ensureEnvironment(stack.services.store, 'caps-other');
    const { token } = await issueApiToken(stack.services.store, env.id, 'caps-other');
    const res = await fetch(`${stack.apiUrl}/integrated-account/${neon}/capabilities`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 404);

    const unauthenticated = await fetch(`${stack.apiUrl}/integrated-account/${neon}/capabilities`);
    assert.equal(unauthenticated.status, 401);
  });
});

describe('GET /integration/{name}/capabilities', () => {
  test('describes the integration without account, environment or env_overridden', async () => {
    const c = await caps('/integration/neon/capabilities');
    assert.deepEqual(c.integration, { id: 'neon', name: 'neon', label: 'Neon', category: 'usage-metering' });
    assert.equal('account' in c, false);
    assert.equal('environment_id' in c, false);
    assert.deepEqual(flat(c).sort(), [...describedProxyMethods].sort());
    assert.deepEqual(
      c.unified.map((u) => [u.resource, u.methods]),
      [
        ['users', ['list', 'get', 'create', 'update', 'delete']],
        ['usage', ['list']],
      ],
    );
    assert.deepEqual(c.auth.formats, ['api_key']);

    const filtered = await caps('/integration/neon/capabilities?type=proxy&methods=get&resource=organizations&has_description=false');
    assert.deepEqual(flat(filtered), ['organizations.get']);
    assert.equal(filtered.proxy[0].methods[0].name, 'get_single_neon_organization_by_id');
  });

  test('an unknown integration is a 404 naming the known ones', async () => {
    const res = await call('/integration/hubspot/capabilities');
    assert.equal(res.status, 404);
    assert.match(res.body.message, /^Integration hubspot not found; known integrations: .*neon/);
  });
});
