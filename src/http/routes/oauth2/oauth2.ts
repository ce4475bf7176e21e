import { Hono } from 'hono';
import { authorizeBody, completeAuthorization, startAuthorization } from '../../../services/oauth2-connect.ts';
import { toView } from '../../../services/integrated-accounts.ts';
import { authenticate } from '../../../services/tokens.ts';
import { fromZod, jsonContent, ok, ref, type RouteDocs } from '../../openapi/route-doc.ts';
import { readJsonBody, sendJson } from '../../respond.ts';
import type { AppServices } from '../../../services/app-services.ts';
import type { HttpEnv } from '../../types.ts';

const oauth2Deps = (s: AppServices) => ({
  accounts: s.accounts,
  box: s.box,
  publicUrl: s.config.publicUrl,
  fetchFor: (integration: string) => s.egress.fetchFor(integration),
});

export const oauth2Docs: RouteDocs = {
  operations: [
    {
      method: 'post',
      path: '/oauth2/authorize',
      operationId: 'startOAuth2Authorization',
      summary: 'Start connecting an authorization-code account',
      description:
        'Returns the provider URL to send the user to; the provider redirects back to /oauth2/callback. Pass integrated_account_id to reconnect an existing account (docs/oauth2.md).',
      tags: ['Integrated accounts'],
      requestBody: { required: true, content: jsonContent(fromZod(authorizeBody, 'input')) },
      success: ok('Where to send the user', {
        type: 'object',
        required: ['authorize_url', 'state', 'redirect_uri', 'expires_at'],
        properties: { authorize_url: { type: 'string' }, state: { type: 'string' }, redirect_uri: { type: 'string' }, expires_at: { type: 'string' } },
      }),
    },
    {
      method: 'get',
      path: '/oauth2/callback',
      operationId: 'completeOAuth2Authorization',
      summary: "The provider's redirect: exchanges the code and creates or reconnects the account",
      description: 'Called by the browser, without an API token: the sealed state is the credential. Redirects to return_url when one was given.',
      tags: ['Integrated accounts'],
      public: true,
      parameters: [
        { name: 'code', in: 'query', schema: { type: 'string' } },
        { name: 'state', in: 'query', required: true, schema: { type: 'string' } },
        { name: 'error', in: 'query', schema: { type: 'string' } },
      ],
      success: {
        ...ok('The connected account', ref('schemas', 'IntegratedAccount')),
        '302': { description: 'Redirect to return_url with integrated_account_id and status' },
      },
      errors: [400, 500, 502],
    },
  ],
};

/**
 * /oauth2 — connecting authorization-code accounts on a self-hosted install (docs/oauth2.md).
 * Mounted before the API-token middleware: the provider redirects a browser to /callback, which
 * carries no token (the sealed `state` is its credential), while /authorize checks the token itself.
 */
export function oauth2Routes() {
  const app = new Hono<HttpEnv>();

  app.post('/authorize', async (c) => {
    const services = c.get('services');
    const principal = await authenticate(services.store, c.req.header('authorization'));
    const body = authorizeBody.parse((await readJsonBody(c)) ?? {});
    return sendJson(c, 200, await startAuthorization(oauth2Deps(services), principal.environmentId, body, new URL(c.req.url).origin));
  });

  app.get('/callback', async (c) => {
    const services = c.get('services');
    const { account, returnUrl } = await completeAuthorization(oauth2Deps(services), c.req.query());
    if (returnUrl) {
      const url = new URL(returnUrl);
      url.searchParams.set('integrated_account_id', account.id);
      url.searchParams.set('status', account.status);
      return c.redirect(url.href, 302);
    }
    return sendJson(c, 200, toView(account, services.catalog));
  });

  return app;
}
