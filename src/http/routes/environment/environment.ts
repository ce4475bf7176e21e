import { Hono } from 'hono';
import { errors } from '../../../errors/catalogue.ts';
import { environmentView, patchEnvironmentBody } from '../../../services/environments.ts';
import { parseQueryString, toLimit } from '../../../query/unified-query.ts';
import type { TextMatch } from '../../../store/types.ts';
import { filterParameters, matchesText, parseListFilters, type FilterSpec } from '../../list-filters.ts';
import { ADMIN_ERRORS, adminListSchema } from '../../openapi/components.ts';
import { fromZod, jsonContent, ok, ref, type Json, type RouteDocs } from '../../openapi/route-doc.ts';
import { uuidParam } from '../../params.ts';
import { rawQueryString, readJsonBody, sendJson } from '../../respond.ts';
import type { HttpEnv } from '../../types.ts';

const DEFAULT_LIMIT = 5000;
const ENVIRONMENT_FILTERS: Record<string, FilterSpec> = {
  id: { kind: 'uuid' },
  name: { kind: 'text', rule: { maxLength: 255 } },
};

const environmentSchema: Json = {
  title: 'Environment',
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    name: { type: 'string' },
    team_id: { type: 'null', description: 'Tessera has no teams' },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'name', 'team_id', 'created_at', 'updated_at'],
};
const idParam = { id: { description: 'Environment id (the token’s own)', schema: { type: 'string', format: 'uuid' } } };

export const environmentDocs: RouteDocs = {
  schemas: {
    Environment: environmentSchema,
    EnvironmentList: adminListSchema(ref('schemas', 'Environment')),
    EnvironmentPatch: fromZod(patchEnvironmentBody, 'input'),
  },
  operations: [
    {
      method: 'get',
      path: '/environment',
      operationId: 'listEnvironments',
      summary: 'List environments',
      description: 'A token sees one environment, its own: the list holds it, or nothing when the filters exclude it.',
      tags: ['Environments'],
      parameters: [
        ...filterParameters(ENVIRONMENT_FILTERS),
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: DEFAULT_LIMIT, default: DEFAULT_LIMIT } },
        ref('parameters', 'NextCursor'),
      ],
      success: ok('The environment', ref('schemas', 'EnvironmentList')),
    },
    {
      method: 'get',
      path: '/environment/{id}',
      operationId: 'getEnvironment',
      summary: 'Get an environment',
      tags: ['Environments'],
      params: idParam,
      success: ok('The environment', ref('schemas', 'Environment')),
    },
    {
      method: 'patch',
      path: '/environment/{id}',
      operationId: 'updateEnvironment',
      summary: 'Rename an environment',
      tags: ['Environments'],
      params: idParam,
      requestBody: { required: true, content: jsonContent(ref('schemas', 'EnvironmentPatch')) },
      success: ok('The environment', ref('schemas', 'Environment')),
      errors: [...ADMIN_ERRORS, 409],
    },
  ],
};

const notFound = (id: string) => errors.notFound(`Environment ${id} not found`);

/** GET/PATCH /environment[/{id}]: the caller's environment (docs/platform.md). */
export function environmentRoutes() {
  const app = new Hono<HttpEnv>();

  app.get('/', async (c) => {
    const { store } = c.get('services');
    const environmentId = c.get('principal').environmentId;
    const q = parseQueryString(rawQueryString(c));
    const limit = toLimit(q.limit, DEFAULT_LIMIT) ?? DEFAULT_LIMIT;
    // One environment at most: there is never a next page, so any cursor given is the end.
    if (q.next_cursor !== undefined && typeof q.next_cursor !== 'string') throw errors.invalidCursor();
    const f = parseListFilters(q, ENVIRONMENT_FILTERS, '/environment');
    const env = q.next_cursor ? undefined : await store.getEnvironment(environmentId);
    const visible = env && matchesText(env.id, f.id as TextMatch | undefined) && matchesText(env.name, f.name as TextMatch | undefined);
    return sendJson(c, 200, { result: visible ? [environmentView(env)] : [], next_cursor: null, limit });
  });

  app.get('/:id', async (c) => {
    const { environments } = c.get('services');
    return sendJson(c, 200, environmentView(await environments.get(c.get('principal').environmentId, uuidParam(c, 'id', notFound))));
  });

  app.patch('/:id', async (c) => {
    const { environments } = c.get('services');
    const id = uuidParam(c, 'id', notFound);
    const body = patchEnvironmentBody.parse((await readJsonBody(c)) ?? {});
    return sendJson(c, 200, environmentView(await environments.rename(c.get('principal').environmentId, id, body)));
  });

  return app;
}
