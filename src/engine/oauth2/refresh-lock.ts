/**
 * The in-process half of the per-account credentials lock (EngineServices.withAccountLock): one
 * promise chain per key. Across processes the store adds a database lock inside it (Postgres
 * advisory locks, src/store/sql/sql-store.ts); see docs/oauth2.md.
 */
export interface RefreshLock {
  /** Runs `fn` while holding the lock named `key`; callers for the same key run one at a time. */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

export class InProcessRefreshLock implements RefreshLock {
  /** The tail of each key's queue: resolves when the last holder so far releases. */
  private readonly tails = new Map<string, Promise<void>>();

  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => released);
    this.tails.set(key, tail);
    await previous;
    try {
      return await fn();
    } finally {
      release();
      // Forget the key when nobody queued behind us, so the map stays as small as the traffic.
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Keys with a holder or waiters (tests). */
  get size(): number {
    return this.tails.size;
  }
}
