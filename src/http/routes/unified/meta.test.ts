import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { UNIFIED_MODELS } from '../../../models/index.ts';
import { ensureEnvironment, issueApiToken } from '../../../services/tokens.ts';
import { simulator as neonSimulator } from '../../../providers/neon/simulator/index.ts';
import { startTestStack, type TestStack } from '../../../../test/helpers/stack.ts';

const USERS_SCHEMA = UNIFIED_MODELS['usage-metering'].resources.users.schema;
const CONTRACT_KEYS = ['method', 'schema', 'documentation_link', 'response_mapping', 'query_schema', 'request_body_schema', 'default_query', 'default_body'];

let stack: TestStack;
let neon: string;

async function call(path: string, init?: RequestInit) {
  const res = await stack.api(path, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

const meta = (method: string, account = neon, resource = 'users') =>
  call(`/unified/usage-metering/${resource}/meta/${method}?integrated_account_id=${account}`);

/** A second Neon account on the same simulator, so one account's override can be told apart from another's. */
async function createNeonAccount(extra: Record<string, unknown> = {}): Promise<string> {
  const res = await call('/integrated-account', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      tenant_id: `meta-${Math.random().toString(36).slice(2)}`,
      integration: 'neon',
      context: neonSimulator.sandbox.context,
      integration_override: { base_url: stack.simulators.neon },
      ...extra,
    }),
  });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.status, 'active', JSON.stringify(res.body));
  return res.body.id as string;
}

before(async () => {
  stack = await startTestStack();
  neon = stack.accounts.neon;
});
after(async () => {
  await stack?.close();
});

