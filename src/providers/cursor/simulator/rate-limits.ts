/**
 * Cursor's Admin API budget: 20 requests per minute per team (docs/providers/sources.md
 * §6.1), one sliding window for every route the simulator serves. (A third party reports 60 per
 * minute for filtered-usage-events; the vendor's single figure is kept.) Beyond it: 429 with the
 * documented body. Cursor documents no Retry-After or rate-limit headers, so none are sent; a
 * client backs off on its own, and Tessera paces itself with the integration's `budget`.
 */
export interface CursorRateLimitConfig {
  limit: number;
  windowMs: number;
}

export const CURSOR_ADMIN_RATE_LIMIT: CursorRateLimitConfig = { limit: 20, windowMs: 60_000 };

export class CursorRateLimits {
  private readonly hits = new Map<string, number[]>();

  /** `false` never refuses (the kit's `rateLimits: false`, used by the test stack). */
  constructor(readonly config: CursorRateLimitConfig | false) {}

  /** Counts one request of `team`; false (counting nothing) when the window is full. */
  take(team: string, now = Date.now()): boolean {
    if (this.config === false) return true;
    const cutoff = now - this.config.windowMs;
    const times = (this.hits.get(team) ?? []).filter((t) => t > cutoff);
    if (times.length >= this.config.limit) {
      this.hits.set(team, times);
      return false;
    }
    times.push(now);
    this.hits.set(team, times);
    return true;
  }

  reset(): void {
    this.hits.clear();
  }
}
