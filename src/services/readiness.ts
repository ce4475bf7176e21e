import { checkEncryptionCanary } from '../store/canary.ts';
import type { FallbackWindowCounter } from '../store/counters/fallback-counter.ts';
import type { SecretBox } from '../store/secret-box.ts';
import type { Store } from '../store/types.ts';

/** Each check's answer: "ok", or what is wrong. */
export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, string>;
}

/** One check may take this long; a hung database must not hang the probe too (the balancer would time out and guess). */
export const CHECK_TIMEOUT_MS = 2_000;

/**
 * What GET /ready answers: can this replica serve requests now? The database answers a trivial
 * query, the newest migration has run, the running key opens the encryption canary, the replica is
 * not draining. Redis is reported but never makes the replica unready: without it the limits are
 * counted in memory and every request is still served (docs/decisions.md), while taking every
 * replica out of rotation because Redis is down would turn a limiter outage into a full one.
 */
export class Readiness {
  /** Set when the server starts draining (SIGTERM): balancers should stop sending new requests. */
  draining = false;

  constructor(
    private readonly deps: { store: Store; box: SecretBox; redis?: FallbackWindowCounter },
    private readonly timeoutMs = CHECK_TIMEOUT_MS,
  ) {}

  async check(): Promise<ReadinessReport> {
    const { store, box, redis } = this.deps;
    const [database, migrations, encryptionKey] = await Promise.all([
      this.run(() => store.ping()),
      this.run(() => store.checkHealth()),
      this.run(() => checkEncryptionCanary(store, box)),
    ]);
    const checks: Record<string, string> = { database, migrations, encryption_key: encryptionKey };
    if (redis) checks.redis = (await redis.check()).detail;
    if (this.draining) checks.draining = 'shutting down';
    const ready = database === 'ok' && migrations === 'ok' && encryptionKey === 'ok' && !this.draining;
    return { ready, checks };
  }

  private async run(fn: () => Promise<void>): Promise<string> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        fn(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
        }),
      ]);
      return 'ok';
    } catch (e) {
      return `failed: ${(e as Error).message}`;
    } finally {
      clearTimeout(timer);
    }
  }
}
