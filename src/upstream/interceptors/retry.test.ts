import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { UpstreamRequest, UpstreamResponse } from '../types.ts';
import { retryInterceptor, type RetryDecision } from './retry.ts';

const response = (status: number): UpstreamResponse => ({ status, headers: {}, body: null, contentType: '', durationMs: 1 });
const request: UpstreamRequest = { method: 'GET', url: 'http://upstream.test/x', headers: {}, retryable: true, role: 'main' };

function harness(statuses: number[]) {
  const classified: number[] = [];
  let sent = 0;
  const send = retryInterceptor({
    maxRetries: 2,
    maxWaitSeconds: 10,
    baseDelayMs: 1,
    retryableStatuses: new Set([503]),
    classify: async (r): Promise<RetryDecision> => {
      classified.push(r.status);
      return { rateLimited: r.status === 429, waitSeconds: r.status === 429 ? 0 : undefined };
    },
  })(async () => response(statuses[Math.min(sent++, statuses.length - 1)]));
  return { send, classified, sent: () => sent };
}

test('a 2xx is returned without classifying it', async () => {
  for (const status of [200, 204, 299]) {
    const h = harness([status]);
    assert.equal((await h.send(request)).status, status);
    assert.deepEqual(h.classified, []);
    assert.equal(h.sent(), 1);
  }
});

test('a throttled or failed answer is classified and retried', async () => {
  const h = harness([429, 503, 200]);
  assert.equal((await h.send(request)).status, 200);
  assert.deepEqual(h.classified, [429, 503]);
  assert.equal(h.sent(), 3);
  const notFound = harness([404]);
  assert.equal((await notFound.send(request)).status, 404);
  assert.deepEqual(notFound.classified, [404], 'a 4xx is still classified (a provider may throttle with 403)');
});
