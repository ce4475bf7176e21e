import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { DEFAULT_NEON_FIXTURE_IDS as IDS } from '../../../providers/neon/simulator/index.ts';
import { ensureEnvironment, issueApiToken } from '../../../services/tokens.ts';
import { startTestStack, type TestStack } from '../../../../test/helpers/stack.ts';

/** The account's MCP endpoint through the MCP SDK's own client, over a real socket. */

let stack: TestStack;
let neon: string;
const json = { 'content-type': 'application/json' };

async function connect(account: string, token: string): Promise<Client> {
  const client = new Client({ name: 'tessera-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${stack.apiUrl}/integrated-account/${account}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${token}` } },
  });
  await client.connect(transport);
  return client;
}

type TextResult = { content: { type: string; text: string }[]; isError?: boolean };
const parsed = (r: unknown) => JSON.parse((r as TextResult).content[0].text) as Record<string, unknown>;

async function accountToken(account: string): Promise<string | undefined> {
  const res = await stack.api('/integrated-account/token', { method: 'POST', headers: json, body: JSON.stringify({ integrated_account_id: account }) });
  if (res.status !== 200) return undefined;
  return ((await res.json()) as { integrated_account_token: string }).integrated_account_token;
}

before(async () => {
  stack = await startTestStack();
  neon = stack.accounts.neon;
});
after(() => stack?.close());

describe('POST /integrated-account/{id}/mcp', () => {
  test("initialize and tools/list: the account's tools, with their schemas as input schemas", async () => {
    const client = await connect(neon, stack.token);
    try {
      assert.equal(client.getServerVersion()?.name, 'tessera');
      const { tools } = await client.listTools();
      const rest = ((await (await stack.api(`/integrated-account/${neon}/tools`)).json()) as { result: { name: string }[] }).result;
      assert.deepEqual(
        tools.map((t) => t.name),
        rest.map((t) => t.name),
        'the same tools as GET …/tools',
      );
      const get = tools.find((t) => t.name === 'get_usage_metering_users')!;
      assert.deepEqual(get.inputSchema.required, ['id']);
      const create = tools.find((t) => t.name === 'create_usage_metering_users')!;
      assert.ok((create.inputSchema.properties as Record<string, unknown>).body, 'a write takes its body as the body argument');
    } finally {
      await client.close();
    }
  });

  test('tools/call runs a unified get, a paged unified list and a proxy list through the data plane', async () => {
    const client = await connect(neon, stack.token);
    try {
      const user = parsed(await client.callTool({ name: 'get_usage_metering_users', arguments: { id: IDS.adminMemberId } }));
      const direct = await (await stack.api(`/unified/usage-metering/users/${IDS.adminMemberId}?integrated_account_id=${neon}`)).json();
      assert.deepEqual(user, direct);

      const page = parsed(await client.callTool({ name: 'list_usage_metering_users', arguments: { limit: 5 } }));
      assert.equal((page.result as unknown[]).length, 5);
      assert.equal(typeof page.next_cursor, 'string', 'one page, with the cursor to continue');
      const next = parsed(await client.callTool({ name: 'list_usage_metering_users', arguments: { limit: 5, next_cursor: page.next_cursor } }));
      assert.notDeepEqual(next.result, page.result);

      const members = parsed(await client.callTool({ name: 'list_all_neon_members', arguments: { limit: 3 } }));
      assert.equal((members.result as unknown[]).length, 3);
    } finally {
      await client.close();
    }
  });

  test('errors come back as tool results with the error envelope: bad arguments, a missing record; an unknown tool is a protocol error', async () => {
    const client = await connect(neon, stack.token);
    try {
      const missingId = (await client.callTool({ name: 'get_usage_metering_users', arguments: {} })) as TextResult;
      assert.equal(missingId.isError, true);
      assert.equal(parsed(missingId).code, 'TESSERA_VALIDATION_FAILED');
      const notFound = (await client.callTool({ name: 'get_usage_metering_users', arguments: { id: '00000000-0000-4000-8000-000000000000' } })) as TextResult;
      assert.equal(notFound.isError, true);
      assert.equal(parsed(notFound).statusCode, 404);
      await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }), /Unknown tool no_such_tool/);
    } finally {
      await client.close();
    }
  });

  test("another environment's account is a 404; no token is a 401; GET is a 405", async () => {
    const env = await ensureEnvironment(stack.services.store, 'mcp-other');
    const { token } = await issueApiToken(stack.services.store, env.id, 'mcp-other');
    await assert.rejects(connect(neon, token), /404/);
    const res = await fetch(`${stack.apiUrl}/integrated-account/${neon}/mcp`, { method: 'POST', headers: json, body: '{}' });
    assert.equal(res.status, 401);
    const get = await stack.api(`/integrated-account/${neon}/mcp`);
    assert.equal(get.status, 405, 'stateless: no GET stream');
    assert.equal(get.headers.get('allow'), 'POST');
  });

  test("an integrated-account token reaches its own account's MCP endpoint, and gets 403 on another's", async (t) => {
    const own = await accountToken(neon);
    // POST /integrated-account/token is another change's route: without it there is no token to try.
    if (!own) return t.skip('POST /integrated-account/token is not available');
    const client = await connect(neon, own);
    try {
      assert.ok((await client.listTools()).tools.length > 0);
    } finally {
      await client.close();
    }
    const other = stack.accounts['github-copilot'];
    await assert.rejects(connect(other, own), /403/);
    const res = await fetch(`${stack.apiUrl}/integrated-account/${other}/mcp`, {
      method: 'POST',
      headers: { ...json, accept: 'application/json, text/event-stream', authorization: `Bearer ${own}` },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { statusCode: number }).statusCode, 403);
  });
});
