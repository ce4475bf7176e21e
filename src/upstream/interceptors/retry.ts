import { setTimeout as sleep } from 'node:timers/promises';
import { UpstreamNetworkError, type Interceptor, type UpstreamResponse } from '../types.ts';

export interface RetryDecision {
  /** The provider throttled us (per the integration's rate_limit expressions, or a 429). */
  rateLimited: boolean;
  /** Seconds the provider asked us to wait, if it said. */
  waitSeconds?: number;
}

export interface RetryPolicy {
  maxRetries: number;
  /** Longer waits than this are not slept through: the caller gets a 429 with Retry-After instead. */
  maxWaitSeconds: number;
  baseDelayMs: number;
  classify(response: UpstreamResponse): Promise<RetryDecision>;
  retryableStatuses: Set<number>;
  /** What is left of the request's time budget: a wait that would outlast it is not started. */
  remainingMs?: () => number;
}

/** Thrown when retrying cannot help: the provider wants a longer pause than we may take. */
export class RetryExhausted extends Error {
  constructor(
    readonly response: UpstreamResponse,
    readonly retryAfterSeconds: number,
  ) {
    super('Upstream rate limit outlasts the retry budget');
  }
}

/**
 * Retries idempotent calls on throttling (honouring the provider's wait), on 423/502/503/504 and
 * on network failures, with full-jitter exponential backoff when the provider names no wait. A 2xx
 * is returned as it is, unclassified.
 */
export function retryInterceptor(policy: RetryPolicy): Interceptor {
  return (next) => async (request) => {
    for (let attempt = 0; ; attempt++) {
      let response: UpstreamResponse | undefined;
      let failure: unknown;
      try {
        response = await next(request);
      } catch (e) {
        if (!(e instanceof UpstreamNetworkError)) throw e;
        failure = e;
      }
      const backoff = () => Math.random() * policy.baseDelayMs * 2 ** attempt;
      let waitMs: number;
      if (response) {
        // A success is never throttling nor retryable: the integration's rate_limit expressions
        // (is_rate_limited, its waits) are evaluated only on the answers that could be.
        if (response.status >= 200 && response.status < 300) return response;
        const decision = await policy.classify(response);
        if (!decision.rateLimited && !policy.retryableStatuses.has(response.status)) return response;
        waitMs = decision.waitSeconds !== undefined ? decision.waitSeconds * 1000 : backoff();
        if (!request.retryable || attempt >= policy.maxRetries) {
          if (decision.rateLimited) throw new RetryExhausted(response, Math.max(1, Math.ceil(waitMs / 1000)));
          return response;
        }
        if (waitMs > policy.maxWaitSeconds * 1000) throw new RetryExhausted(response, Math.ceil(waitMs / 1000));
        // Waiting past the deadline only to fail: hand back what the provider said instead.
        if (policy.remainingMs && waitMs >= policy.remainingMs()) {
          if (decision.rateLimited) throw new RetryExhausted(response, Math.max(1, Math.ceil(waitMs / 1000)));
          return response;
        }
      } else {
        if (!request.retryable || attempt >= policy.maxRetries) throw failure;
        waitMs = backoff();
        if (policy.remainingMs && waitMs >= policy.remainingMs()) throw failure;
      }
      await sleep(waitMs, undefined, { signal: request.signal });
    }
  };
}
