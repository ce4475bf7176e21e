import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { loadCatalog } from '../../../integrations/catalog.ts';
import { ensureEnvironment, issueApiToken } from '../../../services/tokens.ts';
import type { Tool } from '../../../services/tools.ts';
import { startTestStack, type TestStack } from '../../../../test/helpers/stack.ts';

type Envelope = { statusCode: number; message: string; code: string };
type ToolsAnswer = { result: Tool[]; next_cursor: null; limit: number };

const catalog = loadCatalog();
let stack: TestStack;
let neon: string;
let copilot: string;

async function tools(account: string, query = ''): Promise<{ status: number; body: ToolsAnswer & Envelope }> {
  const res = await stack.api(`/integrated-account/${account}/tools${query}`);
  return { status: res.status, body: (await res.json()) as ToolsAnswer & Envelope };
}

async function ok(account: string, query = ''): Promise<Tool[]> {
  const res = await tools(account, query);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.result;
}

/** What an LLM client does with a tool: compile its schemas, and check an argument set against them. */
function assertUsableSchemas(list: Tool[]) {
  const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false, allErrors: true });
  (addFormats as unknown as typeof addFormats.default)(ajv);
  for (const tool of list) {
    for (const key of ['query_schema', 'body_schema'] as const) {
      assert.equal(ajv.validateSchema(tool[key]), true, `${tool.name}.${key}: ${ajv.errorsText(ajv.errors)}`);
      assert.equal(tool[key].type, 'object', `${tool.name}.${key} describes an object of arguments`);
      ajv.compile(tool[key]);
    }
    const validate = ajv.compile(tool.query_schema);
    assert.equal(validate({}), tool.required.length === 0, `${tool.name}: {} is valid exactly when nothing is required`);
  }
}

before(async () => {
  stack = await startTestStack();
  neon = stack.accounts.neon;
  copilot = stack.accounts['github-copilot'];
});
after(() => stack?.close());

