import type { IntegrationDefinition } from '../integrations/definition-schema.ts';
import type { Logger, RequestLogRecord } from '../logger.ts';
import type { EgressPolicy } from '../upstream/egress-policy.ts';
import type { RequestBudgets } from '../upstream/interceptors/budget.ts';
import type { IntegratedAccountRecord } from '../store/types.ts';
import type { Send, UpstreamCallRecord, UpstreamRequest, UpstreamResponse } from '../upstream/types.ts';

/** A short-lived cache for data that is safe to reuse across requests (never user lists). */
export interface Cache {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, ttlSeconds: number): Promise<void>;
}

/** One attempt of an upstream call, as the trace interceptor saw it. */
export interface UpstreamAttempt extends UpstreamCallRecord {
  integration: string;
  /** Why the attempt has no status: `timeout`, `network`, or the sender's refusal code. */
  error?: string;
}

/**
 * Told what the engine does, for metrics and the request log (http/request-log.ts installs it).
 * Never given credentials: attempts carry URLs as sent, which the observer must redact.
 */
export interface EngineObserver {
  /** `log`: the line of the request the attempt was made for, when there is one (ExecutionInput.log). */
  upstreamAttempt(attempt: UpstreamAttempt, log?: RequestLogRecord): void;
  tokenRefresh(integration: string, outcome: 'success' | 'failure'): void;
}

/** What the engine may ask of the layers around it, without knowing them. */
export interface EngineServices {
  cache: Cache;
  /** Which context keys are secrets: they reach the request builder only (docs/security.md). */
  isSecret: (key: string) => boolean;
  /** Providers' documented request budgets, per account, shared by every request of the process. */
  budgets?: RequestBudgets;
  /** Where upstream calls may go (upstream/egress-policy.ts): the sender and the OAuth token client use it. */
  egress: EgressPolicy;
  logger: Logger;
  /** Metrics and request logs; absent when nothing observes (the CLI, bootstrap). */
  observer?: EngineObserver;
  /** Persist keys discovered by `update_context` steps (top-level keys of `patch` replace the stored ones). */
  persistContext(accountId: string, patch: Record<string, unknown>): Promise<void>;
  /** persistContext for a caller that already holds withAccountLock (the lock is not re-entrant). */
  persistContextUnderLock(accountId: string, patch: Record<string, unknown>): Promise<void>;
  /** A provider rejected the credentials: the account needs re-authentication. */
  markNeedsReauth(accountId: string, message: string, requestId?: string): Promise<void>;
  /** The account as stored now (another request or process may have changed it since this one loaded it). */
  loadAccount(accountId: string): Promise<IntegratedAccountRecord | undefined>;
  /**
   * Runs `fn` while holding the account's credentials lock: one holder at a time in this process
   * and, on a shared database, across processes (docs/oauth2.md).
   */
  withAccountLock<T>(accountId: string, fn: () => Promise<T>): Promise<T>;
}

/** Everything one incoming request's upstream work shares. */
export interface Execution {
  integration: IntegrationDefinition;
  account: IntegratedAccountRecord;
  /**
   * The account's context as mappings, steps, error messages and debug output see it: the
   * stored one without its secrets. Steps may add to it (engine/context.ts applyContextPatch).
   */
  context: Record<string, unknown>;
  /**
   * The whole context, secrets included, for the request builder only: the shipped definition's
   * placeholders and authorization (resource-call.ts) and the OAuth2 token flow. Never an
   * expression's input.
   */
  credentials: Record<string, unknown>;
  send: Send;
  calls: UpstreamCallRecord[];
  /** The last main data call, for the `debug` envelope. */
  lastMain?: { request: UpstreamRequest; response: UpstreamResponse };
  services: EngineServices;
  signal?: AbortSignal;
  idempotencyKey?: string;
  /** The id of the HTTP request this execution serves, for the log lines written while it runs. */
  requestId?: string;
  /** Results of steps, by name and in order. */
  before: Record<string, unknown>;
  /** The request's time budget for upstream work (TESSERA_UPSTREAM_REQUEST_BUDGET_MS). */
  timeBudget: { restart(): void };
  /** Whether integration-level `before` steps already ran for this request. */
  integrationStepsDone?: boolean;
}

/** One unified request as the engine runs it. */
export interface UnifiedCall {
  model: string;
  resource: string;
  method: string;
  id?: string;
  body?: unknown;
  /** Coerced query without integrated_account_id, next_cursor, truto_* and remote_query. */
  query: Record<string, unknown>;
  rawQuery: Record<string, unknown>;
  remoteQuery?: Record<string, unknown>;
  limit?: number;
  nextCursor?: string;
  skipApiCall?: boolean;
  /** Read the provider even when the record index holds the record (debug output shows the calls). */
  bypassIndex?: boolean;
}

export interface MappedRecord {
  unified: Record<string, unknown>;
  raw: unknown;
}
