import { Hono } from 'hono';
import { DiscoveryService } from '../../../services/discovery.ts';
import { parseQueryString, requireAccountId } from '../../query.ts';
import { rawQueryString, sendJson } from '../../respond.ts';
import type { HttpEnv } from '../../types.ts';

/**
 * /unified/{model}/{resource}/meta/{method} and /unified/{model}/{resource}/{integration}/meta/{method}
 * (truto-contract.md §3.2). Mounted before the data-plane routes so that these paths never reach
 * them; a 3-segment GET /unified/{model}/{resource}/meta stays a get of the record `meta`.
 */
export function unifiedMetaRoutes() {
  const app = new Hono<HttpEnv>();

  app.get('/:model/:resource/meta/:method', async (c) => {
    const accountId = requireAccountId(parseQueryString(rawQueryString(c)).integrated_account_id);
    const discovery = new DiscoveryService(c.get('services'));
    const { model, resource, method } = c.req.param();
    return sendJson(c, 200, await discovery.metaForAccount(c.get('principal').environmentId, accountId, model, resource, method));
  });

  app.get('/:model/:resource/:integration/meta/:method', (c) => {
    const discovery = new DiscoveryService(c.get('services'));
    const { model, resource, integration, method } = c.req.param();
    return sendJson(c, 200, discovery.metaForIntegration(integration, model, resource, method));
  });

  return app;
}