describe('GET /integrated-account/{id}/tools', () => {
  test('a Neon account: every unified and proxy method it supports, as tools with valid JSON Schemas', async () => {
    const list = await ok(neon);
    assert.deepEqual(Object.keys((await tools(neon)).body).sort(), ['limit', 'next_cursor', 'result'], 'the admin list envelope');
    const names = list.map((t) => t.name);
    assert.equal(new Set(names).size, names.length, 'names are unique');
    for (const name of names) assert.match(name, /^[A-Za-z0-9_-]{1,64}$/);

    const def = catalog.getIntegration('neon')!;
    const proxy = list.filter((t) => t.kind === 'proxy').map((t) => `${t.resource}.${t.method}`);
    const defined = Object.entries(def.resources).flatMap(([r, methods]) => Object.keys(methods).map((m) => `${r}.${m}`));
    assert.deepEqual(proxy.sort(), defined.sort(), 'one proxy tool per method of the definition');

    const unified = list.filter((t) => t.kind === 'unified');
    assert.deepEqual(
      unified.filter((t) => t.resource === 'users').map((t) => t.method),
      ['list', 'get', 'create', 'update', 'delete'],
    );
    const getUser = unified.find((t) => t.name === 'get_usage_metering_users')!;
    assert.equal(getUser.model, 'usage-metering');
    assert.deepEqual(getUser.required, ['id']);
    assert.deepEqual(getUser.tags, ['unified', 'read', 'usage-metering']);
    assert.match(getUser.description, /Neon/);
    const createUser = unified.find((t) => t.name === 'create_usage_metering_users')!;
    assert.ok((createUser.body_schema.properties as Record<string, unknown>).emails, 'create takes the record as its body');
    assert.equal('$id' in createUser.body_schema, false);
    const membersList = list.find((t) => t.name === 'list_all_neon_members')!;
    assert.equal(membersList.description, def.resources.members.list.description);
    assert.ok((membersList.query_schema.properties as Record<string, unknown>).next_cursor);
    assertUsableSchemas(list);
  });

  test("a GitHub Copilot account: the usage list's query schema is its mapping's; a singleton get takes no id", async () => {
    const list = await ok(copilot);
    assertUsableSchemas(list);
    const usage = list.find((t) => t.name === 'list_usage_metering_usage')!;
    const mapping = catalog.getMapping('github-copilot', 'usage-metering', 'usage', 'list')!;
    for (const name of Object.keys(mapping.query_schema!.properties as object)) {
      assert.ok((usage.query_schema.properties as Record<string, unknown>)[name], `usage takes ${name}`);
    }
    const org = list.find((t) => t.kind === 'proxy' && t.resource === 'organization' && t.method === 'get')!;
    assert.deepEqual(org.required, [], '/orgs/{{context.org}} needs no id');
    const seat = list.find((t) => t.kind === 'proxy' && t.resource === 'seat' && t.method === 'get')!;
    assert.deepEqual(seat.required, ['id']);
  });

  test('the exact requests of Truto’s TS SDK (integratedAccount.tools) filter by method', async () => {
    // tools(id, ['list', 'get']): qs.stringify({methods: 'list,get', tags: undefined}) → methods=list%2Cget
    const res = await fetch(`${stack.apiUrl}/integrated-account/${neon}/tools?methods=list%2Cget`, {
      headers: { Accept: 'application/json', Authorization: `Bearer ${stack.token}`, 'User-Agent': 'truto-ts-sdk/2.0.12' },
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as ToolsAnswer;
    assert.ok(body.result.length > 0);
    assert.deepEqual([...new Set(body.result.map((t) => t.method))].sort(), ['get', 'list']);
    // tools(id, ['list'], []): tags=[] joins to an empty string, which filters nothing.
    const withEmptyTags = await ok(neon, '?methods=list&tags=');
    assert.deepEqual([...new Set(withEmptyTags.map((t) => t.method))], ['list']);
    // tools(id): no query at all, every tool.
    assert.equal((await ok(neon, '?')).length, (await ok(neon)).length);
  });

  test('methods, tags and resource in every list form', async () => {
    const all = await ok(neon);
    const methods = (q: string) => ok(neon, q).then((l) => l.map((t) => t.name).sort());
    const listGet = all
      .filter((t) => t.method === 'list' || t.method === 'get')
      .map((t) => t.name)
      .sort();
    for (const q of [
      '?methods=list,get',
      '?methods[]=list&methods[]=get',
      '?methods[0]=list&methods[1]=get',
      '?methods[in]=list,get',
      '?methods=list&methods=get',
    ]) {
      assert.deepEqual(await methods(q), listGet, q);
    }
    assert.deepEqual(
      await methods('?methods[nin]=list,get'),
      all
        .filter((t) => t.method !== 'list' && t.method !== 'get')
        .map((t) => t.name)
        .sort(),
    );
    const writes = await ok(neon, '?tags=write');
    assert.ok(writes.length > 0 && writes.every((t) => t.method !== 'list' && t.method !== 'get'));
    const proxyReads = await ok(neon, '?tags=proxy&methods=list');
    assert.ok(proxyReads.length > 0 && proxyReads.every((t) => t.kind === 'proxy' && t.method === 'list'));
    assert.deepEqual(
      (await ok(neon, '?resource=users')).map((t) => t.name),
      all.filter((t) => t.resource === 'users').map((t) => t.name),
    );
  });

  test('an unknown method name or filter is a 400 that says what is accepted', async () => {
    const method = await tools(neon, '?methods=list,lsit');
    assert.equal(method.status, 400);
    assert.match(method.body.message, /Unknown method lsit/);
    const filter = await tools(neon, '?method=list');
    assert.equal(filter.status, 400);
    assert.match(filter.body.message, /has no filter method; its filters are methods, tags, resource/);
  });

  test("another environment's account, and a malformed id, are 404", async () => {
    const env = await ensureEnvironment(stack.services.store, 'tools-other');
    const { token } = await issueApiToken(stack.services.store, env.id, 'tools-other');
    const other = await fetch(`${stack.apiUrl}/integrated-account/${neon}/tools`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(other.status, 404);
    assert.equal(((await other.json()) as Envelope).code, 'TESSERA_ACCOUNT_NOT_FOUND');
    assert.equal((await tools('not-a-uuid')).status, 404);
    assert.equal((await tools('00000000-0000-4000-8000-000000000000')).status, 404);
  });
});
