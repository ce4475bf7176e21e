import { SlidingWindowLimiter } from '../../../simulator-kit/sliding-window-limiter.ts';

export interface NeonRateLimitConfig {
  /** Requests per minute per account (Neon: 700). */
  perMinute: number;
  /** Requests per second per account and route (Neon: a burst of 40). */
  burstPerSecond: number;
}

/** Neon's published general limits (docs/providers/neon-api.md §6). */
export const NEON_RATE_LIMITS: NeonRateLimitConfig = { perMinute: 700, burstPerSecond: 40 };

export class NeonRateLimits {
  private readonly perAccount?: SlidingWindowLimiter;
  private readonly perRoute?: SlidingWindowLimiter;

  constructor(config: NeonRateLimitConfig | false) {
    if (config === false) return;
    this.perAccount = new SlidingWindowLimiter(config.perMinute, 60_000);
    this.perRoute = new SlidingWindowLimiter(config.burstPerSecond, 1_000);
  }

  /** Counts the request and says whether it may proceed; `route` is the route template. */
  allow(accountId: string, route: string, now = Date.now()): boolean {
    if (!this.perAccount || !this.perRoute) return true;
    const routeKey = `${accountId} ${route}`;
    // A rejected request counts against neither window, so check both before taking from either.
    if (!this.perRoute.hasRoom(routeKey, now) || !this.perAccount.hasRoom(accountId, now)) return false;
    this.perRoute.tryTake(routeKey, now);
    this.perAccount.tryTake(accountId, now);
    return true;
  }

  reset(): void {
    this.perAccount?.reset();
    this.perRoute?.reset();
  }
}
