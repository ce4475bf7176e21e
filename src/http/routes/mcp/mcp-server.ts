import fs from 'node:fs';
import Ajv2020 from 'ajv/dist/2020.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { isTesseraError, errors } from '../../../errors/catalogue.ts';
import type { AppServices } from '../../../services/app-services.ts';
import type { BatchRunContext } from '../../../services/batch/run.ts';
import type { Tool } from '../../../services/tools.ts';

/**
 * One account's tools (services/tools.ts) as an MCP server. Each tool's arguments are its query
 * arguments (`id` among them for methods that take one) plus `body` for methods that send one;
 * a call runs through the same services as /unified and /proxy (services/batch/run.ts `single`),
 * and answers what that route would: a list as one page in its envelope, with next_cursor to pass
 * back. Errors come back as tool results with isError and the contract's error envelope as text,
 * so a model can read why and correct itself.
 */

/** Told to clients in the MCP handshake: the server's own version (as /openapi.json gives it). */
const SERVER_VERSION = (() => {
  try {
    return (JSON.parse(fs.readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
})();

const HAS_BODY = (method: string) => method !== 'list' && method !== 'get' && method !== 'delete';

/** The MCP input schema: the query arguments, with `body` beside them when the method sends one. */
export function inputSchema(tool: Tool): { type: 'object'; properties: Record<string, unknown>; required?: string[] } {
  const properties: Record<string, unknown> = { ...((tool.query_schema.properties as Record<string, unknown> | undefined) ?? {}) };
  const required = [...tool.required];
  if (HAS_BODY(tool.method)) {
    properties.body = { ...tool.body_schema, description: 'The request body' };
    if (tool.method === 'create') required.push('body');
  }
  return { type: 'object', properties, ...(required.length ? { required } : {}) };
}

function text(value: unknown, isError = false): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(value) }], ...(isError ? { isError: true } : {}) };
}

export interface AccountMcpOptions {
  services: AppServices;
  environmentId: string;
  accountId: string;
  /** The request's signal, log line and rate-limit hook, as a batch call gets them. */
  ctx: BatchRunContext;
}

export function accountMcpServer(options: AccountMcpOptions): McpServer {
  const { services, environmentId, accountId, ctx } = options;
  const mcp = new McpServer({ name: 'tessera', version: SERVER_VERSION }, { capabilities: { tools: {} } });
  // Loaded once per request: a list and a call in one request see the same tools.
  let loaded: Promise<Tool[]> | undefined;
  const tools = () => (loaded ??= services.tools.forAccount(environmentId, accountId));

  // JSON Schema tool inputs: the low-level handlers, since McpServer.registerTool takes zod shapes.
  mcp.server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: (await tools()).map((t) => ({ name: t.name, description: t.description, inputSchema: inputSchema(t) })),
  }));

  mcp.server.setRequestHandler(CallToolRequestSchema, async (request) => {
    const all = await tools();
    const tool = all.find((t) => t.name === request.params.name);
    if (!tool) throw new McpError(ErrorCode.InvalidParams, `Unknown tool ${request.params.name}; tools/list names this account's ${all.length} tools`);
    const args = (request.params.arguments ?? {}) as Record<string, unknown>;
    const schema = inputSchema(tool);
    const ajv = new (Ajv2020 as unknown as typeof Ajv2020.default)({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(schema);
    if (!validate(args)) {
      const failures = (validate.errors ?? []).map((e) => ({ path: e.instancePath || '(arguments)', message: e.message ?? 'invalid' }));
      return text(errors.validation(`Invalid arguments for ${tool.name}: ${ajv.errorsText(validate.errors)}`, failures).toEnvelope(), true);
    }
    const { id, body, ...query } = args;
    try {
      const answer = await services.batch.single(
        accountId,
        {
          key: tool.name,
          kind: tool.kind,
          model: tool.model,
          resource: tool.resource,
          method: tool.method,
          query: {},
          persist: true,
        },
        { id: id === undefined ? undefined : String(id as string | number), query, body },
        ctx,
      );
      return text(answer);
    } catch (e) {
      if (isTesseraError(e)) return text(e.toEnvelope(), true);
      services.logger.error({ err: { message: (e as Error)?.message, stack: (e as Error)?.stack } }, 'MCP tool call failed');
      return text(errors.internal().toEnvelope(), true);
    }
  });
  return mcp;
}
