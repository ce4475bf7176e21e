import { Hono } from 'hono';
import { errors } from '../../../errors/catalogue.ts';
import type { IntegrationDefinition } from '../../../integrations/definition-schema.ts';
import { adminListSchema } from '../../openapi/components.ts';
import { ok, ref, type Json, type RouteDoc, type RouteDocs } from '../../openapi/route-doc.ts';
import { sendJson } from '../../respond.ts';
import { nameParam } from '../../params.ts';
import type { HttpEnv } from '../../types.ts';

/** The integration as the API shows it: `config` is never returned (docs/contract.md §2). */
export function integrationView(def: IntegrationDefinition) {
  return {
    id: def.name,
    name: def.name,
    label: def.label,
    category: def.category,
    is_beta: def.is_beta,
    sharing: 'allow',
    can_install: true,
    logo: def.logo ?? null,
    credentials:
      def.credentials.format === 'api_key'
        ? { format: 'api_key', fields: def.credentials.config.fields, documentation_link: def.credentials.config.documentation_link }
        : { format: def.credentials.format },
    resources: Object.fromEntries(Object.entries(def.resources).map(([r, methods]) => [r, Object.keys(methods)])),
    version: 1,
  };
}

/** What integrationView returns. */
const integrationSchema: Json = {
  title: 'Integration',
  type: 'object',
  description: 'An integration definition; its config is never returned.',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    label: { type: 'string' },
    category: { type: 'string' },
    is_beta: { type: 'boolean' },
    sharing: { type: 'string', enum: ['deny', 'ask', 'allow'] },
    can_install: { type: 'boolean' },
    logo: { type: ['string', 'null'] },
    credentials: { type: 'object', additionalProperties: true },
    resources: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
    version: { type: 'integer' },
  },
  required: ['id', 'name', 'label', 'category'],
};

export const integrationDocs: RouteDocs = {
  schemas: { Integration: integrationSchema, IntegrationList: adminListSchema(ref('schemas', 'Integration')) },
  operations: (ctx): RouteDoc[] => [
    {
      method: 'get',
      path: '/integration',
      operationId: 'listIntegrations',
      summary: 'List integrations',
      tags: ['Integrations'],
      success: ok('The integrations', ref('schemas', 'IntegrationList')),
    },
    {
      method: 'get',
      path: '/integration/{name}',
      operationId: 'getIntegration',
      summary: 'Get an integration',
      tags: ['Integrations'],
      params: { name: { description: 'Integration name (slug) or id', schema: { type: 'string', enum: ctx.integrations } } },
      success: ok('The integration', ref('schemas', 'Integration')),
    },
  ],
};

export function integrationRoutes() {
  const app = new Hono<HttpEnv>();
  app.get('/', (c) => {
    const { catalog } = c.get('services');
    return sendJson(c, 200, { result: [...catalog.integrations.values()].map(integrationView), next_cursor: null, limit: 5000 });
  });
  app.get('/:name', (c) => {
    const name = nameParam(c, 'name', 'integration');
    const def = c.get('services').catalog.getIntegration(name);
    if (!def) throw errors.integrationNotFound(`Integration ${name} not found`);
    return sendJson(c, 200, integrationView(def));
  });
  return app;
}
