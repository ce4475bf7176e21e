import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UpstreamRequest, UpstreamResponse } from '../types.ts';
import { BudgetExhausted, budgetInterceptor, RequestBudgets } from './budget.ts';

test('a budget of 3 per 10 s lets three calls go at once and places the fourth after the first leaves the window', () => {
  let now = 1_000_000;
  const budgets = new RequestBudgets(() => now);
  assert.deepEqual(
    [0, 1, 2].map(() => budgets.reserve('k', 3, 10_000).wait),
    [0, 0, 0],
  );
  now += 4_000;
  assert.equal(budgets.reserve('k', 3, 10_000).wait, 6_000, 'the 4th waits until the 1st is 10 s old');
  assert.equal(budgets.reserve('other', 3, 10_000).wait, 0, 'keys (accounts) have separate budgets');
  now += 6_000;
  assert.equal(budgets.reserve('k', 3, 10_000).wait, 0, 'the window moved on: slots 2 and 3 expired or are the last two');
});

test('the interceptor waits for a slot, and refuses with the time to wait when it is longer than allowed', async () => {
  const budgets = new RequestBudgets();
  const sent: number[] = [];
  const send = budgetInterceptor({ budgets, key: 'acct', requests: 2, perSeconds: 0.3, maxWaitSeconds: 1 })(async () => {
    sent.push(Date.now());
    return { status: 200, headers: {}, body: null } as unknown as UpstreamResponse;
  });
  const req = { method: 'get', url: 'http://x', headers: {}, retryable: true, role: 'main' } as UpstreamRequest;
  const started = Date.now();
  await Promise.all([send(req), send(req), send(req)]);
  assert.equal(sent.length, 3);
  assert.ok(sent[2] - started >= 250, `the third call waited for the window (${sent[2] - started} ms)`);

  const strict = budgetInterceptor({ budgets, key: 'strict', requests: 1, perSeconds: 60, maxWaitSeconds: 1 })(
    async () => ({ status: 200, headers: {}, body: null }) as unknown as UpstreamResponse,
  );
  await strict(req);
  await assert.rejects(strict(req), (e: unknown) => e instanceof BudgetExhausted && e.retryAfterSeconds === 60);
  await assert.rejects(strict(req), (e: unknown) => e instanceof BudgetExhausted, 'a refused call does not take a slot');
});
