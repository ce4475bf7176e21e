import { Hono } from 'hono';
import { parseQueryString, requireAccountId } from '../../../query/unified-query.ts';
import { ANY_BODY, DATA_PLANE_ERRORS } from '../../openapi/components.ts';
import { pascal, ref, VERBS, type RouteDocs } from '../../openapi/route-doc.ts';
import { rawQueryString } from '../../respond.ts';
import type { HttpEnv } from '../../types.ts';

export const customDocs: RouteDocs = {
  // app.all: one operation per verb.
  operations: VERBS.map((method) => ({
    method,
    path: '/custom/{path}',
    operationId: `custom${pascal(method)}`,
    summary: `${method.toUpperCase()} any upstream path with the integration's authorization`,
    description:
      'The path (which may contain slashes) is appended to the integration base_url; integrated_account_id is stripped, the rest of the query and the body are forwarded; the response passes through.',
    tags: ['Custom'],
    params: { path: { description: 'Upstream path relative to the base URL' } },
    parameters: [ref('parameters', 'IntegratedAccountId')],
    ...(method === 'get' || method === 'delete' ? {} : { requestBody: ANY_BODY }),
    success: { '200': { description: 'The upstream response, passed through', content: { '*/*': { schema: {} } } } },
    errors: DATA_PLANE_ERRORS,
  })),
};

/**
 * /custom/{path} — any verb, any path under the integration's base URL, with its authorization
 * applied (docs/contract.md §13). The provider's response passes through; errors are wrapped.
 */
export function customRoutes() {
  const app = new Hono<HttpEnv>();
  app.all('/*', async (c) => {
    const raw = parseQueryString(rawQueryString(c));
    // The still-encoded path, so an encoded `?`, `#` or `/` stays part of the segment it was in.
    const path = new URL(c.req.url).pathname.replace(/^\/+custom/, '') || '/';
    const query: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) if (k !== 'integrated_account_id' && !k.startsWith('truto_')) query[k] = v;
    const hasBody = !['GET', 'HEAD', 'DELETE'].includes(c.req.method);
    const text = hasBody ? await c.req.text() : '';
    const result = await c.get('services').proxy.custom({
      environmentId: c.get('principal').environmentId,
      accountId: requireAccountId(raw.integrated_account_id),
      method: c.req.method.toLowerCase(),
      path,
      query,
      body: text.length ? text : undefined,
      contentType: c.req.header('content-type'),
      idempotencyKey: c.req.header('idempotency-key'),
      signal: c.req.raw.signal,
      log: c.get('requestLog'),
    });
    return new Response(result.body, { status: result.status, headers: result.headers });
  });
  return app;
}
