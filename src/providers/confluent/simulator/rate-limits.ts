/**
 * Confluent Cloud's rate-limit headers (docs/providers/sources-additions.md §2.6):
 * `X-RateLimit-Limit`, `X-RateLimit-Remaining` and `X-RateLimit-Reset`, the last in seconds
 * *relative* to now (GitHub's is epoch seconds), plus `Retry-After` on a 429. Confluent publishes
 * no number for these endpoints; ours (120 requests per minute per API key, in fixed windows that
 * start with a key's first request) is our decision, documented in README.md.
 */
export interface ConfluentRateLimitConfig {
  limit: number;
  windowMs: number;
}

export const CONFLUENT_RATE_LIMIT: ConfluentRateLimitConfig = { limit: 120, windowMs: 60_000 };

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

export class ConfluentRateLimits {
  private readonly windows = new Map<string, { start: number; count: number }>();

  /**
   * `enforce: false` (the kit's `rateLimits: false`, used by test suites) still counts and sends
   * the headers, but never refuses.
   */
  constructor(
    readonly config: ConfluentRateLimitConfig,
    readonly enforce = true,
  ) {}

  take(key: string, now = Date.now()): RateDecision {
    let w = this.windows.get(key);
    if (!w || now >= w.start + this.config.windowMs) {
      w = { start: now, count: 0 };
      this.windows.set(key, w);
    }
    const reset = Math.max(1, Math.ceil((w.start + this.config.windowMs - now) / 1000));
    const over = w.count >= this.config.limit;
    if (!over || !this.enforce) w.count++;
    const headers = {
      'x-ratelimit-limit': String(this.config.limit),
      'x-ratelimit-remaining': String(Math.max(0, this.config.limit - w.count)),
      'x-ratelimit-reset': String(reset),
    };
    if (over && this.enforce) return { allowed: false, headers: { ...headers, 'retry-after': String(reset) } };
    return { allowed: true, headers };
  }

  reset(): void {
    this.windows.clear();
  }
}
