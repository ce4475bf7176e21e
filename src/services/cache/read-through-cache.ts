import { LRUCache } from 'lru-cache';

export interface ReadThroughOptions {
  /** Entries kept; the least recently used go first. */
  max: number;
  /** How long an entry is served without asking the store again: the bound on staleness across replicas. */
  ttlMs: number;
  /** Remember that there was nothing (an environment without an integration row is the usual case). */
  cacheMisses?: boolean;
}

/**
 * A value read from the store, kept for a short TTL and dropped on every write this process makes
 * to it. Concurrent misses of one key share one load. A load that was under way when an
 * invalidation arrived is handed to its callers but never kept: it may have read the row before the
 * write landed, and keeping it would serve the old row for a whole TTL.
 */
export class ReadThroughCache<V> {
  private readonly entries: LRUCache<string, { value: V }>;
  private readonly loading = new Map<string, Promise<V>>();
  /** Bumped by every invalidation: a load remembers the generation it started in. */
  private generation = 0;

  constructor(private readonly options: ReadThroughOptions) {
    this.entries = new LRUCache({ max: options.max, ttl: options.ttlMs });
  }

  async get(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit) return hit.value;
    const pending = this.loading.get(key);
    if (pending) return pending;
    const generation = this.generation;
    const loaded = load().then(
      (value) => {
        if (this.loading.get(key) === loaded) this.loading.delete(key);
        if (generation === this.generation && (value !== undefined || this.options.cacheMisses)) this.entries.set(key, { value });
        return value;
      },
      (e: unknown) => {
        if (this.loading.get(key) === loaded) this.loading.delete(key);
        throw e;
      },
    );
    this.loading.set(key, loaded);
    return loaded;
  }

  delete(key: string): void {
    this.generation++;
    this.entries.delete(key);
    this.loading.delete(key);
  }

  /** Every key whose name starts with `prefix` (a key's parts are joined by NUL, so a prefix is a whole part). */
  deletePrefix(prefix: string): void {
    this.generation++;
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
    for (const key of this.loading.keys()) if (key.startsWith(prefix)) this.loading.delete(key);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.loading.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}

/** A cache key from parts that may contain anything but NUL (ids, names from URLs). */
export const cacheKey = (...parts: string[]): string => parts.join('\0');
