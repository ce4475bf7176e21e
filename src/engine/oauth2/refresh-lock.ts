/**
 * The per-account lock token refreshes run under. The embedded default is in-process (one
 * promise chain per account); a deployment with several Tessera processes on one database
 * replaces it with a distributed lock (e.g. Redis `SET key NX PX`) through `setRefreshLock`.
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

let current: RefreshLock = new InProcessRefreshLock();

export function refreshLock(): RefreshLock {
  return current;
}

/** Installs another lock (a distributed one); returns the previous, so tests can restore it. */
export function setRefreshLock(lock: RefreshLock): RefreshLock {
  const previous = current;
  current = lock;
  return previous;
}
