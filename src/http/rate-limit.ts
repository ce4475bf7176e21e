import type { Context, MiddlewareHandler } from 'hono';
import { annotateRequest } from '../logger.ts';
import { errors } from '../errors/catalogue.ts';
import { parseQueryString, requireAccountId } from '../query/unified-query.ts';
import type { WindowHit } from '../store/counters/window-counter.ts';
import { rawQueryString } from './respond.ts';
import type { HttpEnv } from './types.ts';

/**
 * The account exactly as the routes resolve it (the same query parser, the UUID lowercased), so
 * that neither the letter case nor another spelling of the parameter (percent-encoded, repeated)
 * opens a window of its own. Undefined when the route will refuse the request with a 400 before
 * it reaches any account.
 */
function accountOf(c: Context<HttpEnv>): string | undefined {
  try {
    return requireAccountId(parseQueryString(rawQueryString(c)).integrated_account_id).toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Tessera's own limits (docs/contract.md §9): N requests per window per API token on every
 * authenticated route, and M per window per integrated account on /unified, /proxy and /custom
 * (keyed on the `integrated_account_id` query parameter). Over either, 429 with Retry-After set to
 * the seconds left in the window. Every answer carries the tighter limit's RateLimit-* headers.
 *
 * If the counter store fails (Redis down), requests pass and the failure is logged: the limits
 * protect upstreams from bursts, they are not worth an outage.
 */
export function rateLimit(onReject?: (scope: 'token' | 'account') => void): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const { config, rateLimiter, logger } = c.get('services');
    const { perToken, perAccount, windowSeconds } = config.rateLimits;
    const principal = c.get('principal');
    const checks: { limit: number; key: string; what: string; scope: 'token' | 'account' }[] = [];
    if (perToken > 0) checks.push({ limit: perToken, key: `token:${principal.tokenId}`, what: 'API token', scope: 'token' });
    const accountId = perAccount > 0 && /^\/(unified|proxy|custom)\//.test(c.req.path) ? accountOf(c) : undefined;
    if (accountId) {
      // A 429 here never reaches the service that would name the account in the request's log line.
      annotateRequest(c.get('requestLog'), { account_id: accountId });
      checks.push({ limit: perAccount, key: `account:${principal.environmentId}:${accountId}`, what: 'integrated account', scope: 'account' });
    }
    if (checks.length === 0) return next();

    let hits: WindowHit[];
    try {
      hits = await Promise.all(checks.map((check) => rateLimiter.hit(check.key, windowSeconds)));
    } catch (e) {
      logger.warn({ request_id: c.get('requestId'), err: { message: (e as Error).message } }, 'rate limit counters unavailable; request allowed');
      return next();
    }

    const now = Date.now();
    const remaining = checks.map((check, i) => check.limit - hits[i].count);
    const tightest = remaining.indexOf(Math.min(...remaining));
    const resetSeconds = Math.max(1, Math.ceil((hits[tightest].resetAt - now) / 1000));
    const headers = {
      'ratelimit-limit': String(checks[tightest].limit),
      'ratelimit-remaining': String(Math.max(0, remaining[tightest])),
      'ratelimit-reset': String(resetSeconds),
    };
    if (remaining[tightest] < 0) {
      const { limit, what, scope } = checks[tightest];
      onReject?.(scope);
      const message = `Rate limit exceeded: at most ${limit} requests per ${windowSeconds} s per ${what}; retry after ${resetSeconds} s`;
      throw errors.rateLimited(resetSeconds, message, headers);
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
}
