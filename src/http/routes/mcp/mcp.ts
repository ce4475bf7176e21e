import { Hono } from 'hono';
import { errors } from '../../../errors/catalogue.ts';
import { jsonContent, ok, type RouteDocs } from '../../openapi/route-doc.ts';
import { uuidParam } from '../../params.ts';
import { readJsonBody } from '../../respond.ts';
import type { HttpEnv } from '../../types.ts';
import { accountLimit } from '../batch-request/account-limit.ts';

export const mcpDocs: RouteDocs = {
  operations: [
    {
      method: 'post',
      path: '/integrated-account/{id}/mcp',
      operationId: 'integratedAccountMcp',
      summary: "The account's tools as an MCP server (streamable HTTP, stateless)",
      description:
        'A Model Context Protocol endpoint: initialize, tools/list and tools/call as JSON-RPC over POST, answered as JSON. ' +
        'The tools are those of GET /integrated-account/{id}/tools, called through the same services as /unified and /proxy. ' +
        "An API token of the account's environment, or that account's integrated-account token, may call it. Stateless: no session, no GET stream.",
      tags: ['Discovery'],
      params: { id: { description: 'Integrated account id', schema: { type: 'string', format: 'uuid' } } },
      requestBody: {
        required: true,
        content: jsonContent({ type: 'object', description: 'A JSON-RPC 2.0 message (or a batch of them)', additionalProperties: true }),
      },
      success: ok('The JSON-RPC response', { type: 'object', additionalProperties: true }),
      errors: [400, 401, 403, 404, 429, 500],
    },
  ],
};

/**
 * POST /integrated-account/{id}/mcp (docs/tools.md "MCP"): a fresh stateless MCP server per
 * request, so nothing is held between requests and any replica can answer any of them.
 */
/**
 * The MCP SDK (and the ajv build it brings) is loaded on the first MCP request, not at start: it
 * is a large module graph most deployments never call, and a cold start pays for every import.
 */
let mcpModules: Promise<[typeof import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'), typeof import('./mcp-server.ts')]> | undefined;
const loadMcp = () => (mcpModules ??= Promise.all([import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'), import('./mcp-server.ts')]));

export function mcpRoutes() {
  const app = new Hono<HttpEnv>();
  app.post('/:id/mcp', async (c) => {
    const id = uuidParam(c, 'id', errors.accountNotFound);
    const services = c.get('services');
    const environmentId = c.get('principal').environmentId;
    // Another environment's account is a 404 in the contract's envelope, before any MCP exchange.
    await services.access.get(environmentId, id);
    const parsedBody = await readJsonBody(c);
    const [{ WebStandardStreamableHTTPServerTransport }, { accountMcpServer }] = await loadMcp();
    const mcp = accountMcpServer({
      services,
      environmentId,
      accountId: id,
      ctx: { environmentId, signal: c.req.raw.signal, log: c.get('requestLog'), beforeCall: accountLimit(c, id) },
    });
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await mcp.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw, { parsedBody });
    } finally {
      await mcp.close();
    }
  });
  return app;
}
