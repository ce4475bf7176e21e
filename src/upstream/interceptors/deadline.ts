import { errors, type TesseraError } from '../../errors/catalogue.ts';
import type { Interceptor } from '../types.ts';

/**
 * One incoming request's total time for upstream work (TESSERA_UPSTREAM_REQUEST_BUDGET_MS):
 * every attempt, retry, backoff and rate-limit wait of every call it makes comes out of it, so a
 * hanging provider is answered within the budget instead of after timeout × retries.
 */
export class Deadline {
  at: number;
  /** Aborts when the budget is spent: passed to every wait and fetch. */
  signal: AbortSignal;

  constructor(
    readonly budgetMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.at = now() + budgetMs;
    this.signal = AbortSignal.timeout(budgetMs);
  }

  /**
   * A fresh budget for the next page of a listing that follows every page (`stream`,
   * `truto_ignore_limit`): such a listing is long by design, and what the budget bounds is how
   * long any one page may keep the client waiting.
   */
  restart(): void {
    this.at = this.now() + this.budgetMs;
    this.signal = AbortSignal.timeout(this.budgetMs);
  }

  remainingMs(): number {
    return Math.max(0, this.at - this.now());
  }

  get spent(): boolean {
    return this.signal.aborted || this.remainingMs() <= 0;
  }

  error(): TesseraError {
    return errors.upstreamTimeBudgetSpent(
      `The upstream did not finish within this request's time budget of ${this.budgetMs} ms (retries and waits included); ` +
        'retry later or ask for less, or raise TESSERA_UPSTREAM_REQUEST_BUDGET_MS',
    );
  }
}

/**
 * Outermost interceptor: no call starts once the budget is spent, every wait and fetch below is
 * aborted when it runs out, and whatever that abort surfaces as becomes the one coded 504.
 */
export function deadlineInterceptor(deadline: Deadline): Interceptor {
  return (next) => async (request) => {
    if (deadline.spent) throw deadline.error();
    const signal = request.signal ? AbortSignal.any([request.signal, deadline.signal]) : deadline.signal;
    try {
      return await next({ ...request, signal });
    } catch (e) {
      // The client going away is not a budget problem: its abort goes up as it is.
      if (deadline.spent && !request.signal?.aborted) throw deadline.error();
      throw e;
    }
  };
}
