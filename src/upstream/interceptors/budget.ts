import { setTimeout as sleep } from 'node:timers/promises';
import type { Interceptor } from '../types.ts';

/**
 * A provider's documented request budget (e.g. 20 requests per minute per team), kept
 * by spacing our own calls instead of spending the provider's patience on 429s. One sliding
 * window of send times per key (integration and account), shared by every request of the process.
 */
export class RequestBudgets {
  private readonly sent = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Takes the next slot under `key` that fits the budget: `wait` ms from now (0: go now), at
   * epoch ms `at`.
   */
  reserve(key: string, requests: number, perMs: number): { wait: number; at: number } {
    const now = this.now();
    const times = (this.sent.get(key) ?? []).filter((t) => t > now - perMs);
    const wait = Math.max(0, times.length < requests ? 0 : times[times.length - requests] + perMs - now);
    times.push(now + wait);
    this.sent.set(key, times);
    return { wait, at: now + wait };
  }

  /** Gives back a slot that was reserved but will not be used (the caller gave up waiting). */
  release(key: string, at: number): void {
    const times = this.sent.get(key);
    const i = times?.lastIndexOf(at) ?? -1;
    if (times && i >= 0) times.splice(i, 1);
  }
}

/** Thrown when the budget cannot fit the call within the wait we may take. */
export class BudgetExhausted extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super(`The provider's request budget for this account is spent; retry in ${retryAfterSeconds} s`);
  }
}

export interface BudgetPolicy {
  budgets: RequestBudgets;
  key: string;
  requests: number;
  perSeconds: number;
  /** Longer waits are not slept through: the caller gets a 429 with Retry-After instead. */
  maxWaitSeconds: number;
  /** What is left of the request's time budget: a longer wait is refused now, with Retry-After. */
  remainingMs?: () => number;
}

export function budgetInterceptor(policy: BudgetPolicy): Interceptor {
  const perMs = policy.perSeconds * 1000;
  return (next) => async (request) => {
    const { wait, at } = policy.budgets.reserve(policy.key, policy.requests, perMs);
    if (wait > policy.maxWaitSeconds * 1000 || (policy.remainingMs && wait >= policy.remainingMs())) {
      policy.budgets.release(policy.key, at);
      throw new BudgetExhausted(Math.ceil(wait / 1000));
    }
    if (wait > 0) await sleep(wait, undefined, { signal: request.signal });
    return next(request);
  };
}
