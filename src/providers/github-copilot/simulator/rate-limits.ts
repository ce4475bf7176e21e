/**
 * GitHub's primary rate limit (docs/providers/sources.md §7.1): a fixed hourly window per user (5,000
 * requests for a user or PAT), reported on every response in `x-ratelimit-limit`, `-remaining`,
 * `-used`, `-reset` (epoch seconds) and `-resource`. Past the limit GitHub answers 403 (or 429)
 * with `x-ratelimit-remaining: 0` until the reset time.
 */
export interface GithubRateLimitConfig {
  /** Requests per window per user (GitHub: 5,000 for a PAT). */
  limit: number;
  /** Window length (GitHub: one hour). */
  windowMs: number;
}

export const GITHUB_RATE_LIMITS: GithubRateLimitConfig = { limit: 5_000, windowMs: 3_600_000 };
/** Unauthenticated requests (and failed logins) count against a 60-per-hour bucket. */
export const GITHUB_UNAUTHENTICATED_LIMIT = 60;

export interface RateLimitSnapshot {
  limit: number;
  remaining: number;
  used: number;
  /** Epoch seconds when the window resets. */
  reset: number;
  /** Whether this request fits (and was counted). */
  allowed: boolean;
}

interface Bucket {
  windowStart: number;
  used: number;
}

export class GithubRateLimits {
  private readonly buckets = new Map<string, Bucket>();
  private readonly config: GithubRateLimitConfig;
  private readonly enforce: boolean;

  /** `false` keeps the headers but never refuses a request. */
  constructor(config: GithubRateLimitConfig | false) {
    this.enforce = config !== false;
    this.config = config === false ? GITHUB_RATE_LIMITS : config;
  }

  /** Counts one request for `key` (a user id, or `anonymous`) and says whether it may proceed. */
  take(key: string, now = Date.now(), limit = this.config.limit): RateLimitSnapshot {
    let bucket = this.buckets.get(key);
    if (!bucket || now >= bucket.windowStart + this.config.windowMs) {
      bucket = { windowStart: now, used: 0 };
      this.buckets.set(key, bucket);
    }
    const allowed = !this.enforce || bucket.used < limit;
    if (allowed) bucket.used++;
    return {
      limit,
      remaining: Math.max(0, limit - bucket.used),
      used: bucket.used,
      reset: Math.ceil((bucket.windowStart + this.config.windowMs) / 1000),
      allowed,
    };
  }

  reset(): void {
    this.buckets.clear();
  }
}

export function rateLimitHeaders(s: RateLimitSnapshot, resource = 'core'): Record<string, string> {
  return {
    'x-ratelimit-limit': String(s.limit),
    'x-ratelimit-remaining': String(s.remaining),
    'x-ratelimit-reset': String(s.reset),
    'x-ratelimit-used': String(s.used),
    'x-ratelimit-resource': resource,
  };
}
