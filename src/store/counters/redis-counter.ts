import { Redis } from 'ioredis';
import type { WindowCounter, WindowHit } from './window-counter.ts';

/**
 * How long one Redis round trip may take before the request goes on without it. The limiter is
 * on every request's path, so a slow Redis must cost at most this, never a stall.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 200;

/**
 * Counters shared by every replica through Redis: INCR, an expiry set only by the window's first
 * request (PEXPIRE … NX, Redis ≥ 7), and the time left, in one round trip.
 *
 * Commands never queue while Redis is away (`enableOfflineQueue: false`): they fail at once, and
 * FallbackWindowCounter counts in memory instead. The client reconnects in the background.
 */
export class RedisWindowCounter implements WindowCounter {
  private readonly redis: Redis;

  constructor(
    url: string,
    readonly prefix = 'tessera:rl:',
  ) {
    this.redis = new Redis(url, {
      lazyConnect: true,
      commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
      connectTimeout: 2_000,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // Forever, at most every 2 s: a replica that started while Redis was down picks it up when it returns.
      retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
    });
    // Outages are reported by FallbackWindowCounter once each; ioredis would print every
    // reconnect attempt as an "unhandled error event".
    this.redis.on('error', () => {});
  }

  /** Connects in the background and keeps retrying; start-up never waits for Redis. */
  start(): this {
    this.redis.connect().catch(() => {});
    return this;
  }

  /** Connects now, or fails and stops trying (the tests' "is a Redis here?" probe). */
  async connect(): Promise<this> {
    try {
      await this.redis.connect();
    } catch (e) {
      this.redis.disconnect();
      throw new Error(`Cannot connect to Redis (TESSERA_REDIS_URL): ${(e as Error).message}`, { cause: e });
    }
    return this;
  }

  async hit(key: string, windowSeconds: number): Promise<WindowHit> {
    const redisKey = this.prefix + key;
    const results = await withTimeout(
      this.redis
        .multi()
        .incr(redisKey)
        .pexpire(redisKey, windowSeconds * 1000, 'NX')
        .pttl(redisKey)
        .exec(),
      'MULTI',
    );
    if (!results) throw new Error('Redis transaction was aborted');
    for (const [err] of results) if (err) throw err;
    const count = Number(results[0][1]);
    const ttl = Number(results[2][1]);
    return { count, resetAt: Date.now() + (ttl > 0 ? ttl : windowSeconds * 1000) };
  }

  /** PING under the same short timeout (readiness). */
  async ping(): Promise<void> {
    await withTimeout(this.redis.ping(), 'PING');
  }

  async close(): Promise<void> {
    if (this.redis.status !== 'ready') {
      this.redis.disconnect();
      return;
    }
    await withTimeout(this.redis.quit(), 'QUIT').catch(() => this.redis.disconnect());
  }
}

/** ioredis's commandTimeout covers single commands; a MULTI's EXEC gets the same bound here. */
function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis ${what} timed out after ${REDIS_COMMAND_TIMEOUT_MS} ms`)), REDIS_COMMAND_TIMEOUT_MS);
  });
  promise.catch(() => {}); // the loser of the race must not become an unhandled rejection
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
