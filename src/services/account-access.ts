import { z } from 'zod';
import type { TesseraConfig } from '../config.ts';
import { createExecution } from '../engine/create-execution.ts';
import { markUntrusted } from '../engine/expressions/provenance.ts';
import { mergeMappingLayers } from '../engine/merge-mapping.ts';
import type { EngineServices, Execution } from '../engine/types.ts';
import { errors } from '../errors/catalogue.ts';
import type { Catalog } from '../integrations/catalog.ts';
import type { IntegrationDefinition, MappingConfig } from '../integrations/definition-schema.ts';
import { effectiveIntegration } from '../integrations/effective-integration.ts';
import { annotateRequest, type RequestLogRecord } from '../logger.ts';
import type { IntegratedAccountRecord, Store } from '../store/types.ts';
import { refusal } from './environment-integrations.ts';
import { accountCopy, requestPathCaches, type RequestPathCaches } from './cache/request-path-caches.ts';
import { cacheKey } from './cache/read-through-cache.ts';

/** Built once: a schema per call cost more than the lookup it guards. */
const UUID = z.string().uuid();

export interface AccountAccessDeps {
  store: Store;
  catalog: Catalog;
  engineServices: EngineServices;
  upstream: TesseraConfig['upstream'];
}

/** About the incoming request a call serves: cancellation, idempotency, and its log line. */
export interface CallContext {
  signal?: AbortSignal;
  idempotencyKey?: string;
  log?: RequestLogRecord;
}

/** What one data-plane call runs with. */
export interface ResolvedCall {
  account: IntegratedAccountRecord;
  mapping: MappingConfig;
  exec: Execution;
}

/**
 * The one place that turns (environment, account id, model, resource, method) into what a call
 * runs with: the usable account, the merged mapping and the execution. Unified, proxy, custom,
 * meta and account validation all go through it, so the account rules (docs/contract.md §5.9
 * step 2) and the merge (§12.3) cannot drift apart between them.
 */
export class AccountAccess {
  /**
   * The environment-integration override loaded for an account object (environmentLayer), read by
   * execution() for that same object. Keyed by the object, so it lives exactly as long as the call
   * that loaded it and execution() can stay synchronous for its callers.
   */
  private readonly environmentOverrides = new WeakMap<IntegratedAccountRecord, Record<string, unknown>>();

  /** The rows every data-plane call reads, cached per store (services/cache/); undefined when the store cannot report writes. */
  private readonly caches: RequestPathCaches | undefined;

  constructor(private readonly deps: AccountAccessDeps) {
    this.caches = requestPathCaches(deps.store);
  }

  private environmentIntegration(environmentId: string, integration: string) {
    const rows = this.deps.store.environmentIntegrations;
    if (!this.caches) return rows.get(environmentId, integration);
    return this.caches.environmentIntegrations.get(cacheKey(environmentId, integration), () => rows.get(environmentId, integration));
  }

  /**
   * The account's environment-integration (docs/platform.md): refuses an integration disabled or
   * uninstalled in the account's environment (409), and remembers its override for execution().
   * One indexed lookup per call, on the unique (environment_id, integration) pair.
   */
  async environmentLayer<T extends IntegratedAccountRecord>(account: T): Promise<T> {
    const row = await this.environmentIntegration(account.environment_id, account.integration);
    const refused = refusal(account.integration, account.environment_id, row);
    if (refused) throw errors.integrationDisabled(refused);
    if (row && Object.keys(row.override).length) this.environmentOverrides.set(account, row.override);
    else this.environmentOverrides.delete(account);
    return account;
  }

  /**
   * The integration as an account's calls see it (definition ← environment-integration override ←
   * account override), for the paths that describe or connect an account rather than call it
   * (meta, capabilities, tools, the OAuth flow): no refusal when the integration is disabled.
   */
  async integrationFor(ref: { environment_id: string; integration: string; integration_override?: Record<string, unknown> }): Promise<IntegrationDefinition> {
    const row = await this.environmentIntegration(ref.environment_id, ref.integration);
    return effectiveIntegration(this.integrationOf(ref.integration), ref, row?.override);
  }

  integrationOf(name: string): IntegrationDefinition {
    const def = this.deps.catalog.getIntegration(name);
    if (!def) throw errors.integrationNotFound(`Integration ${name} not found`);
    return def;
  }

