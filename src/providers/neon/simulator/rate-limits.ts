import { SlidingWindowLimiter } from '../../../simulator-kit/sliding-window-limiter.ts';

export interface NeonRateLimitConfig {
  /** Requests per minute per account (Neon: 700). */
  perMinute: number;
  /** Requests per second per account and route (Neon: a burst of 40). */
  burstPerSecond: number;
  /** Requests per minute per account to the consumption routes, one bucket for all of them (Neon: about 30). Default 30. */
  consumptionPerMinute?: number;
}

/** Neon's published limits (docs/providers/neon.md §6). */
export const NEON_RATE_LIMITS: NeonRateLimitConfig = { perMinute: 700, burstPerSecond: 40, consumptionPerMinute: 30 };

/** Route templates that draw on the consumption bucket as well as the general ones (§6). */
const CONSUMPTION_ROUTE = /^GET \/consumption_history\//;

export class NeonRateLimits {
  private readonly perAccount?: SlidingWindowLimiter;
  private readonly perRoute?: SlidingWindowLimiter;
  private readonly consumption?: SlidingWindowLimiter;

  constructor(config: NeonRateLimitConfig | false) {
    if (config === false) return;
    this.perAccount = new SlidingWindowLimiter(config.perMinute, 60_000);
    this.perRoute = new SlidingWindowLimiter(config.burstPerSecond, 1_000);
    this.consumption = new SlidingWindowLimiter(config.consumptionPerMinute ?? 30, 60_000);
  }

  /** Counts the request and says whether it may proceed; `route` is the route template. */
  allow(accountId: string, route: string, now = Date.now()): boolean {
    if (!this.perAccount || !this.perRoute) return true;
    const routeKey = `${accountId} ${route}`;
    const consumption = CONSUMPTION_ROUTE.test(route) ? this.consumption : undefined;
    // A rejected request counts against no window, so check them all before taking from any.
    if (!this.perRoute.hasRoom(routeKey, now) || !this.perAccount.hasRoom(accountId, now)) return false;
    if (consumption && !consumption.hasRoom(accountId, now)) return false;
    this.perRoute.tryTake(routeKey, now);
    this.perAccount.tryTake(accountId, now);
    consumption?.tryTake(accountId, now);
    return true;
  }

  reset(): void {
    this.perAccount?.reset();
    this.perRoute?.reset();
    this.consumption?.reset();
  }
}
