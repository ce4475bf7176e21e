import { Hono, type Context } from 'hono';
import { errors } from '../../../errors/catalogue.ts';
import { createAccountBody, patchAccountBody, TENANT_ID_RULE, toView } from '../../../services/integrated-accounts.ts';
import { NAME_RULE } from '../../../query/safe-input.ts';
import { parseQueryString, toBoolean } from '../../../query/unified-query.ts';
import type { DateRange, TextMatch } from '../../../store/types.ts';
import { filterParameters, type FilterSpec } from '../../list-filters.ts';
import { ADMIN_ERRORS, adminListSchema } from '../../openapi/components.ts';
import { fromZod, jsonContent, ok, ref, type Json, type RouteDocs } from '../../openapi/route-doc.ts';
import { rawQueryString, readJsonBody, sendJson } from '../../respond.ts';
import { uuidParam } from '../../params.ts';
import type { HttpEnv } from '../../types.ts';
import { keysetList } from '../../keyset-list.ts';

const DEFAULT_ADMIN_LIMIT = 5000;
/** GET /integrated-account's filters, in every form list-filters.ts reads. */
const ACCOUNT_FILTERS: Record<string, FilterSpec> = {
  id: { kind: 'uuid' },
  tenant_id: { kind: 'text', rule: TENANT_ID_RULE },
  environment_id: { kind: 'uuid' },
  'integration.name': { kind: 'text', rule: NAME_RULE },
  status: { kind: 'text', rule: NAME_RULE },
  is_sandbox: { kind: 'boolean' },
  created_at: { kind: 'date' },
  updated_at: { kind: 'date' },
};

/** What toView returns. */
const integratedAccountSchema: Json = {
  title: 'IntegratedAccount',
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    tenant_id: { type: 'string' },
    environment_id: { type: 'string' },
    environment_integration_id: { type: ['string', 'null'] },
    integration: {
      type: 'object',
      properties: { id: { type: 'string' }, name: { type: 'string' }, category: { type: 'string' } },
      required: ['id', 'name', 'category'],
    },
    status: { type: 'string', enum: ['active', 'connecting', 'post_install_error', 'validation_error', 'needs_reauth'] },
    is_sandbox: { type: 'boolean', description: 'Read-only: writes through /unified and /proxy get 405' },
    is_blocked: { type: 'boolean' },
    authentication_method: { type: 'string' },
    region: { type: 'string', enum: ['wnam', 'enam', 'apac', 'eu'] },
    context: { type: 'object', additionalProperties: true, description: 'Credentials are returned as "********"' },
    last_error: { type: ['string', 'null'] },
    unified_model_override: { type: 'object', additionalProperties: true },
    integration_override: { type: 'object', additionalProperties: true },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'tenant_id', 'environment_id', 'integration', 'status', 'is_sandbox', 'authentication_method', 'context', 'created_at', 'updated_at'],
};

const keepParam = {
  name: 'keep_on_validation_error',
  in: 'query',
  description: 'Keep the account (or save the PATCH) when validation fails, as status validation_error with last_error, instead of answering 422',
  schema: { type: 'boolean', default: false },
};
/** `?keep_on_validation_error=true`: the old "store it anyway" behaviour, asked for explicitly. */
const keepOnValidationError = (c: Context<HttpEnv>) =>
  toBoolean(parseQueryString(rawQueryString(c)).keep_on_validation_error, 'keep_on_validation_error') === true;
const idParam = { id: { description: 'Integrated account id', schema: { type: 'string', format: 'uuid' } } };

