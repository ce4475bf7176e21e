import { Hono } from 'hono';
import { UNIFIED_MODELS } from '../../../models/index.ts';
import { buildOpenApiDocument, type RouteInfo } from '../../../services/openapi.ts';
import { sendJson } from '../../respond.ts';
import type { HttpEnv } from '../../types.ts';

/**
 * GET /openapi.json, served without authentication. The document is built on each request from
 * the routes registered at that moment (`routes()`), the unified models and the bundled mappings.
 */
export function openapiRoutes(routes: () => RouteInfo[]) {
  const app = new Hono<HttpEnv>();
  app.get('/openapi.json', (c) => {
    const services = c.get('services');
    const serverUrl = services.config.publicUrl ?? new URL(c.req.url).origin;
    return sendJson(c, 200, buildOpenApiDocument({ catalog: services.catalog, models: UNIFIED_MODELS, routes: routes(), serverUrl }));
  });
  return app;
}
