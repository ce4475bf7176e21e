import { Hono } from 'hono';
import { errors } from '../../../errors/catalogue.ts';
import { parseQueryString } from '../../../query/unified-query.ts';
import { NAME_RULE } from '../../../query/safe-input.ts';
import type { TextMatch } from '../../../store/types.ts';
import { filterParameters, parseListFilters, type FilterSpec } from '../../list-filters.ts';
import { adminListSchema } from '../../openapi/components.ts';
import { ok, type Json, type RouteDocs } from '../../openapi/route-doc.ts';
import { uuidParam } from '../../params.ts';
import { rawQueryString, sendJson } from '../../respond.ts';
import type { HttpEnv } from '../../types.ts';

const TOOL_FILTERS: Record<string, FilterSpec> = {
  methods: { kind: 'text', rule: NAME_RULE },
  tags: { kind: 'text', rule: NAME_RULE },
  resource: { kind: 'text', rule: NAME_RULE },
};

const jsonSchema: Json = { type: 'object', description: 'A JSON Schema (draft 2020-12)', additionalProperties: true };
const toolSchema: Json = {
  type: 'object',
  properties: {
    name: {
      type: 'string',
      pattern: '^[A-Za-z0-9_-]{1,64}$',
      description: 'Unique within the account, e.g. list_usage_metering_users or list_all_<integration>_<resource>',
    },
    description: { type: 'string' },
    kind: { type: 'string', enum: ['unified', 'proxy'] },
    model: { type: 'string', description: 'The unified model (unified tools only)' },
    resource: { type: 'string' },
    method: { type: 'string' },
    query_schema: jsonSchema,
    body_schema: jsonSchema,
    required: { type: 'array', items: { type: 'string' }, description: 'Required names of query_schema' },
    tags: { type: 'array', items: { type: 'string' }, description: 'kind, read or write, the model, and the integration’s tool_tags' },
  },
  required: ['name', 'description', 'kind', 'resource', 'method', 'query_schema', 'body_schema', 'required', 'tags'],
};

export const integratedAccountToolsDocs: RouteDocs = {
  schemas: { IntegratedAccountTool: toolSchema },
  operations: [
    {
      method: 'get',
      path: '/integrated-account/{id}/tools',
      operationId: 'integratedAccountTools',
      summary: 'What one integrated account can do, as tools with JSON Schemas',
      description:
        'One tool per unified and proxy method the account supports. methods, tags and resource filter in every list form (methods=list,get, methods[]=list, methods[in]=…, methods[nin]=…); an empty value (tags=, as SDKs send for an empty list) filters nothing.',
      tags: ['Discovery'],
      params: { id: { description: 'Integrated account id', schema: { type: 'string', format: 'uuid' } } },
      parameters: filterParameters(TOOL_FILTERS),
      success: ok('The tools', adminListSchema({ $ref: '#/components/schemas/IntegratedAccountTool' })),
    },
  ],
};

/**
 * Truto's SDK sends `methods=list,get` as one comma string and `tags=` for an empty list: a plain
 * comma string is read as a list, and an empty one as no filter (for these filters only; the
 * shared parser refuses empty values where an empty variable could widen an answer).
 */
function sdkForms(query: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(query)) {
    if (Object.hasOwn(TOOL_FILTERS, k) && v === '') continue;
    out[k] = Object.hasOwn(TOOL_FILTERS, k) && typeof v === 'string' && v.includes(',') ? { in: v } : v;
  }
  return out;
}

/** GET /integrated-account/{id}/tools: what an account can do, as tools with JSON Schemas (docs/tools.md). */
export function integratedAccountToolsRoutes() {
  const app = new Hono<HttpEnv>();
  app.get('/:id/tools', async (c) => {
    const id = uuidParam(c, 'id', errors.accountNotFound);
    const f = parseListFilters(sdkForms(parseQueryString(rawQueryString(c))), TOOL_FILTERS, '/integrated-account/{id}/tools');
    const tools = await c.get('services').tools.forAccount(c.get('principal').environmentId, id, {
      methods: f.methods as TextMatch | undefined,
      tags: f.tags as TextMatch | undefined,
      resource: f.resource as TextMatch | undefined,
    });
    return sendJson(c, 200, { result: tools, next_cursor: null, limit: tools.length });
  });
  return app;
}
