/**
 * "At most `limit` requests in any `windowMs`" per key. A sliding log rather than a token bucket:
 * it is exact, easy to reason about in tests, and Neon documents its limits as plain counts
 * (700 per minute, 40 per second). Rejected attempts do not count against the window.
 */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}

  /** Whether one more request fits right now, without counting it. */
  hasRoom(key: string, now = Date.now()): boolean {
    return this.recent(key, now).length < this.limit;
  }

  /** Counts a request; returns false (and counts nothing) when the window is full. */
  tryTake(key: string, now = Date.now()): boolean {
    const times = this.recent(key, now);
    if (times.length >= this.limit) return false;
    times.push(now);
    this.hits.set(key, times);
    return true;
  }

  reset(): void {
    this.hits.clear();
  }

  /** Timestamps still inside the window; idle keys are dropped so the map does not grow forever. */
  private recent(key: string, now: number): number[] {
    const cutoff = now - this.windowMs;
    const times = (this.hits.get(key) ?? []).filter((t) => t > cutoff);
    if (times.length === 0) this.hits.delete(key);
    else this.hits.set(key, times);
    return times;
  }
}
