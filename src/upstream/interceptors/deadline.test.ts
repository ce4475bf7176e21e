import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compose } from '../http-sender.ts';
import { UpstreamNetworkError, type UpstreamRequest, type UpstreamResponse } from '../types.ts';
import { Deadline, deadlineInterceptor } from './deadline.ts';
import { retryInterceptor, RetryExhausted } from './retry.ts';

const req = { method: 'get', url: 'http://x', headers: {}, retryable: true, role: 'main' } as UpstreamRequest;
const answer = (status: number, headers: Record<string, string> = {}) => ({ status, headers, body: null, contentType: '', durationMs: 1 }) as UpstreamResponse;

function chain(deadline: Deadline, inner: (r: UpstreamRequest) => Promise<UpstreamResponse>) {
  return compose(inner, [
    deadlineInterceptor(deadline),
    retryInterceptor({
      maxRetries: 10,
      maxWaitSeconds: 30,
      baseDelayMs: 100,
      retryableStatuses: new Set([503]),
      classify: async (r) => ({ rateLimited: r.status === 429, waitSeconds: r.headers['retry-after'] ? Number(r.headers['retry-after']) : undefined }),
      remainingMs: () => deadline.remainingMs(),
    }),
  ]);
}

test('retries and their waits all come out of one budget; a spent budget is the coded 504', async () => {
  const deadline = new Deadline(300);
  // AbortSignal.timeout does not hold the process open; a server would.
  const keepAlive = setTimeout(() => {}, 5_000);
  let attempts = 0;
  const started = Date.now();
  const send = chain(deadline, async (r) => {
    attempts++;
    // Hangs until the request's signal (the deadline's) aborts it.
    await new Promise((_, reject) => r.signal!.addEventListener('abort', () => reject(new UpstreamNetworkError('aborted', 'network'))));
    return answer(200);
  });
  await assert.rejects(send(req), (e: any) => e.code === 'TESSERA_UPSTREAM_TIME_BUDGET_SPENT' && e.status === 504 && /300 ms/.test(e.message));
  assert.ok(Date.now() - started < 600, `answered after ${Date.now() - started} ms`);
  assert.equal(attempts, 1);
  await assert.rejects(send(req), (e: any) => e.code === 'TESSERA_UPSTREAM_TIME_BUDGET_SPENT', 'nothing starts once it is spent');
  assert.equal(attempts, 1);
  clearTimeout(keepAlive);
});

test("a provider's wait longer than what is left is not slept through: its 429 goes back at once", async () => {
  const deadline = new Deadline(2_000);
  let attempts = 0;
  const send = chain(deadline, async () => (attempts++, answer(429, { 'retry-after': '5' })));
  const started = Date.now();
  await assert.rejects(send(req), (e: unknown) => e instanceof RetryExhausted && e.retryAfterSeconds === 5);
  assert.ok(Date.now() - started < 200);
  assert.equal(attempts, 1);
});

test('the client going away is not reported as a spent budget', async () => {
  const deadline = new Deadline(5_000);
  const client = new AbortController();
  const send = chain(deadline, (r) => new Promise((_, reject) => r.signal!.addEventListener('abort', () => reject(r.signal!.reason))));
  const pending = send({ ...req, signal: client.signal });
  client.abort(new Error('client left'));
  await assert.rejects(pending, /client left/);
});
