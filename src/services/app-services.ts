import { createHash, hkdfSync } from 'node:crypto';
import type { TesseraConfig } from '../config.ts';
import { CursorCodec } from '../engine/cursor.ts';
import { MemoryCache } from '../engine/memory-cache.ts';
import { InProcessRefreshLock } from '../engine/oauth2/index.ts';
import type { Cache, EngineServices } from '../engine/types.ts';
import { UnifiedEngine } from '../engine/unified-engine.ts';
import { loadCatalog, type Catalog } from '../integrations/catalog.ts';
import type { Logger } from '../logger.ts';
import { openStore } from '../store/open-store.ts';
import type { SecretBox } from '../store/secret-box.ts';
import { secretKeyPredicate } from '../store/secret-keys.ts';
import type { OverrideRules } from '../integrations/override-secrets.ts';
import type { Store } from '../store/types.ts';
import { MemoryWindowCounter } from '../store/counters/memory-counter.ts';
import { FallbackWindowCounter } from '../store/counters/fallback-counter.ts';
import type { WindowCounter } from '../store/counters/window-counter.ts';
import { EgressPolicy } from '../upstream/egress-policy.ts';
import { RequestBudgets } from '../upstream/interceptors/budget.ts';
import { AccountAccess } from './account-access.ts';
import { ApiTokensService } from './api-tokens.ts';
import { EnvironmentIntegrationsService } from './environment-integrations.ts';
import { EnvironmentsService } from './environments.ts';
import { AccountTokensService } from './account-tokens.ts';
import { DiscoveryService } from './discovery.ts';
import { IntegratedAccountsService, secretFieldNames } from './integrated-accounts.ts';
import { ConnectAccountService } from './connect-account.ts';
import { LinkTokensService } from './link-tokens.ts';
import { ProxyService } from './proxy.ts';
import { Readiness } from './readiness.ts';
import { startLogRetention } from './request-log-retention.ts';
import { RequestLogWriter } from './request-log-writer.ts';
import { EnvironmentMappingsService } from './environment-mappings.ts';
import { UnifiedService } from './unified.ts';
import { BatchService } from './batch/run.ts';
import { ToolsService } from './tools.ts';
import { createWebhookSystem, type WebhookSystem } from './webhooks/webhook-system.ts';

/** The composition root: every long-lived part of a running Tessera, built once. */
export interface AppServices {
  config: TesseraConfig;
  logger: Logger;
  store: Store;
  box: SecretBox;
  catalog: Catalog;
  cache: Cache;
  cursors: CursorCodec;
  engine: UnifiedEngine;
  engineServices: EngineServices;
  access: AccountAccess;
  accounts: IntegratedAccountsService;
  /** GET/PATCH /environment, /api-token, /environment-integration (docs/platform.md). */
  environments: EnvironmentsService;
  apiTokens: ApiTokensService;
  environmentIntegrations: EnvironmentIntegrationsService;
  accountTokens: AccountTokensService;
  /** POST /link-token and the hosted connect page (docs/connect.md). */
  linkTokens: LinkTokensService;
  connectAccount: ConnectAccountService;
  discovery: DiscoveryService;
  unified: UnifiedService;
  proxy: ProxyService;
  /** POST /batch-request (docs/batch.md). */
  batch: BatchService;
  /** GET /integrated-account/{id}/tools and the account's MCP endpoint (docs/tools.md). */
  tools: ToolsService;
  environmentMappings: EnvironmentMappingsService;
  /** Counters of Tessera's own rate limits (docs/contract.md §9). */
  rateLimiter: WindowCounter;
  /** Where upstream calls may go (TESSERA_UPSTREAM_ALLOW and the definitions' hosts); the sandbox adds its simulators. */
  egress: EgressPolicy;
  /** GET /ready's checks, and the draining flag the server sets on SIGTERM. */
  readiness: Readiness;
  /** /webhook, account events into the delivery outbox, and its worker (docs/webhooks.md); the server starts and stops the worker. */
  webhooks: WebhookSystem;
  /** Persisted request logs (GET /log, docs/logs.md): buffered off the request path, flushed in batches. */
  requestLogs: RequestLogWriter;
  close(): Promise<void>;
}

