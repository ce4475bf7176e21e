import { Hono } from 'hono';
import { parseQueryString } from '../../../query/unified-query.ts';
import { filterParameters } from '../../list-filters.ts';
import { adminListSchema } from '../../openapi/components.ts';
import { ok, ref, type RouteDocs } from '../../openapi/route-doc.ts';
import { rawQueryString, sendJson } from '../../respond.ts';
import type { HttpEnv } from '../../types.ts';
import { LOG_FILTERS, LOG_TYPES, MAX_LOG_LIMIT, MAX_RANGE_DAYS, parseLogQuery } from './log-query.ts';
import { logSchema, toLogView } from './log-view.ts';

export const logDocs: RouteDocs = {
  schemas: { Log: logSchema, LogList: adminListSchema(ref('schemas', 'Log')) },
  operations: [
    {
      method: 'get',
      path: '/log',
      operationId: 'listLogs',
      summary: 'List request logs or webhook deliveries',
      description: `Newest first, in the caller's environment only. created_at spans at most ${MAX_RANGE_DAYS} days (the last ${MAX_RANGE_DAYS} when no lower bound is given); limit is at most ${MAX_LOG_LIMIT} (larger values are lowered). Rows are kept TESSERA_LOG_RETENTION_DAYS days.`,
      tags: ['Logs'],
      parameters: [
        { name: 'log_type', in: 'query', required: true, schema: { type: 'string', enum: [...LOG_TYPES] } },
        // Published as clients spell them (`log_type_filter[status]`); the parser reads both spellings.
        ...filterParameters(LOG_FILTERS).map(
          (p) => JSON.parse(JSON.stringify(p).replace(/log_type_filter\.(\w+)/g, 'log_type_filter[$1]')) as Record<string, unknown>,
        ),
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: MAX_LOG_LIMIT, default: MAX_LOG_LIMIT } },
        ref('parameters', 'NextCursor'),
      ],
      success: ok('A page of log records', ref('schemas', 'LogList')),
    },
  ],
};

/** GET /log: request logs and webhook deliveries (docs/logs.md). */
export function logRoutes() {
  const app = new Hono<HttpEnv>();

  app.get('/', async (c) => {
    const services = c.get('services');
    const environmentId = c.get('principal').environmentId;
    const query = parseLogQuery(parseQueryString(rawQueryString(c)));
    // Bound to the environment and the type: a cursor from another environment's listing is a 400.
    const scope = { account: environmentId, target: `log:${query.logType}` };
    const before = query.nextCursor ? (services.cursors.decode(scope, query.nextCursor) as { created_at: string; id: string }) : undefined;
    const rows = await services.store.requestLogs.list({ ...query.filter, environment_id: environmentId, before, limit: query.limit + 1 });
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    const next = rows.length > query.limit && last ? services.cursors.encode(scope, { created_at: last.created_at, id: last.id }) : null;
    return sendJson(c, 200, { result: page.map(toLogView), next_cursor: next, limit: query.limit });
  });

  return app;
}
