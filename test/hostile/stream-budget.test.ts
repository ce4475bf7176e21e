import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestStack, simulatorOrigin, type TestStack } from '../helpers/stack.ts';

/**
 * The request time budget bounds how long one page keeps a client waiting, not how long a
 * listing that follows every page may run: a `stream` whose pages each fit the budget streams to
 * the end even when all of them together take several budgets.
 */
const BUDGET_MS = 800;
const PAGE_DELAY_MS = 300;
let stack: TestStack;

before(async () => {
  stack = await startTestStack({ TESSERA_UPSTREAM_REQUEST_BUDGET_MS: String(BUDGET_MS) });
});
after(() => stack.close());

test('a stream of slow pages outlasts the request budget page by page', async () => {
  const account = stack.accounts['github-copilot'];
  const sim = simulatorOrigin(stack.simulators['github-copilot']);
  const all = await stack.api(`/unified/usage-metering/users?integrated_account_id=${account}&truto_ignore_limit=true`);
  assert.equal(all.status, 200);
  const expected = ((await all.json()) as { result: unknown[] }).result.length;
  const fault = await fetch(`${sim}/__sim/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ path: '/*/*/copilot/billing/seats', delay_ms: PAGE_DELAY_MS, count: 1000 }),
  });
  assert.ok(fault.ok, await fault.text());
  try {
    const started = Date.now();
    const res = await stack.api(`/unified/usage-metering/users?integrated_account_id=${account}&limit=25&truto_response_format=stream`);
    const lines = (await res.text()).trim().split('\n');
    const elapsed = Date.now() - started;
    assert.equal(res.status, 200);
    const records = lines.map((l) => JSON.parse(l)).filter((l) => !('error' in l));
    assert.equal(records.length, expected, lines.slice(-2).join('\n'));
    assert.ok(elapsed > 2 * BUDGET_MS, `the stream of ${expected} records took ${elapsed} ms, more than two budgets, and finished`);
  } finally {
    await fetch(`${sim}/__sim/faults`, { method: 'DELETE' });
  }
});