describe('GET /unified/{model}/{resource}/meta/{method}', () => {
  test('returns the contract fields for the account’s mapping', async () => {
    const { status, headers, body } = await meta('list');
    assert.equal(status, 200);
    assert.match(headers.get('content-type') ?? '', /^application\/json/);
    for (const key of CONTRACT_KEYS) assert.ok(key in body, `missing ${key}`);
    assert.equal(body.method, 'list');
    assert.deepEqual(body.schema, USERS_SCHEMA);
    assert.deepEqual(body.schema.required, ['id', 'name']);
    // Neon's list is two phases (members, then invitations); the first phase's mapping is reported.
    assert.match(body.response_mapping, /record\.member\.id/);
    assert.equal(body.mapping.phases.length, 2);
    assert.equal(body.integration, 'neon');
    assert.equal(typeof body.documentation_link, 'string');
    assert.equal(body.query_schema, null);
    assert.equal(body.default_query, null);
    assert.equal('response_schema' in body, false, 'response_schema belongs to the integration variant only');
  });

  test('write methods carry their request_body_schema', async () => {
    const { status, body } = await meta('create');
    assert.equal(status, 200);
    assert.deepEqual(body.request_body_schema.required, ['emails']);
    assert.match(body.response_mapping, /"status": "invited"/);
  });

  test('a 3-segment GET /unified/{m}/{r}/meta is still a get of the record whose id is "meta"', async () => {
    const { status, body } = await call(`/unified/usage-metering/users/meta?integrated_account_id=${neon}`);
    assert.equal(status, 404);
    assert.equal(body.message, 'User meta not found');
  });

  test('one account’s unified_model_override changes its meta and no other account’s', async () => {
    const other = await createNeonAccount();
    const override = {
      'usage-metering': {
        users: {
          list: {
            default_query: { limit: 5 },
            query_schema: { type: 'object', properties: { role: { type: 'string', enum: ['admin', 'member'] } } },
            phases: [{ resource: 'members', method: 'list', response_mapping: '{ "id": record.member.id, "name": record.member.user_id }' }],
          },
          search: { resource: 'members', method: 'list', response_mapping: '{ "id": record.member.id, "name": record.user.email }' },
        },
      },
    };
    const patched = await call(`/integrated-account/${other}`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ unified_model_override: override }),
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));

    const mine = await meta('list', other);
    assert.equal(mine.status, 200);
    assert.deepEqual(mine.body.default_query, { limit: 5 });
    assert.deepEqual(mine.body.query_schema.properties.role.enum, ['admin', 'member']);
    assert.match(mine.body.response_mapping, /record\.member\.user_id/);
    assert.equal(mine.body.mapping.phases.length, 1, 'arrays replace whole');
    assert.ok(mine.body.mapping.side_load.organization, 'objects deep-merge: the base side_load survives');

    // A method the override adds exists for that account only.
    const search = await meta('search', other);
    assert.equal(search.status, 200);
    assert.equal(search.body.method, 'search');

    const base = await meta('list');
    assert.equal(base.body.default_query, null);
    assert.equal(base.body.mapping.phases.length, 2);
    const unsupported = await meta('search');
    assert.equal(unsupported.status, 404);
    assert.equal(
      unsupported.body.message,
      'Method search is not supported for usage-metering/users on integration neon; supported methods: list, get, create, update, delete',
    );

    const integrationMeta = await call('/unified/usage-metering/users/neon/meta/list');
    assert.equal(integrationMeta.body.default_query, null, 'the integration variant shows the base mapping');
  });

  test('an environment override is part of the mapping the account would use', async () => {
    const created = await call('/environment-unified-model-resource-method', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        unified_model: 'usage-metering',
        resource_name: 'users',
        integration_name: 'neon',
        method_name: 'delete',
        config: { documentation_link: 'https://docs.example.test/neon/remove-member' },
      }),
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    try {
      const { body } = await meta('delete');
      assert.equal(body.documentation_link, 'https://docs.example.test/neon/remove-member');
      const base = await call('/unified/usage-metering/users/neon/meta/delete');
      assert.notEqual(base.body.documentation_link, 'https://docs.example.test/neon/remove-member');
    } finally {
      await call(`/environment-unified-model-resource-method/${created.body.id}`, { method: 'DELETE' });
    }
  });

  test('errors are the contract envelope with a message a person can act on', async () => {
    const missing = await call('/unified/usage-metering/users/meta/list');
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body.truto_error_insight.missing_required_query_parameters.value, ['integrated_account_id']);

    const model = await call(`/unified/crm/contacts/meta/list?integrated_account_id=${neon}`);
    assert.equal(model.status, 404);
    assert.deepEqual(Object.keys(model.body).sort(), ['code', 'error', 'message', 'statusCode']);
    assert.equal(model.body.message, 'Unknown unified model crm; known models: usage-metering');

    const resource = await meta('list', neon, 'contacts');
    assert.equal(resource.status, 404);
    assert.match(resource.body.message, /^Unknown resource contacts of unified model usage-metering; known resources: users, /);

    const noMapping = await meta('list', neon, 'products');
    assert.equal(noMapping.status, 404);
    assert.equal(
      noMapping.body.message,
      'Method list is not supported for usage-metering/products on integration neon; integration neon maps no method of usage-metering/products',
    );

    const unknownAccount = await meta('list', '00000000-0000-4000-8000-000000000000');
    assert.equal(unknownAccount.status, 404);
    assert.equal(unknownAccount.body.message, 'Integrated account 00000000-0000-4000-8000-000000000000 not found');

    const unauthenticated = await fetch(`${stack.apiUrl}/unified/usage-metering/users/meta/list?integrated_account_id=${neon}`);
    assert.equal(unauthenticated.status, 401);
  });

  test('an account of another environment is not found', async () => {
    const env = await ensureEnvironment(stack.services.store, 'meta-other');
    const { token } = await issueApiToken(stack.services.store, env.id, 'meta-other');
    const res = await fetch(`${stack.apiUrl}/unified/usage-metering/users/meta/list?integrated_account_id=${neon}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { message: string }).message, `Integrated account ${neon} not found`);
  });
});

describe('GET /unified/{model}/{resource}/{integration}/meta/{method}', () => {
  test('returns the base mapping plus response_schema, without an account', async () => {
    const list = await call('/unified/usage-metering/users/neon/meta/list');
    assert.equal(list.status, 200);
    for (const key of [...CONTRACT_KEYS, 'response_schema']) assert.ok(key in list.body, `missing ${key}`);
    assert.deepEqual(list.body.schema, USERS_SCHEMA);
    assert.deepEqual(list.body.response_schema.properties.result.items, USERS_SCHEMA);
    assert.deepEqual(list.body.response_schema.required, ['result', 'next_cursor', 'prev_cursor', 'result_count']);

    const get = await call('/unified/usage-metering/users/neon/meta/get');
    assert.deepEqual(get.body.response_schema, USERS_SCHEMA);
    const del = await call('/unified/usage-metering/users/neon/meta/delete');
    assert.deepEqual(del.body.response_schema, { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] });
  });

  test('unknown integration or unmapped method is a 404 naming what exists', async () => {
    const integration = await call('/unified/usage-metering/users/hubspot/meta/list');
    assert.equal(integration.status, 404);
    assert.match(integration.body.message, /^Integration hubspot not found; known integrations: .*neon/);

    const method = await call('/unified/usage-metering/users/neon/meta/merge');
    assert.equal(method.status, 404);
    assert.equal(
      method.body.message,
      'Method merge is not supported for usage-metering/users on integration neon; supported methods: list, get, create, update, delete',
    );
  });
});

describe('GET /unified/meta/{model}/{integration}', () => {
  test('json: every resource of the model with its fields, and the methods the integration maps', async () => {
    const { status, body } = await call('/unified/meta/usage-metering/neon');
    assert.equal(status, 200);
    assert.deepEqual(body.integration.name, 'neon');
    assert.equal(body.model.name, 'usage-metering');
    assert.deepEqual(body.resources.map((r: { resource: string }) => r.resource).sort(), Object.keys(UNIFIED_MODELS['usage-metering'].resources).sort());
    const users = body.resources.find((r: { resource: string }) => r.resource === 'users');
    assert.deepEqual(
      users.methods.map((m: { method: string }) => m.method),
      ['list', 'get', 'create', 'update', 'delete'],
    );
    const id = users.fields.find((f: { name: string }) => f.name === 'id');
    assert.deepEqual(id, { name: 'id', type: 'string', required: true, description: "The user's unique id inside the source application", covered: true });
    // Field coverage comes from the mapping: Neon's users have no spend limit; its usage rows are quantities, not money.
    assert.equal(users.fields.find((f: { name: string }) => f.name === 'spend_limit').covered, false);
    const usage = body.resources.find((r: { resource: string }) => r.resource === 'usage');
    const covered = (name: string) => usage.fields.find((f: { name: string }) => f.name === name).covered;
    assert.deepEqual([covered('usage'), covered('start_date'), covered('charges')], [true, true, false]);
    const statusField = users.fields.find((f: { name: string }) => f.name === 'status');
    assert.match(statusField.description, /one of active, inactive, deleted, invited/);
    assert.equal(typeof users.methods[0].response_mapping, 'string');
  });

  test('md and html render the same content; html escapes what it shows', async () => {
    const md = await stack.api('/unified/meta/usage-metering/neon?format=md');
    assert.equal(md.status, 200);
    assert.match(md.headers.get('content-type') ?? '', /^text\/markdown/);
    const text = await md.text();
    assert.match(text, /^# Usage Metering on Neon/);
    assert.match(text, /\| `organization` \| object \|/);
    assert.match(text, /### users get/);

    const html = await stack.api('/unified/meta/usage-metering/neon?format=html');
    assert.match(html.headers.get('content-type') ?? '', /^text\/html/);
    const page = await html.text();
    assert.match(page, /<h2 id="users">users<\/h2>/);
    const { body } = await call('/unified/meta/usage-metering/neon');
    const mapping: string = body.resources
      .find((r: { resource: string }) => r.resource === 'users')
      .methods.find((m: { method: string }) => m.method === 'get').response_mapping;
    assert.match(mapping, /["<>&]/, 'the mapping has characters HTML must escape');
    const escaped = mapping.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
    assert.ok(page.includes(`<pre><code>${escaped}</code></pre>`), 'the mapping is shown escaped');
  });

  test('unknown format, model or integration: 4xx envelopes naming what exists', async () => {
    const badFormat = await call('/unified/meta/usage-metering/neon?format=pdf');
    assert.equal(badFormat.status, 400);
    assert.match(badFormat.body.message, /use one of json, md, html/);
    const badModel = await call('/unified/meta/crm/neon');
    assert.equal(badModel.status, 404);
    assert.match(badModel.body.message, /known models: usage-metering/);
    const badIntegration = await call('/unified/meta/usage-metering/nope');
    assert.equal(badIntegration.status, 404);
    assert.match(badIntegration.body.message, /known integrations: .*neon/);
  });
});
