import type { Logger } from '../logger.ts';
import type { RequestLogRows } from '../store/request-log-rows.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface LogRetention {
  /** One prune now; resolves to the number of rows deleted (0 when it failed: the next run retries). */
  run(): Promise<number>;
  /** No more runs; waits for one in progress, so the store can close after it. */
  stop(): Promise<void>;
}

/**
 * TESSERA_LOG_RETENTION_DAYS (docs/logs.md): rows older than that are deleted once at start and
 * then every hour. Every replica prunes; a delete that finds nothing is cheap (the created_at
 * index). With 0 days nothing is written, and nothing is pruned.
 */
export function startLogRetention(rows: RequestLogRows, days: number, logger: Logger, everyMs = HOUR_MS): LogRetention {
  let running: Promise<number> | undefined;
  const prune = async (): Promise<number> => {
    const before = new Date(Date.now() - days * DAY_MS).toISOString();
    try {
      const deleted = await rows.prune(before);
      if (deleted > 0) logger.info({ deleted, before }, 'request logs pruned');
      return deleted;
    } catch (e) {
      // The next run tries again; a store that is down is reported by /ready, not here.
      logger.warn({ err: { message: (e as Error).message } }, 'pruning request logs failed');
      return 0;
    }
  };
  const run = () => {
    if (days <= 0) return Promise.resolve(0);
    running ??= prune().finally(() => (running = undefined));
    return running;
  };
  if (days <= 0) return { run, stop: async () => {} };
  void run();
  const timer = setInterval(() => void run(), everyMs);
  timer.unref();
  return {
    run,
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
