import { Redis } from 'ioredis';
import type { WindowCounter, WindowHit } from './window-counter.ts';

/**
 * Counters shared by every replica through Redis: INCR, an expiry set only by the window's first
 * request (PEXPIRE … NX, Redis ≥ 7), and the time left, in one round trip.
 */
export class RedisWindowCounter implements WindowCounter {
  private readonly redis: Redis;

  constructor(
    url: string,
    readonly prefix = 'tessera:rl:',
  ) {
    // One retry, then fail: the rate-limit middleware lets requests through when Redis is down.
    this.redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    // Connection errors surface where they matter (connect, hit); ioredis would also print each
    // reconnect attempt as an "unhandled error event".
    this.redis.on('error', () => {});
  }

  /** Fails, and stops reconnecting, when Redis is not reachable at start-up. */
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
    const results = await this.redis
      .multi()
      .incr(redisKey)
      .pexpire(redisKey, windowSeconds * 1000, 'NX')
      .pttl(redisKey)
      .exec();
    if (!results) throw new Error('Redis transaction was aborted');
    for (const [err] of results) if (err) throw err;
    const count = Number(results[0][1]);
    const ttl = Number(results[2][1]);
    return { count, resetAt: Date.now() + (ttl > 0 ? ttl : windowSeconds * 1000) };
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
