import type { RequestLogRecord } from '../logger.ts';
import type { TesseraConfig } from '../config.ts';
import type { IntegrationDefinition } from '../integrations/definition-schema.ts';
import type { IntegratedAccountRecord } from '../store/types.ts';
import { compose, httpSender } from '../upstream/http-sender.ts';
import { budgetInterceptor } from '../upstream/interceptors/budget.ts';
import { Deadline, deadlineInterceptor } from '../upstream/interceptors/deadline.ts';
import { retryInterceptor, type RetryDecision } from '../upstream/interceptors/retry.ts';
import { traceInterceptor, type AttemptHook } from '../upstream/interceptors/trace.ts';
import { upstreamSpans } from '../observability/upstream-spans.ts';
import { normalizeRetryAfter, parseRetryAfter } from '../upstream/retry-after.ts';
import type { Send, UpstreamCallRecord, UpstreamResponse } from '../upstream/types.ts';
import { contextViews } from './context.ts';
import { evaluate } from './expressions/evaluate.ts';
import type { EngineServices, Execution } from './types.ts';

const RETRYABLE_STATUSES = new Set([423, 502, 503, 504]);

/** How long the provider asked us to wait, from the integration's rate_limit expressions (the larger of the two). */
export async function classifyRateLimit(integration: IntegrationDefinition, response: UpstreamResponse): Promise<RetryDecision> {
  const rl = integration.rate_limit;
  // Retry-After as delta-seconds whatever form the provider used: expressions such as
  // `$number(headers.retry-after)` would otherwise fail on an HTTP-date.
  const scope = { status: response.status, headers: normalizeRetryAfter(response.headers) };
  const rateLimited = rl?.is_rate_limited
    ? Boolean(await evaluate(rl.is_rate_limited, scope, { label: `${integration.name} rate_limit.is_rate_limited` }))
    : response.status === 429;
  if (!rateLimited && !RETRYABLE_STATUSES.has(response.status)) return { rateLimited: false };
  const waits: number[] = [];
  const retryAfter = rl?.retry_after_header_expression
    ? await evaluate(rl.retry_after_header_expression, scope, { label: `${integration.name} rate_limit.retry_after_header_expression` })
    : scope.headers['retry-after'];
  const retryAfterSeconds = parseRetryAfter(retryAfter);
  if (retryAfterSeconds !== undefined) waits.push(retryAfterSeconds);
  if (rl?.rate_limit_header_expression) {
    const reset = await evaluate(rl.rate_limit_header_expression, scope, { label: `${integration.name} rate_limit.rate_limit_header_expression` });
    if (typeof reset === 'number' && Number.isFinite(reset)) waits.push(Math.max(0, reset - Date.now() / 1000));
  }
  return { rateLimited, waitSeconds: waits.length ? Math.max(...waits) : undefined };
}

export interface ExecutionInput {
  integration: IntegrationDefinition;
  account: IntegratedAccountRecord;
  services: EngineServices;
  config: TesseraConfig['upstream'];
  signal?: AbortSignal;
  idempotencyKey?: string;
  /** The log line of the request this execution serves: its upstream attempts are listed there. */
  log?: RequestLogRecord;
  /** Overrides the innermost sender (tests, benchmarks). */
  transport?: Send;
}

export function createExecution(input: ExecutionInput): Execution {
  const calls: UpstreamCallRecord[] = [];
  const budget = input.integration.rate_limit?.budget;
  // One time budget for all of this request's upstream work (retries and waits included).
  const deadline = new Deadline(input.config.requestBudgetMs);
  const remainingMs = () => deadline.remainingMs();
  const sender =
    input.transport ??
    httpSender({
      timeoutMs: input.config.timeoutMs,
      maxResponseBytes: input.config.maxResponseBytes,
      // The shipped definition's hosts, by name: an account's override never widens them.
      egress: input.services.egress,
      integration: input.integration.name,
      deadline,
    });
  const send = compose(sender, [
    deadlineInterceptor(deadline),
    retryInterceptor({
      maxRetries: input.config.maxRetries,
      maxWaitSeconds: input.config.maxRetryWaitSeconds,
      baseDelayMs: input.config.retryBaseMs,
      retryableStatuses: RETRYABLE_STATUSES,
      classify: (response) => classifyRateLimit(input.integration, response),
      remainingMs,
    }),
    traceInterceptor(calls, observerHook(input)),
    // Innermost: every attempt, retries included, spends the provider's documented budget.
    ...(budget && input.services.budgets
      ? [
          budgetInterceptor({
            budgets: input.services.budgets,
            key: `${input.integration.name}:${input.account.id}`,
            requests: budget.requests,
            perSeconds: budget.per_seconds,
            maxWaitSeconds: input.config.maxRetryWaitSeconds,
            remainingMs,
          }),
        ]
      : []),
    // Around the exchange itself (after any budget wait): a span and its traceparent per attempt, when the request is traced.
    ...upstreamSpans(input.log, input.integration.name, calls),
  ]);
  return {
    integration: input.integration,
    account: input.account,
    ...contextViews(input.account.context, input.services.isSecret),
    send,
    calls,
    services: input.services,
    signal: input.signal,
    idempotencyKey: input.idempotencyKey,
    requestId: input.log?.request_id,
    before: {},
    timeBudget: deadline,
  };
}

/** The engine's observer told of every attempt, with the integration it was for (no account, no secret). */
function observerHook(input: ExecutionInput): AttemptHook | undefined {
  const observer = input.services.observer;
  if (!observer) return undefined;
  return (call, error) => observer.upstreamAttempt({ ...call, integration: input.integration.name, error }, input.log);
}
