/**
 * Fixed-window request counters (docs/contract.md §9): `hit` counts one request against `key`
 * and says how many its window has seen and when the window ends. A key's window opens at its
 * first request and lasts `windowSeconds`, so every replica sharing the counter agrees on it.
 * The embedded default counts in memory (one process); with TESSERA_REDIS_URL, in Redis.
 */
export interface WindowHit {
  count: number;
  /** Epoch milliseconds at which the current window ends. */
  resetAt: number;
}

export interface WindowCounter {
  hit(key: string, windowSeconds: number): Promise<WindowHit>;
  close(): Promise<void>;
}
