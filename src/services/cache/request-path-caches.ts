import type { EnvironmentIntegrationRecord } from '../../store/environment-integration-rows.ts';
import type { ApiTokenRecord, EnvironmentMappingRecord, IntegratedAccountRecord, Store } from '../../store/types.ts';
import { cacheKey, ReadThroughCache } from './read-through-cache.ts';

/**
 * How long a replica may serve a row another replica has changed (docs/decisions.md "Caches on the
 * request path"). Writes made through this process are seen at once: the store tells the caches.
 */
export const REQUEST_PATH_CACHE_TTL_MS = 5_000;

/**
 * The rows every data-plane call reads before it can reach the provider: the API token behind the
 * Bearer secret, the integrated account with its decrypted context, and its environment's
 * integration row and mapping overrides. One set per Store (per running Tessera), emptied entry by
 * entry as the store reports writes (store/store-changes.ts).
 */
export interface RequestPathCaches {
  /** Token hash → the token row (not yet checked: expiry is checked on every call). */
  tokens: ReadThroughCache<ApiTokenRecord | undefined>;
  /** Account id → the account as the store opens it. Shared: hand out copies (accountCopy). */
  accounts: ReadThroughCache<IntegratedAccountRecord | undefined>;
  /** (environment, integration) → its row, or none (the default: installed, enabled, no override). */
  environmentIntegrations: ReadThroughCache<EnvironmentIntegrationRecord | undefined>;
  /** (environment, integration, model, resource, method) → the environment's mapping overrides. */
  environmentMappings: ReadThroughCache<EnvironmentMappingRecord[]>;
}

const byStore = new WeakMap<Store, RequestPathCaches | null>();

/** The store's caches, or undefined for a store that does not report its writes (it is never cached). */
export function requestPathCaches(store: Store): RequestPathCaches | undefined {
  const known = byStore.get(store);
  if (known !== undefined) return known ?? undefined;
  if (!store.changes) {
    byStore.set(store, null);
    return undefined;
  }
  const ttlMs = REQUEST_PATH_CACHE_TTL_MS;
  const caches: RequestPathCaches = {
    tokens: new ReadThroughCache({ max: 10_000, ttlMs }),
    accounts: new ReadThroughCache({ max: 10_000, ttlMs }),
    environmentIntegrations: new ReadThroughCache({ max: 10_000, ttlMs, cacheMisses: true }),
    environmentMappings: new ReadThroughCache({ max: 10_000, ttlMs }),
  };
  store.changes.on((change) => {
    switch (change.table) {
      // Deleting a token does not tell its hash; tokens change rarely, so all go.
      case 'api_tokens':
        return caches.tokens.clear();
      case 'integrated_accounts':
        return caches.accounts.delete(change.id);
      case 'environment_integrations':
        return caches.environmentIntegrations.delete(cacheKey(change.environment_id, change.integration));
      case 'environment_mappings':
        return caches.environmentMappings.clear();
    }
  });
  byStore.set(store, caches);
  return caches;
}

/**
 * A copy of a cached account a call may change as it likes: services attach per-call state to the
 * object (AccountAccess.environmentOverrides) and the engine patches its context.
 */
export function accountCopy(account: IntegratedAccountRecord): IntegratedAccountRecord {
  return structuredClone(account);
}
