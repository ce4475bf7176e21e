import type { TesseraConfig } from '../config.ts';
import type { IntegrationDefinition } from '../integrations/definition-schema.ts';
import type { IntegratedAccountRecord } from '../store/types.ts';
import { compose, httpSender } from '../upstream/http-sender.ts';
import { budgetInterceptor } from '../upstream/interceptors/budget.ts';
import { retryInterceptor, type RetryDecision } from '../upstream/interceptors/retry.ts';
import { traceInterceptor } from '../upstream/interceptors/trace.ts';
import type { Send, UpstreamCallRecord, UpstreamResponse } from '../upstream/types.ts';
import { evaluate } from './expressions/evaluate.ts';
import type { EngineServices, Execution } from './types.ts';

const RETRYABLE_STATUSES = new Set([423, 502, 503, 504]);

/** How long the provider asked us to wait, from the integration's rate_limit expressions (the larger of the two). */
export async function classifyRateLimit(integration: IntegrationDefinition, response: UpstreamResponse): Promise<RetryDecision> {
  const rl = integration.rate_limit;
  const scope = { status: response.status, headers: response.headers };
  const rateLimited = rl?.is_rate_limited
    ? Boolean(await evaluate(rl.is_rate_limited, scope, { label: `${integration.name} rate_limit.is_rate_limited` }))
    : response.status === 429;
  if (!rateLimited && !RETRYABLE_STATUSES.has(response.status)) return { rateLimited: false };
  const waits: number[] = [];
  const retryAfter = rl?.retry_after_header_expression
    ? await evaluate(rl.retry_after_header_expression, scope, { label: `${integration.name} rate_limit.retry_after_header_expression` })
    : Number(response.headers['retry-after']);
  if (typeof retryAfter === 'number' && Number.isFinite(retryAfter) && retryAfter >= 0) waits.push(retryAfter);
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
  /** Overrides the innermost sender (tests, benchmarks). */
  transport?: Send;
}

export function createExecution(input: ExecutionInput): Execution {
  const calls: UpstreamCallRecord[] = [];
  const budget = input.integration.rate_limit?.budget;
  const send = compose(input.transport ?? httpSender(input.config.timeoutMs), [
    retryInterceptor({
      maxRetries: input.config.maxRetries,
      maxWaitSeconds: input.config.maxRetryWaitSeconds,
      baseDelayMs: input.config.retryBaseMs,
      retryableStatuses: RETRYABLE_STATUSES,
      classify: (response) => classifyRateLimit(input.integration, response),
    }),
    traceInterceptor(calls),
    // Innermost: every attempt, retries included, spends the provider's documented budget.
    ...(budget && input.services.budgets
      ? [
          budgetInterceptor({
            budgets: input.services.budgets,
            key: `${input.integration.name}:${input.account.id}`,
            requests: budget.requests,
            perSeconds: budget.per_seconds,
            maxWaitSeconds: input.config.maxRetryWaitSeconds,
          }),
        ]
      : []),
  ]);
  return {
    integration: input.integration,
    account: input.account,
    context: structuredClone(input.account.context),
    send,
    calls,
    services: input.services,
    signal: input.signal,
    idempotencyKey: input.idempotencyKey,
    before: {},
  };
}
