import { Hono } from 'hono';
import { errors } from '../../../errors/catalogue.ts';
import { installBody, updateBody, type EnvironmentIntegrationView } from '../../../services/environment-integrations.ts';
import { NAME_RULE } from '../../../query/safe-input.ts';
import { parseQueryString, toLimit } from '../../../query/unified-query.ts';
import type { TextMatch } from '../../../store/types.ts';
import { bothText, filterParameters, matchesText, parseListFilters, type FilterSpec } from '../../list-filters.ts';
import { adminListSchema } from '../../openapi/components.ts';
import { fromZod, jsonContent, ok, ref, type Json, type RouteDocs } from '../../openapi/route-doc.ts';
import { uuidParam } from '../../params.ts';
import { rawQueryString, readJsonBody, sendJson } from '../../respond.ts';
import type { HttpEnv } from '../../types.ts';

const MAX_LIMIT = 5000;
const FILTERS: Record<string, FilterSpec> = {
  id: { kind: 'uuid' },
  integration_id: { kind: 'text', rule: NAME_RULE },
  'integration.name': { kind: 'text', rule: NAME_RULE },
  is_enabled: { kind: 'boolean' },
  is_active: { kind: 'boolean' },
  show_in_catalog: { kind: 'boolean' },
  environment_id: { kind: 'uuid' },
};

const schema: Json = {
  title: 'EnvironmentIntegration',
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid', description: 'Derived from the environment and the integration: stable before and after any change' },
    integration_id: { type: 'string', description: "The integration's name, which is its id on this server" },
    integration: {
      type: 'object',
      properties: { id: { type: 'string' }, name: { type: 'string' }, label: { type: 'string' }, category: { type: 'string' } },
      required: ['id', 'name', 'label', 'category'],
    },
    environment_id: { type: 'string', format: 'uuid' },
    override: {
      type: 'object',
      additionalProperties: true,
      description: 'Deep-merged into the definition for every account, under the account’s own integration_override',
    },
    is_enabled: { type: 'boolean' },
    is_active: { type: 'boolean', description: 'The same value as is_enabled' },
    show_in_catalog: { type: 'boolean' },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'integration_id', 'integration', 'environment_id', 'override', 'is_enabled', 'is_active', 'show_in_catalog', 'created_at', 'updated_at'],
};
const idParam = { id: { description: 'Environment-integration id', schema: { type: 'string', format: 'uuid' } } };
const tags = ['Environment integrations'];

export const environmentIntegrationDocs: RouteDocs = {
  schemas: {
    EnvironmentIntegration: schema,
    EnvironmentIntegrationList: adminListSchema(ref('schemas', 'EnvironmentIntegration')),
    EnvironmentIntegrationInstall: fromZod(installBody, 'input'),
    EnvironmentIntegrationPatch: fromZod(updateBody, 'input'),
  },
  operations: [
    {
      method: 'get',
      path: '/environment-integration',
      operationId: 'listEnvironmentIntegrations',
      summary: 'List the integrations installed in the environment',
      description: 'Every bundled integration is installed by default; an uninstalled one is not listed.',
      tags,
      parameters: [
        ...filterParameters(FILTERS),
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: MAX_LIMIT } },
        ref('parameters', 'NextCursor'),
      ],
      success: ok('The installed integrations', ref('schemas', 'EnvironmentIntegrationList')),
    },
    {
      method: 'post',
      path: '/environment-integration',
      operationId: 'installEnvironmentIntegration',
      summary: 'Install an integration in the environment',
      description: 'Idempotent: installing an installed integration returns it (applying the flags and override given); an uninstalled one is installed again.',
      tags,
      requestBody: { required: true, content: jsonContent(ref('schemas', 'EnvironmentIntegrationInstall')) },
      success: ok('The environment-integration', ref('schemas', 'EnvironmentIntegration')),
    },
    {
      method: 'get',
      path: '/environment-integration/{id}',
      operationId: 'getEnvironmentIntegration',
      summary: 'Get an environment-integration',
      tags,
      params: idParam,
      success: ok('The environment-integration', ref('schemas', 'EnvironmentIntegration')),
    },
    {
      method: 'patch',
      path: '/environment-integration/{id}',
      operationId: 'updateEnvironmentIntegration',
      summary: 'Update an environment-integration',
      description: 'override replaces the whole object and is checked like an account’s integration_override; is_enabled and is_active are one flag.',
      tags,
      params: idParam,
      requestBody: { required: true, content: jsonContent(ref('schemas', 'EnvironmentIntegrationPatch')) },
      success: ok('The environment-integration', ref('schemas', 'EnvironmentIntegration')),
    },
    {
      method: 'delete',
      path: '/environment-integration/{id}',
      operationId: 'uninstallEnvironmentIntegration',
      summary: 'Uninstall an integration from the environment',
      description: 'Deletes every integrated account of the integration in the environment (and their tokens) and clears the override.',
      tags,
      params: idParam,
      success: ok('Uninstalled', ref('schemas', 'DeleteResult')),
    },
  ],
};

