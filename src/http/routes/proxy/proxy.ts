import { Hono, type Context } from 'hono';
import { parseQueryString, requireAccountId, toLimit } from '../../query.ts';
import { rawQueryString, readJsonBody, sendJson } from '../../respond.ts';
import type { HttpEnv } from '../../types.ts';

/**
 * /proxy/{resource}[/{id}|/{custom_method}] — the integration's own resources by their native
 * names (truto-contract.md §13): lists come in the list envelope, everything else verbatim.
 */
export function proxyRoutes() {
  const app = new Hono<HttpEnv>();
  const run = (method: string | ((c: Context<HttpEnv>) => string), takesId: boolean) => async (c: Context<HttpEnv>) => {
    const raw = parseQueryString(rawQueryString(c));
    const query: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) {
      if (k !== 'integrated_account_id' && k !== 'next_cursor' && k !== 'limit' && !k.startsWith('truto_')) query[k] = v;
    }
    const resolved = typeof method === 'function' ? method(c) : method;
    const result = await c.get('services').proxy.handle({
      environmentId: c.get('principal').environmentId,
      accountId: requireAccountId(raw.integrated_account_id),
      resource: c.req.param('resource')!,
      method: resolved,
      id: takesId ? c.req.param('id') : undefined,
      query,
      limit: toLimit(raw.limit),
      nextCursor: typeof raw.next_cursor === 'string' && raw.next_cursor ? raw.next_cursor : undefined,
      body: resolved === 'list' || resolved === 'get' || resolved === 'delete' ? undefined : await readJsonBody(c),
      idempotencyKey: c.req.header('idempotency-key'),
      signal: c.req.raw.signal,
    });
    return sendJson(c, result.status, result.body);
  };
  app.get('/:resource', run('list', false));
  app.get('/:resource/:id', run('get', true));
  app.post('/:resource', run('create', false));
  app.patch('/:resource/:id', run('update', true));
  app.put('/:resource/:id', run('update', true));
  app.delete('/:resource/:id', run('delete', true));
  app.post('/:resource/:custom', run((c) => c.req.param('custom')!, false));
  return app;
}
