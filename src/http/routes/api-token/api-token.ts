import { Hono } from 'hono';
import { errors } from '../../../errors/catalogue.ts';
import { apiTokenView, createTokenBody, requireAdmin } from '../../../services/api-tokens.ts';
import type { TextMatch } from '../../../store/types.ts';
import { filterParameters, type FilterSpec } from '../../list-filters.ts';
import { ADMIN_ERRORS, adminListSchema } from '../../openapi/components.ts';
import { fromZod, jsonContent, ok, ref, type Json, type RouteDocs } from '../../openapi/route-doc.ts';
import { uuidParam } from '../../params.ts';
import { readJsonBody, sendJson } from '../../respond.ts';
import type { HttpEnv } from '../../types.ts';
import { keysetList } from '../../keyset-list.ts';

/** The contract's default and our maximum (docs/contract.md §1.2). */
const MAX_LIMIT = 5000;
const TOKEN_FILTERS: Record<string, FilterSpec> = {
  id: { kind: 'uuid' },
  name: { kind: 'text', rule: { maxLength: 255 } },
  environment_id: { kind: 'uuid' },
};

const tokenProperties: Json = {
  id: { type: 'string', format: 'uuid' },
  name: { type: 'string' },
  environment_id: { type: 'string', format: 'uuid' },
  role: { type: 'string', enum: ['admin', 'standard'], description: 'Only an admin token may create or delete API tokens' },
  created_by: { type: ['string', 'null'], description: 'The id of the token that created this one; null for the operator’s' },
  expires_at: { type: ['string', 'null'], format: 'date-time' },
  created_at: { type: 'string', format: 'date-time' },
  updated_at: { type: 'string', format: 'date-time' },
};
const tokenRequired = ['id', 'name', 'environment_id', 'role', 'created_by', 'expires_at', 'created_at', 'updated_at'];
const idParam = { id: { description: 'API token id', schema: { type: 'string', format: 'uuid' } } };

export const apiTokenDocs: RouteDocs = {
  schemas: {
    ApiToken: { title: 'ApiToken', type: 'object', properties: tokenProperties, required: tokenRequired },
    ApiTokenCreated: {
      title: 'ApiTokenCreated',
      type: 'object',
      properties: { ...tokenProperties, token: { type: 'string', description: 'The secret: shown in this response only, never again' } },
      required: [...tokenRequired, 'token'],
    },
    ApiTokenList: adminListSchema(ref('schemas', 'ApiToken')),
    ApiTokenCreate: fromZod(createTokenBody, 'input'),
  },
  operations: [
    {
      method: 'get',
      path: '/api-token',
      operationId: 'listApiTokens',
      summary: 'List API tokens',
      description: "The environment's API tokens, oldest first; integrated-account tokens are not listed.",
      tags: ['API tokens'],
      parameters: [
        ...filterParameters(TOKEN_FILTERS),
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: MAX_LIMIT } },
        ref('parameters', 'NextCursor'),
      ],
      success: ok('A page of tokens', ref('schemas', 'ApiTokenList')),
    },
    {
      method: 'post',
      path: '/api-token',
      operationId: 'createApiToken',
      summary: 'Create an API token',
      description: 'Needs an admin token. The answer carries the secret `token` once; only its hash is stored. role defaults to standard.',
      tags: ['API tokens'],
      requestBody: { required: true, content: jsonContent(ref('schemas', 'ApiTokenCreate')) },
      success: ok('The token and its secret', ref('schemas', 'ApiTokenCreated')),
      errors: [...ADMIN_ERRORS, 403],
    },
    {
      method: 'get',
      path: '/api-token/{id}',
      operationId: 'getApiToken',
      summary: 'Get an API token',
      tags: ['API tokens'],
      params: idParam,
      success: ok('The token (never its secret)', ref('schemas', 'ApiToken')),
    },
    {
      method: 'delete',
      path: '/api-token/{id}',
      operationId: 'deleteApiToken',
      summary: 'Delete an API token',
      description: 'Needs an admin token. Deleting the token that makes the call is allowed: the next call with it gets 401.',
      tags: ['API tokens'],
      params: idParam,
      success: ok('Deleted', ref('schemas', 'DeleteResult')),
      errors: [...ADMIN_ERRORS, 403],
    },
  ],
};

const notFound = (id: string) => errors.notFound(`API token ${id} not found`);

/** /api-token: the environment's API tokens (docs/platform.md). */
export function apiTokenRoutes() {
  const app = new Hono<HttpEnv>();

  app.get('/', (c) =>
    keysetList(c, {
      route: '/api-token',
      filters: TOKEN_FILTERS,
      defaultLimit: MAX_LIMIT,
      maxLimit: MAX_LIMIT,
      fetch: (f, page) =>
        c.get('services').store.listApiTokens({
          environment_id: page.environmentId,
          id: f.id as TextMatch | undefined,
          name: f.name as TextMatch | undefined,
          after: page.after,
          limit: page.limit,
        }),
      view: apiTokenView,
    }),
  );

  app.post('/', async (c) => {
    const { apiTokens } = c.get('services');
    requireAdmin(c.get('principal'), 'create');
    const body = createTokenBody.parse((await readJsonBody(c)) ?? {});
    return sendJson(c, 200, await apiTokens.create(c.get('principal'), body));
  });

  app.get('/:id', async (c) => {
    const { apiTokens } = c.get('services');
    return sendJson(c, 200, apiTokenView(await apiTokens.get(c.get('principal').environmentId, uuidParam(c, 'id', notFound))));
  });

  app.delete('/:id', async (c) => {
    const { apiTokens } = c.get('services');
    return sendJson(c, 200, await apiTokens.delete(c.get('principal'), uuidParam(c, 'id', notFound)));
  });

  return app;
}
