import { Hono } from 'hono';
import { z } from 'zod';
import { errors } from '../../../errors/catalogue.ts';
import { toView } from '../../../services/integrated-accounts.ts';
import { normaliseUuid } from '../../../query/safe-input.ts';
import { ADMIN_ERRORS } from '../../openapi/components.ts';
import { fromZod, jsonContent, ok, ref, type Json, type RouteDocs } from '../../openapi/route-doc.ts';
import { readJsonBody, sendJson } from '../../respond.ts';
import { uuidParam } from '../../params.ts';
import type { HttpEnv } from '../../types.ts';

/** A UUID in a body, lower-cased like every id this server stores. */
const accountId = z
  .string()
  .refine((v) => normaliseUuid(v) !== undefined, 'must be a UUID')
  .transform((v) => normaliseUuid(v)!);

const tokenBody = z.object({ integrated_account_id: accountId }).strict();
const refreshBody = z.object({ id: accountId }).strict();
const bulkDeleteBody = z.object({ ids: z.array(accountId).min(1).max(100) }).strict();
/** What an end customer's code may change on its own account: its context, never overrides or flags. */
const contextBody = z.object({ context: z.record(z.string(), z.unknown()) }).strict();

const tokenResult: Json = {
  type: 'object',
  properties: {
    integrated_account_token: { type: 'string', description: 'Shown once; valid 15 minutes' },
    integrated_account_id: { type: 'string', format: 'uuid' },
    expires_at: { type: 'string', format: 'date-time' },
  },
  required: ['integrated_account_token', 'integrated_account_id', 'expires_at'],
};
const success: Json = { type: 'object', properties: { success: { type: 'boolean', const: true } }, required: ['success'] };
const account = ref('schemas', 'IntegratedAccount');
const tags = ['Integrated accounts'];

export const accountTokenDocs: RouteDocs = {
  operations: [
    {
      method: 'post',
      path: '/integrated-account/token',
      operationId: 'createIntegratedAccountToken',
      summary: 'Issue an integrated-account token',
      description:
        'A 15-minute token bound to one account: accepted on /unified, /proxy, /custom (the account is implied) and GET/PATCH /integrated-account/me; 403 elsewhere.',
      tags,
      requestBody: { required: true, content: jsonContent(fromZod(tokenBody, 'input')) },
      success: ok('The token', tokenResult),
      errors: [...ADMIN_ERRORS, 403],
    },
    {
      method: 'get',
      path: '/integrated-account/me',
      operationId: 'getIntegratedAccountMe',
      summary: "The integrated-account token's own account",
      tags,
      success: ok('The account', account),
      errors: [401, 403, 404, 500],
    },
    {
      method: 'patch',
      path: '/integrated-account/me',
      operationId: 'updateIntegratedAccountMe',
      summary: "Update the integrated-account token's own account (context only)",
      tags,
      requestBody: { required: true, content: jsonContent(fromZod(contextBody, 'input')) },
      success: ok('The account', account),
      errors: [400, 401, 403, 404, 422, 500],
    },
    {
      method: 'post',
      path: '/integrated-account/refresh-credentials',
      operationId: 'refreshIntegratedAccountCredentials',
      summary: "Refresh an account's OAuth credentials now",
      tags,
      requestBody: { required: true, content: jsonContent(fromZod(refreshBody, 'input')) },
      success: ok('Refreshed', success),
      errors: [...ADMIN_ERRORS, 409, 502],
    },
    {
      method: 'post',
      path: '/integrated-account/bulk-delete',
      operationId: 'bulkDeleteIntegratedAccounts',
      summary: 'Delete several integrated accounts',
      description: 'All or nothing: an id that is not an account of this environment is a 404 and nothing is deleted.',
      tags,
      requestBody: { required: true, content: jsonContent(fromZod(bulkDeleteBody, 'input')) },
      success: ok('Deleted', success),
    },
    {
      method: 'post',
      path: '/integrated-account/{id}/validate',
      operationId: 'validateIntegratedAccount',
      summary: "Run the integration's validation on the account now (Tessera extension)",
      description:
        "Calls the provider with the stored credentials, as when the account was connected, and records the verdict: `active`, or `validation_error` with `last_error`. Answers the account either way (a refusal is the provider's answer, not a failure of this call); an `integrated_account:active` or `:validation_error` event is sent when the status changes.",
      tags,
      params: { id: { description: 'Integrated account id', schema: { type: 'string', format: 'uuid' } } },
      success: ok('The account, with its status after the check', account),
      errors: [...ADMIN_ERRORS, 409],
    },
    {
      method: 'patch',
      path: '/integrated-account/{id}/credentials',
      operationId: 'updateIntegratedAccountCredentials',
      summary: "Replace an account's credentials",
      description: 'Body {context}: merged like PATCH /integrated-account/{id}, validated with the provider before it replaces the stored credentials.',
      tags,
      params: { id: { description: 'Integrated account id', schema: { type: 'string', format: 'uuid' } } },
      requestBody: { required: true, content: jsonContent(fromZod(contextBody, 'input')) },
      success: ok('The account', account),
      errors: [...ADMIN_ERRORS, 422],
    },
  ],
};

