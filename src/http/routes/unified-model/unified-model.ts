import { Hono } from 'hono';
import { errors } from '../../../errors/catalogue.ts';
import type { Catalog } from '../../../integrations/catalog.ts';
import { UNIFIED_MODELS, findUnifiedModel, type UnifiedModel } from '../../../models/index.ts';
import { NAME_RULE } from '../../../query/safe-input.ts';
import { parseQueryString, toLimit } from '../../../query/unified-query.ts';
import type { TextMatch } from '../../../store/types.ts';
import { filterParameters, matchesText, parseListFilters, type FilterSpec } from '../../list-filters.ts';
import { adminListSchema } from '../../openapi/components.ts';
import { ok, ref, type Json, type RouteDoc, type RouteDocs } from '../../openapi/route-doc.ts';
import { checkName } from '../../params.ts';
import { rawQueryString, sendJson } from '../../respond.ts';
import type { HttpEnv } from '../../types.ts';

const MAX_LIMIT = 5000;
const FILTERS: Record<string, FilterSpec> = {
  id: { kind: 'text', rule: NAME_RULE },
  name: { kind: 'text', rule: NAME_RULE },
  category: { kind: 'text', rule: NAME_RULE },
};

/**
 * A unified model in Truto's object shape. The models are bundled with the server (src/models),
 * so the name is the id, as an integration's is; `integrations` names those that map it.
 */
export function unifiedModelView(model: UnifiedModel, catalog: Catalog, environmentId: string) {
  const integrations = new Set<string>();
  for (const key of catalog.mappings.keys()) {
    const [integration, name] = key.split('/');
    if (name === model.name) integrations.add(integration);
  }
  return {
    id: model.name,
    name: model.name,
    label: model.label,
    category: model.name,
    description: model.description,
    team_id: null,
    sharing: 'allow',
    resources: Object.fromEntries(
      Object.entries(model.resources).map(([name, r]) => [
        name,
        { description: r.description, methods: r.methods, schema: r.schema, ...(r.query ? { query_schema: r.query } : {}) },
      ]),
    ),
    scopes: {},
    installed_environment: [environmentId],
    integrations: [...integrations].sort(),
    version: 1,
  };
}

const schema: Json = {
  title: 'UnifiedModel',
  type: 'object',
  properties: {
    id: { type: 'string', description: 'The model name: models are bundled, their name is their id' },
    name: { type: 'string' },
    label: { type: 'string' },
    category: { type: 'string' },
    description: { type: 'string' },
    team_id: { type: 'null' },
    sharing: { type: 'string', enum: ['deny', 'ask', 'allow'] },
    resources: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: {
          description: { type: 'string' },
          methods: { type: 'array', items: { type: 'string' } },
          schema: { type: 'object', additionalProperties: true, description: "The resource's JSON Schema" },
          query_schema: { type: 'object', additionalProperties: true },
        },
        required: ['description', 'methods', 'schema'],
      },
    },
    scopes: { type: 'object', additionalProperties: true },
    installed_environment: { type: 'array', items: { type: 'string' } },
    integrations: { type: 'array', items: { type: 'string' }, description: 'The bundled integrations that map this model' },
    version: { type: 'integer' },
  },
  required: ['id', 'name', 'category', 'description', 'resources'],
};

export const unifiedModelDocs: RouteDocs = {
  schemas: { UnifiedModel: schema, UnifiedModelList: adminListSchema(ref('schemas', 'UnifiedModel')) },
  operations: (ctx): RouteDoc[] => [
    {
      method: 'get',
      path: '/unified-model',
      operationId: 'listUnifiedModels',
      summary: 'List unified models',
      tags: ['Unified models'],
      parameters: [
        ...filterParameters(FILTERS),
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: MAX_LIMIT } },
        ref('parameters', 'NextCursor'),
      ],
      success: ok('The unified models', ref('schemas', 'UnifiedModelList')),
    },
    {
      method: 'get',
      path: '/unified-model/{id}',
      operationId: 'getUnifiedModel',
      summary: 'Get a unified model',
      tags: ['Unified models'],
      params: { id: { description: 'The model name (its id)', schema: { type: 'string', enum: Object.keys(ctx.models) } } },
      success: ok('The unified model', ref('schemas', 'UnifiedModel')),
    },
  ],
};

/** GET /unified-model[/{id}]: the unified models this server serves (docs/platform.md). */
export function unifiedModelRoutes() {
  const app = new Hono<HttpEnv>();

  app.get('/', (c) => {
    const { catalog, cursors } = c.get('services');
    const q = parseQueryString(rawQueryString(c));
    const limit = toLimit(q.limit, MAX_LIMIT) ?? MAX_LIMIT;
    if (q.next_cursor !== undefined && typeof q.next_cursor !== 'string') throw errors.invalidCursor();
    const f = parseListFilters(q, FILTERS, '/unified-model');
    const models = Object.values(UNIFIED_MODELS).filter(
      (m) =>
        matchesText(m.name, f.id as TextMatch | undefined) &&
        matchesText(m.name, f.name as TextMatch | undefined) &&
        matchesText(m.name, f.category as TextMatch | undefined),
    );
    // The bundled models in a fixed order: a page is a position in it, carried by the signed cursor.
    const scope = { account: c.get('principal').environmentId, target: 'unified-model' };
    const offset = q.next_cursor ? Number((cursors.decode(scope, q.next_cursor) as { offset: number }).offset) || 0 : 0;
    const next = models.length > offset + limit ? cursors.encode(scope, { offset: offset + limit }) : null;
    const page = models.slice(offset, offset + limit).map((m) => unifiedModelView(m, catalog, c.get('principal').environmentId));
    return sendJson(c, 200, { result: page, next_cursor: next, limit });
  });

  app.get('/:id', (c) => {
    const id = checkName(c.req.param('id') ?? '', 'model');
    const model = findUnifiedModel(id);
    if (!model) throw errors.unknownModel(`Unknown unified model ${JSON.stringify(id)}; this server serves ${Object.keys(UNIFIED_MODELS).join(', ')}`);
    return sendJson(c, 200, unifiedModelView(model, c.get('services').catalog, c.get('principal').environmentId));
  });

  return app;
}