  /** The account as stored now (admin paths read it before they change it: never from the cache). */
  async get(environmentId: string, id: string): Promise<IntegratedAccountRecord> {
    if (!UUID.safeParse(id).success) throw errors.accountNotFound(id);
    return inEnvironment(await this.deps.store.getIntegratedAccount(id), environmentId, id);
  }

  /**
   * The account for a data-plane call: from the cache (a write through this process drops it at
   * once; another replica's write is seen within the TTL), as a copy the call may change.
   */
  private async forCall(environmentId: string, id: string): Promise<IntegratedAccountRecord> {
    if (!this.caches) return this.get(environmentId, id);
    if (!UUID.safeParse(id).success) throw errors.accountNotFound(id);
    const cached = await this.caches.accounts.get(id, () => this.deps.store.getIntegratedAccount(id));
    return accountCopy(inEnvironment(cached, environmentId, id));
  }

  /**
   * Resolves and checks the account for a data-plane call (docs/contract.md §5.9 step 2). Its
   * integration goes on the request's log line first, so a blocked or needs_reauth account's
   * refusal is logged with it.
   */
  async usable(environmentId: string, id: string, method: string, log?: RequestLogRecord): Promise<IntegratedAccountRecord> {
    const account = await this.forCall(environmentId, id);
    annotateRequest(log, { integration: account.integration });
    if (account.is_blocked) throw errors.accountBlocked();
    if (account.status === 'needs_reauth') throw errors.needsReauth();
    if (account.is_sandbox && method !== 'list' && method !== 'get') throw errors.methodNotAllowed('Sandbox integrated accounts are read-only');
    return this.environmentLayer(account);
  }

  /**
   * base ← environment ← integrated account (docs/contract.md §12.3). The two override layers are
   * marked untrusted before the merge, so whatever expression of theirs survives it runs in the
   * expression sandbox (engine/expressions/provenance.ts); the bundled layer runs in process.
   */
  async mappingFor(account: IntegratedAccountRecord, model: string, resource: string, method: string): Promise<MappingConfig> {
    const filter = { environment_id: account.environment_id, integration: account.integration, model, resource, method };
    const list = () => this.deps.store.listEnvironmentMappings(filter);
    const [row] = this.caches
      ? await this.caches.environmentMappings.get(cacheKey(account.environment_id, account.integration, model, resource, method), list)
      : await list();
    const accountLayer = ownPath(account.unified_model_override, [model, resource, method]) as Partial<MappingConfig> | undefined;
    const mapping = mergeMappingLayers([
      this.deps.catalog.getMapping(account.integration, model, resource, method),
      markUntrusted(row?.config as Partial<MappingConfig> | undefined),
      markUntrusted(accountLayer),
    ]);
    if (!mapping) throw errors.methodNotSupported(`Method ${method} is not supported for ${model}/${resource} on integration ${account.integration}`);
    return mapping;
  }

  execution(account: IntegratedAccountRecord, req: CallContext = {}): Execution {
    const integration = this.deps.catalog.getIntegration(account.integration);
    if (!integration) throw errors.integrationNotFound(`Integration ${account.integration} is not installed on this server`);
    return createExecution({
      integration: effectiveIntegration(integration, account, this.environmentOverrides.get(account)),
      account,
      services: this.deps.engineServices,
      config: this.deps.upstream,
      signal: req.signal,
      idempotencyKey: req.idempotencyKey,
      log: req.log,
    });
  }

  /** The usable account, its merged mapping and the execution for one unified call. */
  async resolve(environmentId: string, accountId: string, model: string, resource: string, method: string, req: CallContext = {}): Promise<ResolvedCall> {
    const account = await this.usable(environmentId, accountId, method, req.log);
    const mapping = await this.mappingFor(account, model, resource, method);
    return { account, mapping, exec: this.execution(account, req) };
  }
}

/** Another environment's account is "not found", never "forbidden" (docs/contract.md §1.2). */
function inEnvironment(account: IntegratedAccountRecord | undefined, environmentId: string, id: string): IntegratedAccountRecord {
  if (!account || account.environment_id !== environmentId) throw errors.accountNotFound(id);
  return account;
}

/** `value[a][b][c]` through own keys only: names come from URLs, `constructor` must find nothing. */
function ownPath(value: unknown, keys: string[]): unknown {
  let at = value;
  for (const key of keys) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key)) return undefined;
    at = (at as Record<string, unknown>)[key];
  }
  return at;
}
