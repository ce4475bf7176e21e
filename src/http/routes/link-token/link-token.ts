import { Hono } from 'hono';
import { createLinkTokenBody } from '../../../services/link-tokens.ts';
import { fromZod, jsonContent, ok, ref, type Json, type RouteDocs } from '../../openapi/route-doc.ts';
import { ADMIN_ERRORS } from '../../openapi/components.ts';
import { readJsonBody, sendJson } from '../../respond.ts';
import type { HttpEnv } from '../../types.ts';

/** What POST /link-token answers (services/link-tokens.ts IssuedLinkToken). */
const issuedLinkTokenSchema: Json = {
  title: 'LinkToken',
  type: 'object',
  properties: {
    link_token: { type: 'string', description: 'Shown only in this answer; single use, 7 days' },
    id: { type: 'string', format: 'uuid' },
    tenant_id: { type: 'string' },
    integration: { type: ['string', 'null'] },
    integrated_account_id: { type: ['string', 'null'] },
    redirect_uri: { type: ['string', 'null'] },
    connect_url: { type: 'string', description: 'The hosted connect page, with the token' },
    expires_at: { type: 'string', format: 'date-time' },
    created_at: { type: 'string', format: 'date-time' },
  },
  required: ['link_token', 'id', 'tenant_id', 'connect_url', 'expires_at', 'created_at'],
};

export const linkTokenDocs: RouteDocs = {
  schemas: { LinkToken: issuedLinkTokenSchema, LinkTokenCreate: fromZod(createLinkTokenBody, 'input') },
  operations: [
    {
      method: 'post',
      path: '/link-token',
      operationId: 'createLinkToken',
      summary: 'Create a link token for the hosted connect page',
      description:
        'A single-use token, valid 7 days, that lets a browser connect one account for tenant_id at /connect-account (docs/connect.md). With integrated_account_id instead, the page gives that account new credentials (persist_previous_context keeps its other context).',
      tags: ['Link tokens'],
      requestBody: { required: true, content: jsonContent(ref('schemas', 'LinkTokenCreate')) },
      success: ok('The token and the page to open with it', ref('schemas', 'LinkToken')),
      errors: ADMIN_ERRORS,
    },
  ],
};

/** POST /link-token: a single-use token for the hosted connect page (docs/connect.md). */
export function linkTokenRoutes() {
  const app = new Hono<HttpEnv>();

  app.post('/', async (c) => {
    const services = c.get('services');
    const body = createLinkTokenBody.parse((await readJsonBody(c)) ?? {});
    return sendJson(c, 200, await services.linkTokens.create(c.get('principal').environmentId, body, new URL(c.req.url).origin));
  });

  return app;
}
