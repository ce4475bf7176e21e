/**
 * Datadog rate-limits per endpoint bucket and reports it on every response of a limited endpoint
 * (docs/providers/sources-additions.md §2.5): `X-RateLimit-Limit` (requests per period),
 * `X-RateLimit-Period` (seconds, calendar aligned: windows start at multiples of the period),
 * `X-RateLimit-Remaining`, `X-RateLimit-Reset` (seconds until the window ends) and
 * `X-RateLimit-Name`; beyond the limit, 429. Datadog publishes no numbers for the usage
 * endpoints; the buckets below are our decision, one counter per organization and bucket.
 */
export interface Bucket {
  name: string;
  limit: number;
  periodSeconds: number;
}

export const DATADOG_BUCKETS = {
  hourly: { name: 'usage_metering_hourly_usage', limit: 120, periodSeconds: 60 },
  cost: { name: 'usage_metering_cost', limit: 60, periodSeconds: 3600 },
  dimensions: { name: 'usage_metering_billing_dimensions', limit: 60, periodSeconds: 3600 },
  org: { name: 'org_read', limit: 100, periodSeconds: 60 },
} satisfies Record<string, Bucket>;

export type BucketName = keyof typeof DATADOG_BUCKETS;

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
}

export class DatadogRateLimits {
  private readonly counts = new Map<string, { window: number; used: number }>();

  /** `enforce: false` keeps the headers but never refuses (the kit's `rateLimits: false`). */
  constructor(
    readonly enforce: boolean,
    readonly buckets: Record<BucketName, Bucket> = DATADOG_BUCKETS,
  ) {}

  take(org: string, bucketName: BucketName, nowMs: number): RateDecision {
    const bucket = this.buckets[bucketName];
    const periodMs = bucket.periodSeconds * 1000;
    const window = Math.floor(nowMs / periodMs);
    const key = `${org}|${bucket.name}`;
    let entry = this.counts.get(key);
    if (!entry || entry.window !== window) {
      entry = { window, used: 0 };
      this.counts.set(key, entry);
    }
    const allowed = !this.enforce || entry.used < bucket.limit;
    if (allowed) entry.used++;
    const reset = Math.max(1, Math.ceil(((window + 1) * periodMs - nowMs) / 1000));
    return {
      allowed,
      headers: {
        'x-ratelimit-limit': String(bucket.limit),
        'x-ratelimit-period': String(bucket.periodSeconds),
        'x-ratelimit-remaining': String(Math.max(0, bucket.limit - entry.used)),
        'x-ratelimit-reset': String(reset),
        'x-ratelimit-name': bucket.name,
      },
    };
  }

  reset(): void {
    this.counts.clear();
  }
}
