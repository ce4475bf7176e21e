import { Hono } from 'hono';
import { errors } from '../../../errors/catalogue.ts';
import { DiscoveryService } from '../../../services/discovery.ts';
import { MODEL_DOCS_FORMATS, renderModelDocsHtml, renderModelDocsMarkdown, type ModelDocsFormat } from './model-docs.ts';
import { parseQueryString, requireAccountId } from '../../query.ts';
import { rawQueryString, sendJson } from '../../respond.ts';
import type { HttpEnv } from '../../types.ts';

/**
 * /unified/meta/{model}/{integration}, /unified/{model}/{resource}/meta/{method} and
 * /unified/{model}/{resource}/{integration}/meta/{method}
 * (truto-contract.md §3.2). Mounted before the data-plane routes so that these paths never reach
 * them; a 3-segment GET /unified/{model}/{resource}/meta stays a get of the record `meta`.
 */
export function unifiedMetaRoutes() {
  const app = new Hono<HttpEnv>();

  // No unified model is named "meta", so this never shadows a data-plane path.
  app.get('/meta/:model/:integration', (c) => {
    const format = (c.req.query('format') ?? 'json') as ModelDocsFormat;
    if (!MODEL_DOCS_FORMATS.includes(format)) throw errors.badRequest(`Unknown format "${format}"; use one of ${MODEL_DOCS_FORMATS.join(', ')}`);
    const docs = new DiscoveryService(c.get('services')).modelDocs(c.req.param('integration'), c.req.param('model'));
    if (format === 'md') return c.body(renderModelDocsMarkdown(docs), 200, { 'content-type': 'text/markdown; charset=utf-8' });
    if (format === 'html') return c.body(renderModelDocsHtml(docs), 200, { 'content-type': 'text/html; charset=utf-8' });
    return sendJson(c, 200, docs);
  });

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
