import { Hono } from 'hono';
import { DiscoveryService, parseCapabilitiesFilters } from '../../../services/discovery.ts';
import { parseQueryString } from '../../query.ts';
import { rawQueryString, sendJson } from '../../respond.ts';
import type { HttpEnv } from '../../types.ts';

/**
 * GET /integrated-account/{id}/capabilities and GET /integration/{name}/capabilities
 * (truto-contract.md §3.2), with the filters type, methods, resource and has_description.
 */
export function capabilitiesRoutes() {
  const app = new Hono<HttpEnv>();

  app.get('/integrated-account/:id/capabilities', async (c) => {
    const filters = parseCapabilitiesFilters(parseQueryString(rawQueryString(c)));
    const discovery = new DiscoveryService(c.get('services'));
    return sendJson(c, 200, await discovery.capabilitiesForAccount(c.get('principal').environmentId, c.req.param('id'), filters));
  });

  app.get('/integration/:name/capabilities', (c) => {
    const filters = parseCapabilitiesFilters(parseQueryString(rawQueryString(c)));
    const discovery = new DiscoveryService(c.get('services'));
    return sendJson(c, 200, discovery.capabilitiesForIntegration(c.req.param('name'), filters));
  });

  return app;
}