export const integratedAccountDocs: RouteDocs = {
  schemas: {
    IntegratedAccount: integratedAccountSchema,
    IntegratedAccountList: adminListSchema(ref('schemas', 'IntegratedAccount')),
    IntegratedAccountCreate: fromZod(createAccountBody, 'input'),
    IntegratedAccountPatch: fromZod(patchAccountBody, 'input'),
  },
  operations: [
    {
      method: 'get',
      path: '/integrated-account',
      operationId: 'listIntegratedAccounts',
      summary: 'List integrated accounts',
      tags: ['Integrated accounts'],
      parameters: [
        ...filterParameters(ACCOUNT_FILTERS),
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, default: DEFAULT_ADMIN_LIMIT } },
        ref('parameters', 'NextCursor'),
      ],
      success: ok('A page of accounts', ref('schemas', 'IntegratedAccountList')),
    },
    {
      method: 'post',
      path: '/integrated-account',
      operationId: 'createIntegratedAccount',
      summary: 'Import an integrated account',
      description:
        "Runs the integration's validation action before storing anything: the account is created active, or the request fails with 422 TESSERA_ACCOUNT_VALIDATION_FAILED (the provider's reason) and nothing is kept, unless keep_on_validation_error=true keeps it as validation_error.",
      tags: ['Integrated accounts'],
      parameters: [keepParam],
      requestBody: { required: true, content: jsonContent(ref('schemas', 'IntegratedAccountCreate')) },
      success: ok('The account', ref('schemas', 'IntegratedAccount')),
      errors: [...ADMIN_ERRORS, 422],
    },
    {
      method: 'get',
      path: '/integrated-account/{id}',
      operationId: 'getIntegratedAccount',
      summary: 'Get an integrated account',
      tags: ['Integrated accounts'],
      params: idParam,
      success: ok('The account', ref('schemas', 'IntegratedAccount')),
    },
    {
      method: 'patch',
      path: '/integrated-account/{id}',
      operationId: 'updateIntegratedAccount',
      summary: 'Update an integrated account',
      description:
        'context merges shallowly and keeps credentials; unified_model_override replaces the whole object and is checked (JSONata) when saved. New credentials are validated first: a refusal is 422 and the stored credentials stay, unless keep_on_validation_error=true.',
      tags: ['Integrated accounts'],
      params: idParam,
      parameters: [keepParam],
      requestBody: { required: true, content: jsonContent(ref('schemas', 'IntegratedAccountPatch')) },
      success: ok('The account', ref('schemas', 'IntegratedAccount')),
      errors: [...ADMIN_ERRORS, 405, 422],
    },
    {
      method: 'delete',
      path: '/integrated-account/{id}',
      operationId: 'deleteIntegratedAccount',
      summary: 'Delete an integrated account',
      tags: ['Integrated accounts'],
      params: idParam,
      success: ok('Deleted', ref('schemas', 'DeleteResult')),
    },
  ],
};

/** /integrated-account — connections of end customers (docs/contract.md §10). */
export function integratedAccountRoutes() {
  const app = new Hono<HttpEnv>();

  app.get('/', (c) =>
    keysetList(c, {
      route: '/integrated-account',
      filters: ACCOUNT_FILTERS,
      defaultLimit: DEFAULT_ADMIN_LIMIT,
      fetch: (f, page) =>
        c.get('services').store.listIntegratedAccounts({
          environment_id: page.environmentId,
          id: f.id as TextMatch | undefined,
          tenant_id: f.tenant_id as TextMatch | undefined,
          integration: f['integration.name'] as TextMatch | undefined,
          status: f.status as TextMatch | undefined,
          is_sandbox: f.is_sandbox as boolean | undefined,
          created_at: f.created_at as DateRange | undefined,
          updated_at: f.updated_at as DateRange | undefined,
          after: page.after,
          limit: page.limit,
        }),
      view: (a) => toView(a, c.get('services').catalog),
    }),
  );

  app.post('/', async (c) => {
    const services = c.get('services');
    const body = createAccountBody.parse((await readJsonBody(c)) ?? {});
    const account = await services.accounts.create(c.get('principal').environmentId, body, { keepOnValidationError: keepOnValidationError(c) });
    return sendJson(c, 200, toView(account, services.catalog));
  });

  app.get('/:id', async (c) => {
    const services = c.get('services');
    const account = await services.accounts.get(c.get('principal').environmentId, uuidParam(c, 'id', errors.accountNotFound));
    return sendJson(c, 200, toView(account, services.catalog));
  });

  app.patch('/:id', async (c) => {
    const services = c.get('services');
    const body = patchAccountBody.parse((await readJsonBody(c)) ?? {});
    const id = uuidParam(c, 'id', errors.accountNotFound);
    const account = await services.accounts.patch(c.get('principal').environmentId, id, body, { keepOnValidationError: keepOnValidationError(c) });
    return sendJson(c, 200, toView(account, services.catalog));
  });

  app.delete('/:id', async (c) => {
    const services = c.get('services');
    return sendJson(c, 200, await services.accounts.delete(c.get('principal').environmentId, uuidParam(c, 'id', errors.accountNotFound)));
  });

  return app;
}
