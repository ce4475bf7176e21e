import { Hono } from 'hono';
import { UNIFIED_MODELS } from '../../../models/index.ts';
import { buildOpenApiDocument, type RouteInfo } from '../../openapi/build-document.ts';
import { ok, type RouteDocs } from '../../openapi/route-doc.ts';
import { sendJson } from '../../respond.ts';
import type { HttpEnv } from '../../types.ts';

export const openapiDocs: RouteDocs = {
  operations: [
    {
      method: 'get',
      path: '/openapi.json',
      operationId: 'openapi',
      summary: 'This OpenAPI document',
      description: 'Generated on each request from the registered routes, the unified models and the bundled mappings.',
      tags: ['System'],
      public: true,
      success: ok('An OpenAPI 3.1 document', { type: 'object', additionalProperties: true }),
      errors: [500],
    },
  ],
};

/**
 * GET /openapi.json, served without authentication. The document is built on each request from
 * the routes registered at that moment (`routes()`), the descriptions their modules declare
 * (`docs`), the unified models and the bundled mappings.
 */
export function openapiRoutes(routes: () => RouteInfo[], docs: RouteDocs[]) {
  const app = new Hono<HttpEnv>();
  app.get('/openapi.json', (c) => {
    const services = c.get('services');
    const serverUrl = services.config.publicUrl ?? new URL(c.req.url).origin;
    return sendJson(c, 200, buildOpenApiDocument({ catalog: services.catalog, models: UNIFIED_MODELS, routes: routes(), docs, serverUrl }));
  });
  return app;
}
