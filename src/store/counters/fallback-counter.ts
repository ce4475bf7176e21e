import type { Logger } from '../../logger.ts';
import { MemoryWindowCounter } from './memory-counter.ts';
import type { RedisWindowCounter } from './redis-counter.ts';
import type { WindowCounter, WindowHit } from './window-counter.ts';

/**
 * Redis counters that never fail a request: when Redis errors or times out, the hit is counted in
 * this process's memory instead (limits per replica rather than shared, not none), and the next
 * request tries Redis again. An outage is logged once when it starts and once when it ends, not
 * per request: a down Redis under load would otherwise flood the logs.
 */
export class FallbackWindowCounter implements WindowCounter {
  private readonly memory = new MemoryWindowCounter();
  private outageSince: number | undefined;

  constructor(
    private readonly redis: Pick<RedisWindowCounter, 'hit' | 'ping' | 'close'>,
    private readonly logger: Pick<Logger, 'warn' | 'info'>,
  ) {}

  /** True while hits are being counted in memory. */
  get degraded(): boolean {
    return this.outageSince !== undefined;
  }

  async hit(key: string, windowSeconds: number): Promise<WindowHit> {
    try {
      const hit = await this.redis.hit(key, windowSeconds);
      if (this.outageSince !== undefined) {
        this.logger.info({ outage_ms: Date.now() - this.outageSince }, 'Redis is back; rate-limit counters shared again');
        this.outageSince = undefined;
      }
      return hit;
    } catch (e) {
      if (this.outageSince === undefined) {
        this.outageSince = Date.now();
        this.logger.warn(
          { err: { message: (e as Error).message } },
          'Redis (TESSERA_REDIS_URL) unavailable; rate limits counted in memory per replica until it returns',
        );
      }
      return this.memory.hit(key, windowSeconds);
    }
  }

  /** For /ready: "ok", or why the limits are in memory. Never throws. */
  async check(): Promise<{ ok: boolean; detail: string }> {
    try {
      await this.redis.ping();
      return { ok: true, detail: 'ok' };
    } catch (e) {
      return { ok: false, detail: `unavailable (limits in memory): ${(e as Error).message}` };
    }
  }

  async close(): Promise<void> {
    await this.redis.close();
    await this.memory.close();
  }
}
