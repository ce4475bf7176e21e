import type { MiddlewareHandler } from 'hono';
import { errors } from '../errors/catalogue.ts';
import { normaliseUuid } from '../query/safe-input.ts';
import { parseQueryString } from '../query/unified-query.ts';
import type { HttpEnv } from './types.ts';

/** The data plane: an integrated-account token reaches these for its own account. */
const DATA_PLANE = /^\/(unified|proxy|custom)(\/|$)/;
const ME = '/integrated-account/me';
/** The account's MCP endpoint (docs/tools.md): its own account's only. */
const MCP = /^\/integrated-account\/([^/]+)\/mcp$/;

/**
 * Integrated-account tokens (docs/platform.md) are for code running on behalf of one end customer:
 * they reach that account's data plane and GET/PATCH /integrated-account/me, and nothing else
 * (403, not 404: the route exists, the token may not use it). A data-plane call naming another
 * account is refused here; one naming none gets the token's account (respond.ts rawQueryString).
 */
export function confineAccountTokens(): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const principal = c.get('principal');
    if (principal.role !== 'integrated_account') return next();
    const path = c.req.path;
    if (path === ME && (c.req.method === 'GET' || c.req.method === 'PATCH')) return next();
    const mcp = MCP.exec(path);
    if (mcp) {
      if (normaliseUuid(mcp[1]) === principal.integratedAccountId) return next();
      throw errors.forbidden(
        `This integrated-account token is bound to account ${principal.integratedAccountId}; it cannot reach the MCP endpoint of ${mcp[1]}`,
      );
    }
    if (!DATA_PLANE.test(path)) {
      throw errors.forbidden(
        `An integrated-account token may call only /unified, /proxy, /custom and GET/PATCH ${ME}; use an API token for ${c.req.method} ${path}`,
      );
    }
    const url = c.req.url;
    const named = parseQueryString(url.includes('?') ? url.slice(url.indexOf('?') + 1) : '').integrated_account_id;
    if (named !== undefined && named !== '' && normaliseUuid(named) !== principal.integratedAccountId) {
      throw errors.forbidden(`This integrated-account token is bound to account ${principal.integratedAccountId}; it cannot reach ${String(named)}`);
    }
    return next();
  };
}