/**
 * Integrated-account tokens and the account routes beside them (docs/platform.md). Mounted before
 * /integrated-account/{id}, which would otherwise take `me` and `token` for ids.
 */
export function accountTokenRoutes() {
  const app = new Hono<HttpEnv>();

  app.post('/token', async (c) => {
    const body = tokenBody.parse((await readJsonBody(c)) ?? {});
    return sendJson(c, 200, await c.get('services').accountTokens.issue(c.get('principal'), body.integrated_account_id));
  });

  const myAccountId = (principal: HttpEnv['Variables']['principal']) => {
    if (!principal.integratedAccountId)
      throw errors.forbidden(
        '/integrated-account/me needs an integrated-account token (POST /integrated-account/token); with an API token use /integrated-account/{id}',
      );
    return principal.integratedAccountId;
  };

  app.get('/me', async (c) => {
    const services = c.get('services');
    const principal = c.get('principal');
    return sendJson(c, 200, toView(await services.accounts.get(principal.environmentId, myAccountId(principal)), services.catalog));
  });

  app.patch('/me', async (c) => {
    const services = c.get('services');
    const principal = c.get('principal');
    const id = myAccountId(principal);
    const body = contextBody.parse((await readJsonBody(c)) ?? {});
    return sendJson(c, 200, toView(await services.accounts.patch(principal.environmentId, id, body), services.catalog));
  });

  app.post('/refresh-credentials', async (c) => {
    const body = refreshBody.parse((await readJsonBody(c)) ?? {});
    return sendJson(c, 200, await c.get('services').accountTokens.refreshCredentials(c.get('principal').environmentId, body.id));
  });

  app.post('/bulk-delete', async (c) => {
    const services = c.get('services');
    const environmentId = c.get('principal').environmentId;
    const { ids } = bulkDeleteBody.parse((await readJsonBody(c)) ?? {});
    // Every id is checked before any is deleted: a typo in one deletes none.
    for (const id of new Set(ids)) await services.accounts.get(environmentId, id);
    for (const id of new Set(ids)) await services.accounts.delete(environmentId, id);
    return sendJson(c, 200, { success: true });
  });

  app.post('/:id/validate', async (c) => {
    const services = c.get('services');
    const stored = await services.accounts.get(c.get('principal').environmentId, uuidParam(c, 'id', errors.accountNotFound));
    // 409 when the integration is disabled in the environment; its override reaches the validation's calls.
    const account = await services.access.environmentLayer(stored);
    const integration = await services.access.integrationFor(account);
    return sendJson(c, 200, toView(await services.accounts.validate(account, integration), services.catalog));
  });

  app.patch('/:id/credentials', async (c) => {
    const services = c.get('services');
    const id = uuidParam(c, 'id', errors.accountNotFound);
    const body = contextBody.parse((await readJsonBody(c)) ?? {});
    return sendJson(c, 200, toView(await services.accounts.patch(c.get('principal').environmentId, id, body), services.catalog));
  });

  return app;
}
