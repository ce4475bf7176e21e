/**
 * The per-request budget of sandboxed (override) evaluation. Each evaluation has its own time
 * box, but a per-record mapping just under its box, run over every record of a page, would still
 * hold a request for records × box: the budget bounds their sum. It is keyed by the request's
 * Execution, so call sites pass `requestBudget(exec)` and nothing else needs to carry it.
 */
export const REQUEST_BUDGET_MS = 2000;

export class ExpressionBudget {
  private spent = 0;
  constructor(readonly totalMs: number = REQUEST_BUDGET_MS) {}

  get remainingMs(): number {
    return Math.max(0, this.totalMs - this.spent);
  }

  spend(ms: number): void {
    this.spent += Math.max(0, ms);
  }

  /** The next page of a listing that follows every page gets the whole budget again (see Deadline.restart). */
  reset(): void {
    this.spent = 0;
  }
}

const budgets = new WeakMap<object, ExpressionBudget>();

/** The budget shared by every sandboxed evaluation made for `owner` (one request's Execution). */
export function requestBudget(owner: object): ExpressionBudget {
  let budget = budgets.get(owner);
  if (!budget) budgets.set(owner, (budget = new ExpressionBudget()));
  return budget;
}
