/**
 * Anthropic publishes no numbers for the Admin API (docs/providers/sources.md §5.1; the
 * usage and cost docs only say "polling once per minute for sustained use"). The simulator's
 * limit is our decision: a sliding window per admin key, refused with 429 `rate_limit_error` and
 * `retry-after` in whole seconds until the oldest counted request leaves the window.
 */
export interface AnthropicRateLimitConfig {
  /** Requests per window per admin key. */
  limit: number;
  windowMs: number;
}

export const ANTHROPIC_ADMIN_RATE_LIMIT: AnthropicRateLimitConfig = { limit: 300, windowMs: 60_000 };

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class AnthropicRateLimits {
  private readonly hits = new Map<string, number[]>();

  /** `false` never refuses (the kit's `rateLimits: false`, used by test suites and the bench). */
  constructor(readonly config: AnthropicRateLimitConfig | false) {}

  take(key: string, now = Date.now()): RateDecision {
    if (this.config === false) return { allowed: true };
    const cutoff = now - this.config.windowMs;
    const times = (this.hits.get(key) ?? []).filter((t) => t > cutoff);
    if (times.length >= this.config.limit) {
      this.hits.set(key, times);
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((times[0] + this.config.windowMs - now) / 1000)) };
    }
    times.push(now);
    this.hits.set(key, times);
    return { allowed: true };
  }

  reset(): void {
    this.hits.clear();
  }
}
