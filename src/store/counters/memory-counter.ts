import type { WindowCounter, WindowHit } from './window-counter.ts';

/** Counters in this process's memory; ended windows are swept at most once a second. */
export class MemoryWindowCounter implements WindowCounter {
  private readonly windows = new Map<string, WindowHit>();
  private nextSweep = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async hit(key: string, windowSeconds: number): Promise<WindowHit> {
    const now = this.now();
    if (now >= this.nextSweep) this.sweep(now);
    const current = this.windows.get(key);
    const window =
      current && current.resetAt > now ? { count: current.count + 1, resetAt: current.resetAt } : { count: 1, resetAt: now + windowSeconds * 1000 };
    this.windows.set(key, window);
    return window;
  }

  private sweep(now: number) {
    this.nextSweep = now + 1000;
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }

  async close(): Promise<void> {
    this.windows.clear();
  }
}
