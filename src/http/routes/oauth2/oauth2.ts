import { Hono } from 'hono';
import { authorizeBody, completeAuthorization, startAuthorization } from '../../../services/oauth2-connect.ts';
import { toView } from '../../../services/integrated-accounts.ts';
import { authenticate } from '../../../services/tokens.ts';
import { readJsonBody, sendJson } from '../../respond.ts';
import type { HttpEnv } from '../../types.ts';

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
    return sendJson(c, 200, await startAuthorization(services, principal.environmentId, body, new URL(c.req.url).origin));
  });

  app.get('/callback', async (c) => {
    const services = c.get('services');
    const { account, returnUrl } = await completeAuthorization(services, c.req.query());
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
