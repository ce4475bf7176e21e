import { Hono } from 'hono';
import { errors } from '../../../errors/catalogue.ts';
import { metaResponseSchema } from '../../../services/discovery.ts';
import { MODEL_DOCS_FORMATS, renderModelDocsHtml, renderModelDocsMarkdown, type ModelDocsFormat } from './model-docs.ts';
import { parseQueryString, requireAccountId } from '../../../query/unified-query.ts';
import { fromZod, ok, ref, type DocContext, type RouteDoc, type RouteDocs } from '../../openapi/route-doc.ts';
import { rawQueryString, sendJson } from '../../respond.ts';
import { nameParam } from '../../params.ts';
import type { HttpEnv } from '../../types.ts';

const modelParam = (ctx: DocContext) => ({ description: 'Unified model (kebab-case)', schema: { type: 'string', enum: Object.keys(ctx.models) } });
const resourceParam = (ctx: DocContext) => ({
  description: 'Unified resource (snake_case)',
  schema: { type: 'string', enum: [...new Set(Object.values(ctx.models).flatMap((m) => Object.keys(m.resources)))] },
});
const methodParam = { description: 'list, get, create, update, delete, or a custom method name', schema: { type: 'string' } };
const integrationParam = (ctx: DocContext) => ({ description: 'Integration name', schema: { type: 'string', enum: ctx.integrations } });

export const unifiedMetaDocs: RouteDocs = {
  schemas: { UnifiedMethodMeta: fromZod(metaResponseSchema) },
  operations: (ctx): RouteDoc[] => [
    {
      method: 'get',
      path: '/unified/meta/{model}/{integration}',
      operationId: 'unifiedModelDocs',
      summary: 'Document one unified model on one integration',
      description: 'Every resource of the model with its fields and the methods the integration maps; format=md or html renders it for people.',
      tags: ['Discovery'],
      params: { model: modelParam(ctx), integration: integrationParam(ctx) },
      parameters: [{ name: 'format', in: 'query', schema: { type: 'string', enum: [...MODEL_DOCS_FORMATS], default: 'json' } }],
      success: ok('The model on the integration (JSON; text/markdown or text/html with format)', {
        type: 'object',
        required: ['integration', 'model', 'resources'],
        properties: { integration: { type: 'object' }, model: { type: 'object' }, resources: { type: 'array', items: { type: 'object' } } },
      }),
    },
    {
      method: 'get',
      path: '/unified/{model}/{resource}/meta/{method}',
      operationId: 'unifiedMethodMeta',
      summary: 'Describe a unified method as one integrated account would run it',
      description: "The mapping is the integration's base mapping deep-merged with the account's unified_model_override.",
      tags: ['Discovery'],
      params: { model: modelParam(ctx), resource: resourceParam(ctx), method: methodParam },
      parameters: [ref('parameters', 'IntegratedAccountId')],
      success: ok('The method', ref('schemas', 'UnifiedMethodMeta')),
    },
    {
      method: 'get',
      path: '/unified/{model}/{resource}/{integration}/meta/{method}',
      operationId: 'unifiedMethodMetaForIntegration',
      summary: 'Describe a unified method of one integration (base mapping)',
      tags: ['Discovery'],
      params: { model: modelParam(ctx), resource: resourceParam(ctx), integration: integrationParam(ctx), method: methodParam },
      success: ok('The method, with response_schema', ref('schemas', 'UnifiedMethodMeta')),
    },
  ],
};

/**
 * /unified/meta/{model}/{integration}, /unified/{model}/{resource}/meta/{method} and
 * /unified/{model}/{resource}/{integration}/meta/{method}
 * (docs/contract.md §3.2). Mounted before the data-plane routes so that these paths never reach
 * them; a 3-segment GET /unified/{model}/{resource}/meta stays a get of the record `meta`.
 */
export function unifiedMetaRoutes() {
  const app = new Hono<HttpEnv>();

  // No unified model is named "meta", so this never shadows a data-plane path.
  app.get('/meta/:model/:integration', (c) => {
    const format = (c.req.query('format') ?? 'json') as ModelDocsFormat;
    if (!MODEL_DOCS_FORMATS.includes(format)) throw errors.badRequest(`Unknown format "${format}"; use one of ${MODEL_DOCS_FORMATS.join(', ')}`);
    const docs = c.get('services').discovery.modelDocs(nameParam(c, 'integration', 'integration'), nameParam(c, 'model', 'model'));
    if (format === 'md') return c.body(renderModelDocsMarkdown(docs), 200, { 'content-type': 'text/markdown; charset=utf-8' });
    if (format === 'html') return c.body(renderModelDocsHtml(docs), 200, { 'content-type': 'text/html; charset=utf-8' });
    return sendJson(c, 200, docs);
  });

  app.get('/:model/:resource/meta/:method', async (c) => {
    const accountId = requireAccountId(parseQueryString(rawQueryString(c)).integrated_account_id);
    const discovery = c.get('services').discovery;
    const [model, resource, method] = [nameParam(c, 'model', 'model'), nameParam(c, 'resource', 'resource'), nameParam(c, 'method', 'method')];
    return sendJson(c, 200, await discovery.metaForAccount(c.get('principal').environmentId, accountId, model, resource, method));
  });

  app.get('/:model/:resource/:integration/meta/:method', (c) => {
    const discovery = c.get('services').discovery;
    const model = nameParam(c, 'model', 'model');
    const resource = nameParam(c, 'resource', 'resource');
    const integration = nameParam(c, 'integration', 'integration');
    const method = nameParam(c, 'method', 'method');
    return sendJson(c, 200, discovery.metaForIntegration(integration, model, resource, method));
  });

  return app;
}
