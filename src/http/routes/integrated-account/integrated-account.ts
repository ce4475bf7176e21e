import { Hono } from 'hono';
import { errors } from '../../../errors/catalogue.ts';
import { createAccountBody, patchAccountBody, toView } from '../../../services/integrated-accounts.ts';
import { parseQueryString, toBoolean, toLimit } from '../../query.ts';
import { rawQueryString, readJsonBody, sendJson } from '../../respond.ts';
import type { HttpEnv } from '../../types.ts';

const DEFAULT_ADMIN_LIMIT = 5000;
const OPERATORS = ['gt', 'gte', 'lt', 'lte'] as const;

function dateFilter(value: unknown, name: string) {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw errors.badRequest(`${name} takes operators, as in ${name}[gt]=2024-01-01T00:00:00Z`);
  const out: Record<string, string> = {};
  for (const [op, v] of Object.entries(value)) {
    if (!OPERATORS.includes(op as (typeof OPERATORS)[number])) throw errors.badRequest(`${name}[${op}] is not supported; use one of ${OPERATORS.join(', ')}`);
    const date = new Date(String(v));
    if (Number.isNaN(date.getTime())) throw errors.badRequest(`${name}[${op}] must be an ISO 8601 date-time`);
    out[op] = date.toISOString();
  }
  return out;
}

/** /integrated-account — connections of end customers (truto-contract.md §10). */
export function integratedAccountRoutes() {
  const app = new Hono<HttpEnv>();

  app.get('/', async (c) => {
    const services = c.get('services');
    const environmentId = c.get('principal').environmentId;
    const q = parseQueryString(rawQueryString(c));
    const limit = toLimit(q.limit) ?? DEFAULT_ADMIN_LIMIT;
    const scope = { account: environmentId, target: 'integrated-account' };
    const after = typeof q.next_cursor === 'string' && q.next_cursor ? (services.cursors.decode(scope, q.next_cursor) as { created_at: string; id: string }) : undefined;
    if (q.environment_id !== undefined && q.environment_id !== environmentId) return sendJson(c, 200, { result: [], next_cursor: null, limit });
    const integration = q.integration as { name?: unknown } | undefined;
    const rows = await services.store.listIntegratedAccounts({
      environment_id: environmentId,
      tenant_id: typeof q.tenant_id === 'string' ? q.tenant_id : undefined,
      integration: typeof integration?.name === 'string' ? integration.name : typeof q['integration.name'] === 'string' ? (q['integration.name'] as string) : undefined,
      status: typeof q.status === 'string' ? q.status : undefined,
      is_sandbox: toBoolean(q.is_sandbox, 'is_sandbox'),
      created_at: dateFilter(q.created_at, 'created_at'),
      updated_at: dateFilter(q.updated_at, 'updated_at'),
      after,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    const next = rows.length > limit && last ? services.cursors.encode(scope, { created_at: last.created_at, id: last.id }) : null;
    return sendJson(c, 200, { result: page.map((a) => toView(a, services.catalog)), next_cursor: next, limit });
  });

  app.post('/', async (c) => {
    const services = c.get('services');
    const body = createAccountBody.parse((await readJsonBody(c)) ?? {});
    const account = await services.accounts.create(c.get('principal').environmentId, body);
    return sendJson(c, 200, toView(account, services.catalog));
  });

  app.get('/:id', async (c) => {
    const services = c.get('services');
    const account = await services.accounts.get(c.get('principal').environmentId, c.req.param('id'));
    return sendJson(c, 200, toView(account, services.catalog));
  });

  app.patch('/:id', async (c) => {
    const services = c.get('services');
    const body = patchAccountBody.parse((await readJsonBody(c)) ?? {});
    const account = await services.accounts.patch(c.get('principal').environmentId, c.req.param('id'), body);
    return sendJson(c, 200, toView(account, services.catalog));
  });

  app.delete('/:id', async (c) => {
    const services = c.get('services');
    return sendJson(c, 200, await services.accounts.delete(c.get('principal').environmentId, c.req.param('id')));
  });

  return app;
}
