/**
 * What a write through this Store changed, told to whoever caches rows of it in this process
 * (src/services/cache/): every write method of the store names its table, so no service has to
 * remember to invalidate. Other replicas on the same database do not hear it; their caches keep a
 * row at most their TTL (docs/decisions.md "Caches on the request path").
 */
export type StoreChange =
  /** Any API token or integrated-account token created or deleted (deletions do not know the hash). */
  | { table: 'api_tokens' }
  | { table: 'integrated_accounts'; id: string }
  | { table: 'environment_integrations'; environment_id: string; integration: string }
  /** Environment mapping overrides: created, updated or deleted (an update by id does not know its environment). */
  | { table: 'environment_mappings' };

export type StoreChangeListener = (change: StoreChange) => void;

export class StoreChanges {
  private readonly listeners = new Set<StoreChangeListener>();

  /** Returns the unsubscribe. */
  on(listener: StoreChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Told after the write landed; a listener's failure never fails the write. */
  emit(change: StoreChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // A cache that cannot drop an entry still expires it at its TTL.
      }
    }
  }
}
