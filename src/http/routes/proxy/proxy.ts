import { Hono, type Context } from 'hono';
import { parseQueryString, requireAccountId, toLimit } from '../../../query/unified-query.ts';
import { ANY_BODY, DATA_PLANE_ERRORS, IDEMPOTENCY_KEY } from '../../openapi/components.ts';
import { ok, ref, type DocContext, type RouteDoc, type RouteDocs } from '../../openapi/route-doc.ts';
import { rawQueryString, readJsonBody, sendJson } from '../../respond.ts';
import { checkName, nameParam } from '../../params.ts';
import type { HttpEnv } from '../../types.ts';

/** A proxy operation: every one takes the account and can fail as the upstream can. */
function proxyOp(
  ctx: DocContext,
  method: RouteDoc['method'],
  path: string,
  operationId: string,
  result: string,
  summary: string,
  extra: Partial<RouteDoc> = {},
): RouteDoc {
  const resource = {
    description: `The integration's own resource name${ctx.proxyResources.length ? ` (bundled integrations define: ${ctx.proxyResources.join(', ')})` : ''}`,
  };
  return {
    method,
    path,
    operationId,
    summary,
    tags: ['Proxy'],
    params: { resource, ...(path.endsWith('{id}') ? { id: { description: 'Record id (URL-encoded), or with POST a custom method name' } } : {}) },
    parameters: [ref('parameters', 'IntegratedAccountId')],
    errors: DATA_PLANE_ERRORS,
    success: ok(`${result} result`, {}),
    ...extra,
  };
}

export const proxyDocs: RouteDocs = {
  schemas: {
    ProxyList: {
      type: 'object',
      properties: {
        result: { type: 'array', items: {} },
        next_cursor: { type: ['string', 'null'] },
        prev_cursor: { type: 'null' },
        result_count: { type: 'integer', minimum: 0 },
        is_partial_response: { type: 'boolean', const: true },
      },
      required: ['result', 'next_cursor', 'prev_cursor', 'result_count'],
    },
  },
  operations: (ctx) => {
    const account = ref('parameters', 'IntegratedAccountId');
    return [
      proxyOp(ctx, 'get', '/proxy/{resource}', 'proxyList', 'List', 'List records of a native resource', {
        parameters: [account, ref('parameters', 'Limit'), ref('parameters', 'NextCursor')],
        success: ok('The upstream records in the list envelope', ref('schemas', 'ProxyList')),
      }),
      proxyOp(ctx, 'post', '/proxy/{resource}', 'proxyCreate', 'Create', 'Create a record of a native resource', {
        parameters: [account, IDEMPOTENCY_KEY],
        requestBody: ANY_BODY,
      }),
      proxyOp(ctx, 'get', '/proxy/{resource}/{id}', 'proxyGet', 'Get', 'Get a record of a native resource (the upstream body verbatim)'),
      proxyOp(ctx, 'patch', '/proxy/{resource}/{id}', 'proxyUpdate', 'Update', 'Update a record of a native resource', {
        parameters: [account, IDEMPOTENCY_KEY],
        requestBody: ANY_BODY,
      }),
      proxyOp(ctx, 'put', '/proxy/{resource}/{id}', 'proxyUpdatePut', 'Update', 'Update a record of a native resource (alias of PATCH)', {
        requestBody: ANY_BODY,
      }),
      proxyOp(ctx, 'delete', '/proxy/{resource}/{id}', 'proxyDelete', 'Delete', 'Delete a record of a native resource'),
      proxyOp(ctx, 'post', '/proxy/{resource}/{id}', 'proxyCustom', 'Custom', 'Call a custom method of a native resource', {
        description: 'With POST, the last segment is the custom method name.',
        parameters: [account, IDEMPOTENCY_KEY],
        requestBody: ANY_BODY,
      }),
    ];
  },
};

/**
 * /proxy/{resource}[/{id}|/{custom_method}] — the integration's own resources by their native
 * names (docs/contract.md §13): lists come in the list envelope, everything else verbatim.
 */
export function proxyRoutes() {
  const app = new Hono<HttpEnv>();
  const run = (method: string | ((c: Context<HttpEnv>) => string), takesId: boolean) => async (c: Context<HttpEnv>) => {
    const raw = parseQueryString(rawQueryString(c));
    const query: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(raw)) {
      if (k !== 'integrated_account_id' && k !== 'next_cursor' && k !== 'limit' && !k.startsWith('truto_')) query[k] = v;
    }
    const resolved = typeof method === 'function' ? checkName(method(c), 'method') : method;
    const result = await c.get('services').proxy.handle({
      environmentId: c.get('principal').environmentId,
      accountId: requireAccountId(raw.integrated_account_id),
      resource: nameParam(c, 'resource', 'proxy resource'),
      method: resolved,
      id: takesId ? c.req.param('id') : undefined,
      query,
      limit: toLimit(raw.limit),
      nextCursor: typeof raw.next_cursor === 'string' && raw.next_cursor ? raw.next_cursor : undefined,
      body: resolved === 'list' || resolved === 'get' || resolved === 'delete' ? undefined : await readJsonBody(c),
      idempotencyKey: c.req.header('idempotency-key'),
      signal: c.req.raw.signal,
      log: c.get('requestLog'),
    });
    return sendJson(c, result.status, result.body);
  };
  app.get('/:resource', run('list', false));
  app.get('/:resource/:id', run('get', true));
  app.post('/:resource', run('create', false));
  app.patch('/:resource/:id', run('update', true));
  app.put('/:resource/:id', run('update', true));
  app.delete('/:resource/:id', run('delete', true));
  app.post(
    '/:resource/:custom',
    run((c) => c.req.param('custom')!, false),
  );
  return app;
}
