import type { Context } from 'hono';
import { errors } from '../../../errors/catalogue.ts';
import type { HttpEnv } from '../../types.ts';

/**
 * Each call of a batch (or an account's MCP tool call) counts against the account's rate limit as a /unified or /proxy request
 * would (rate-limit.ts keys the same window), so a batch is no way around it. Over the limit, that
 * call fails with the same 429 and the batch carries on with the rest.
 */
export function accountLimit(c: Context<HttpEnv>, accountId: string): (() => Promise<void>) | undefined {
  const { config, rateLimiter, logger } = c.get('services');
  const { perAccount, windowSeconds } = config.rateLimits;
  if (perAccount <= 0) return undefined;
  const key = `account:${c.get('principal').environmentId}:${accountId}`;
  return async () => {
    let hit;
    try {
      hit = await rateLimiter.hit(key, windowSeconds);
    } catch (e) {
      logger.warn({ request_id: c.get('requestId'), err: { message: (e as Error).message } }, 'rate limit counters unavailable; batch call allowed');
      return;
    }
    if (hit.count > perAccount) {
      const reset = Math.max(1, Math.ceil((hit.resetAt - Date.now()) / 1000));
      throw errors.rateLimited(
        reset,
        `Rate limit exceeded: at most ${perAccount} requests per ${windowSeconds} s per integrated account; retry after ${reset} s`,
      );
    }
  };
}
