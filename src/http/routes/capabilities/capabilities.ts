import { Hono } from 'hono';
import { capabilitiesResponseSchema, CAPABILITY_TYPES, parseCapabilitiesFilters } from '../../../services/discovery.ts';
import { parseQueryString } from '../../../query/unified-query.ts';
import { fromZod, ok, ref, type RouteDoc, type RouteDocs } from '../../openapi/route-doc.ts';
import { rawQueryString, sendJson } from '../../respond.ts';
import { errors } from '../../../errors/catalogue.ts';
import { nameParam, uuidParam } from '../../params.ts';
import type { HttpEnv } from '../../types.ts';

/** The filters parseCapabilitiesFilters reads. */
const capabilityFilters = (): unknown[] => [
  { name: 'type', in: 'query', description: 'Restrict the response to one surface.', schema: { type: 'string', enum: [...CAPABILITY_TYPES], default: 'all' } },
  {
    name: 'methods',
    in: 'query',
    description: 'Keep only proxy methods with these names, e.g. list,get.',
    style: 'form',
    explode: false,
    schema: { type: 'array', items: { type: 'string' } },
  },
  { name: 'resource', in: 'query', description: 'Keep only this resource (proxy and unified).', schema: { type: 'string' } },
  {
    name: 'has_description',
    in: 'query',
    description: 'true (default): only proxy methods with a description; false: all of them.',
    schema: { type: 'boolean', default: true },
  },
];

export const capabilitiesDocs: RouteDocs = {
  schemas: { CapabilitiesResponse: fromZod(capabilitiesResponseSchema) },
  operations: (ctx): RouteDoc[] => [
    {
      method: 'get',
      path: '/integrated-account/{id}/capabilities',
      operationId: 'integratedAccountCapabilities',
      summary: 'What one integrated account exposes (proxy, unified, auth)',
      tags: ['Discovery'],
      params: { id: { description: 'Integrated account id', schema: { type: 'string', format: 'uuid' } } },
      parameters: capabilityFilters(),
      success: ok('Capabilities', ref('schemas', 'CapabilitiesResponse')),
    },
    {
      method: 'get',
      path: '/integration/{name}/capabilities',
      operationId: 'integrationCapabilities',
      summary: 'What an integration supports (proxy, unified, auth)',
      tags: ['Discovery'],
      params: { name: { description: 'Integration name (slug) or id', schema: { type: 'string', enum: ctx.integrations } } },
      parameters: capabilityFilters(),
      success: ok('Capabilities', ref('schemas', 'CapabilitiesResponse')),
    },
  ],
};

/**
 * GET /integrated-account/{id}/capabilities and GET /integration/{name}/capabilities
 * (docs/contract.md §3.2), with the filters type, methods, resource and has_description.
 */
export function capabilitiesRoutes() {
  const app = new Hono<HttpEnv>();

  app.get('/integrated-account/:id/capabilities', async (c) => {
    const filters = parseCapabilitiesFilters(parseQueryString(rawQueryString(c)));
    const discovery = c.get('services').discovery;
    const id = uuidParam(c, 'id', errors.accountNotFound);
    return sendJson(c, 200, await discovery.capabilitiesForAccount(c.get('principal').environmentId, id, filters));
  });

  app.get('/integration/:name/capabilities', (c) => {
    const filters = parseCapabilitiesFilters(parseQueryString(rawQueryString(c)));
    const discovery = c.get('services').discovery;
    return sendJson(c, 200, discovery.capabilitiesForIntegration(nameParam(c, 'name', 'integration'), filters));
  });

  return app;
}
