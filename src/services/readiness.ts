import { checkEncryptionCanary, type CanaryState } from '../store/canary.ts';
import type { FallbackWindowCounter } from '../store/counters/fallback-counter.ts';
import type { SecretBox } from '../store/secret-box.ts';
import type { Store } from '../store/types.ts';

/** Each check's answer: "ok", or what is wrong. */
export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, string>;
}

/** `key_rotation`, reported only while TESSERA_ENCRYPTION_KEY_PREVIOUS is set. */
export const ROTATION_PENDING = 'pending: data sealed with a previous key remains; run keys rotate';
// Not "done": the canary is under the current key also before any rotation ran (the first step of
// a rollout across replicas), and a replica still sealing with an old key may write after it.
export const ROTATION_DONE =
  'canary under the current key: TESSERA_ENCRYPTION_KEY_PREVIOUS can go once every replica has the new key and keys rotate reports nothing to re-seal';

/** One check may take this long; a hung database must not hang the probe too (the balancer would time out and guess). */
export const CHECK_TIMEOUT_MS = 2_000;

/**
 * What GET /ready answers: can this replica serve requests now? The database answers a trivial
 * query, the newest migration has run, a configured key opens the encryption canary, the replica
 * is not draining. While TESSERA_ENCRYPTION_KEY_PREVIOUS is set, `key_rotation` says whether
 * `keys rotate` has finished (it re-seals the canary last); it never makes the replica unready.
 * Redis is reported but never makes the replica unready either: without it the limits are
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

  /** The probe running now: /ready is public and never queued, so a flood of it shares one probe. */
  private inFlight?: Promise<ReadinessReport>;

  check(): Promise<ReadinessReport> {
    this.inFlight ??= this.probe().finally(() => (this.inFlight = undefined));
    // Draining is read after the probe, so a SIGTERM during a shared probe still shows.
    return this.inFlight.then(({ checks }) => {
      const withDrain = this.draining ? { ...checks, draining: 'shutting down' } : checks;
      const ok = checks.database === 'ok' && checks.migrations === 'ok' && checks.encryption_key === 'ok';
      return { ready: ok && !this.draining, checks: withDrain };
    });
  }

  private async probe(): Promise<ReadinessReport> {
    const { store, box, redis } = this.deps;
    let canary: CanaryState | undefined;
    const [database, migrations, encryptionKey] = await Promise.all([
      this.run(() => store.ping()),
      this.run(() => store.checkHealth()),
      this.run(async () => {
        canary = await checkEncryptionCanary(store, box);
      }),
    ]);
    const checks: Record<string, string> = { database, migrations, encryption_key: encryptionKey };
    // Informational, never a reason to be unready: the replica reads old and new values alike.
    if (box.previousKeyIds.length && canary) checks.key_rotation = canary === 'current' ? ROTATION_DONE : ROTATION_PENDING;
    if (redis) checks.redis = (await redis.check()).detail;
    return { ready: database === 'ok' && migrations === 'ok' && encryptionKey === 'ok', checks };
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