const notFound = (id: string) => errors.notFound(`Environment-integration ${id} not found in this environment`);

/** /environment-integration: the integrations of the caller's environment (docs/platform.md). */
export function environmentIntegrationRoutes() {
  const app = new Hono<HttpEnv>();

  app.get('/', async (c) => {
    const { environmentIntegrations, cursors } = c.get('services');
    const environmentId = c.get('principal').environmentId;
    const q = parseQueryString(rawQueryString(c));
    const limit = toLimit(q.limit, MAX_LIMIT) ?? MAX_LIMIT;
    if (q.next_cursor !== undefined && typeof q.next_cursor !== 'string') throw errors.invalidCursor();
    const f = parseListFilters(q, FILTERS, '/environment-integration');
    const name = bothText(f.integration_id, f['integration.name']);
    const enabled = [f.is_enabled, f.is_active].filter((v) => v !== undefined) as boolean[];
    const keep = (v: EnvironmentIntegrationView) =>
      matchesText(v.id, f.id as TextMatch | undefined) &&
      matchesText(v.integration_id, name) &&
      matchesText(v.environment_id, f.environment_id as TextMatch | undefined) &&
      enabled.every((e) => v.is_enabled === e) &&
      (f.show_in_catalog === undefined || v.show_in_catalog === f.show_in_catalog);
    // The list is built from the catalog (in its order) and the environment's few rows, so a page
    // is a position in it; the signed cursor carries the position.
    const scope = { account: environmentId, target: 'environment-integration' };
    const offset = q.next_cursor ? Number((cursors.decode(scope, q.next_cursor) as { offset: number }).offset) || 0 : 0;
    const all = (await environmentIntegrations.list(environmentId)).filter(keep);
    const next = all.length > offset + limit ? cursors.encode(scope, { offset: offset + limit }) : null;
    return sendJson(c, 200, { result: all.slice(offset, offset + limit), next_cursor: next, limit });
  });

  app.post('/', async (c) => {
    const { environmentIntegrations } = c.get('services');
    const body = installBody.parse((await readJsonBody(c)) ?? {});
    return sendJson(c, 200, await environmentIntegrations.install(c.get('principal').environmentId, body));
  });

  app.get('/:id', async (c) => {
    const { environmentIntegrations } = c.get('services');
    return sendJson(c, 200, await environmentIntegrations.get(c.get('principal').environmentId, uuidParam(c, 'id', notFound)));
  });

  app.patch('/:id', async (c) => {
    const { environmentIntegrations } = c.get('services');
    const id = uuidParam(c, 'id', notFound);
    const body = updateBody.parse((await readJsonBody(c)) ?? {});
    return sendJson(c, 200, await environmentIntegrations.update(c.get('principal').environmentId, id, body));
  });

  app.delete('/:id', async (c) => {
    const { environmentIntegrations } = c.get('services');
    return sendJson(c, 200, await environmentIntegrations.uninstall(c.get('principal').environmentId, uuidParam(c, 'id', notFound)));
  });

  return app;
}
