import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestStack, type TestStack } from '../../test/helpers/stack.ts';

// Small limits and a long window, so the window cannot end in the middle of a test.
let stack: TestStack;
before(async () => {
  stack = await startTestStack({ TESSERA_RATE_LIMIT_ACCOUNT: '3', TESSERA_RATE_LIMIT_TOKEN: '8', TESSERA_RATE_LIMIT_WINDOW_S: '600' });
});
after(() => stack.close());

const usersOf = (account: string) => `/unified/usage-metering/users?integrated_account_id=${account}&limit=1`;

test('per integrated account, whatever the case of its id: the 4th unified/proxy request in the window gets 429 with Retry-After; other accounts are not affected', async () => {
  const neon = stack.accounts.neon;
  const statuses = [];
  // The letter case of the id does not open a window of its own.
  for (const path of [usersOf(neon), `/proxy/members?integrated_account_id=${neon.toUpperCase()}`, usersOf(neon)]) {
    const res = await stack.api(path);
    statuses.push(res.status);
    assert.equal(res.headers.get('ratelimit-limit'), '3');
  }
  assert.deepEqual(statuses, [200, 200, 200]);

  const limited = await stack.api(usersOf(neon.toUpperCase()));
  assert.equal(limited.status, 429);
  const retryAfter = Number(limited.headers.get('retry-after'));
  assert.ok(retryAfter > 500 && retryAfter <= 600, `Retry-After is the time left in the 600 s window, got ${retryAfter}`);
  const body = (await limited.json()) as { statusCode: number; error: string; message: string; truto_is_remote_error?: boolean };
  assert.equal(body.statusCode, 429);
  assert.equal(body.error, 'Too Many Requests');
  assert.match(body.message, /at most 3 requests per 600 s per integrated account/);
  assert.equal(body.truto_is_remote_error, undefined, 'our own limit, not the upstream one');

  const other = await stack.api(usersOf(stack.accounts['github-copilot']));
  assert.equal(other.status, 200, 'another account has its own window');
});

test('per API token: every authenticated route counts; over the limit is 429 even for admin routes', async () => {
  // 5 requests so far in this window (4 neon + 1 other account); the token allows 8.
  const statuses = [];
  for (let i = 0; i < 4; i++) statuses.push((await stack.api('/integration')).status);
  assert.deepEqual(statuses, [200, 200, 200, 429]);
  const res = await stack.api('/integrated-account');
  assert.equal(res.status, 429);
  assert.match(((await res.json()) as { message: string }).message, /at most 8 requests per 600 s per API token/);
  const health = await fetch(`${stack.apiUrl}/health`);
  assert.equal(health.status, 200, 'unauthenticated health checks are not limited');
});

test('when the counters fail (Redis down), requests pass instead of failing', async () => {
  // The token is over its limit by now (previous test): a working counter would answer 429.
  const working = stack.services.rateLimiter;
  stack.services.rateLimiter = { hit: () => Promise.reject(new Error('connection refused')), close: async () => {} };
  try {
    const res = await stack.api('/integration');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('ratelimit-limit'), null, 'no limit headers without a count');
  } finally {
    stack.services.rateLimiter = working;
  }
  assert.equal((await stack.api('/integration')).status, 429, 'the working counter still limits');
});