export async function createAppServices(config: TesseraConfig, logger: Logger, catalog: Catalog = loadCatalog()): Promise<AppServices> {
  // Before anything opens: an invalid TESSERA_UPSTREAM_ALLOW stops the start.
  const egress = new EgressPolicy({ allow: config.upstream.allow, integrations: catalog.integrations.values() });
  const isSecret = secretKeyPredicate(secretFieldNames(catalog));
  const { store, box, key } = await openStore(config, logger, isSecret);
  // One secret configures both: the cursor key is derived from the encryption key unless set apart.
  const cursorSecret = config.cursorSecret
    ? createHash('sha256').update(config.cursorSecret).digest()
    : Buffer.from(hkdfSync('sha256', Buffer.from(key, 'base64'), 'tessera', 'next_cursor', 32));
  const cache = new MemoryCache();
  // Redis is never waited for: a replica starts while it is down and counts in memory until it returns.
  // ioredis is imported only when Redis is configured: a single replica never loads it.
  const redis = config.redisUrl ? await import('../store/counters/redis-counter.ts') : undefined;
  const redisCounter = redis ? new FallbackWindowCounter(new redis.RedisWindowCounter(config.redisUrl!).start(), logger) : undefined;
  const rateLimiter: WindowCounter = redisCounter ?? new MemoryWindowCounter();
  const webhooks = createWebhookSystem(config, { store, catalog, logger });
  const readiness = new Readiness({ store, box, redis: redisCounter });
  const cursors = new CursorCodec(cursorSecret);
  const accountLocks = new InProcessRefreshLock();
  const writeContext = async (accountId: string, patch: Record<string, unknown>) => {
    const account = await store.getIntegratedAccount(accountId);
    if (account) await store.updateIntegratedAccount(accountId, { context: { ...account.context, ...patch } });
  };
  const engineServices: EngineServices = {
    cache,
    isSecret,
    budgets: new RequestBudgets(),
    egress,
    logger,
    // Under the account lock, so a step's write and a token refresh never undo each other.
    persistContext: (accountId, patch) => engineServices.withAccountLock(accountId, () => writeContext(accountId, patch)),
    persistContextUnderLock: (accountId, patch) => writeContext(accountId, patch),
    async markNeedsReauth(accountId, message, requestId) {
      const updated = await store.updateIntegratedAccount(accountId, { status: 'needs_reauth', last_error: message });
      if (updated) await webhooks.events.account('integrated_account:authentication_error', updated);
      logger.warn({ request_id: requestId, integrated_account_id: accountId }, 'Integrated account needs re-authentication');
    },
    loadAccount: (accountId) => store.getIntegratedAccount(accountId),
    // In-process first, so one process holds at most one database lock per account.
    withAccountLock: (accountId, fn) => accountLocks.withLock(accountId, () => store.withLock(`tessera:account:${accountId}`, fn)),
  };
  // Each service gets what it uses, built bottom-up: no service sees this bag.
  const engine = new UnifiedEngine(cursors, config.pageLimits, Date.now, config.recordIndex);
  const access = new AccountAccess({ store, catalog, engineServices, upstream: config.upstream });
  // Overrides are written by API-token holders: they may not read credentials nor move them to another host.
  const overrideRules: OverrideRules = { isSecret, hostAllowed: (url) => egress.checkUrl(url).allowed };
  const requestLogs = new RequestLogWriter(store.requestLogs, logger, { enabled: config.logRetentionDays > 0 });
  const logRetention = startLogRetention(store.requestLogs, config.logRetentionDays, logger);
  const accounts = new IntegratedAccountsService({ store, catalog, access, overrideRules, events: webhooks.events });
  const linkTokens = new LinkTokensService({ store, catalog, accounts, publicUrl: config.publicUrl });
  const discovery = new DiscoveryService({ catalog, store, access });
  const unified = new UnifiedService({ access, engine });
  const proxy = new ProxyService({ access, cursors });
  return {
    config,
    logger,
    store,
    box,
    catalog,
    cache,
    cursors,
    engineServices,
    engine,
    access,
    accounts,
    environments: new EnvironmentsService({ store }),
    apiTokens: new ApiTokensService({ store }),
    environmentIntegrations: new EnvironmentIntegrationsService({
      store,
      catalog,
      overrideRules,
      deleteAccount: (environmentId, id) => accounts.delete(environmentId, id),
    }),
    accountTokens: new AccountTokensService({ store, access }),
    linkTokens,
    connectAccount: new ConnectAccountService({ linkTokens, accounts, box, oauth: { accounts, box, publicUrl: config.publicUrl } }),
    discovery,
    unified,
    proxy,
    batch: new BatchService({ access, unified, proxy, logger }),
    tools: new ToolsService({ catalog, access, discovery }),
    environmentMappings: new EnvironmentMappingsService({ store, catalog, overrideRules }),
    rateLimiter,
    egress,
    readiness,
    webhooks,
    requestLogs,
    close: async () => {
      // First: the worker's sends in progress finish and are recorded while the store is open.
      await webhooks.close();
      // After the drain (main.ts): the last requests' log rows, before the store closes.
      await logRetention.stop();
      await requestLogs.close();
      await egress.close();
      await rateLimiter.close();
      await store.close();
    },
  };
}
