import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, test } from 'node:test';
import { Tessera, TesseraConnectionError, TesseraError, TesseraTimeoutError, parseRetryAfter, type RetryInfo } from '../src/index.ts';

/**
 * The transport against tiny local HTTP servers that misbehave on purpose: retries with
 * Retry-After, their bounds, timeouts and AbortSignal. (sdk.test.ts covers the real server.)
 */

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  at: number;
}

type Reply = { status: number; headers?: Record<string, string>; body?: unknown } | 'hang';

/** A loopback server answering the scripted replies in order (the last one repeats). */
async function scripted(replies: Reply[]) {
  const seen: Seen[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, at: Date.now() });
    const reply = replies[Math.min(seen.length - 1, replies.length - 1)];
    req.resume();
    if (reply === 'hang') return; // never answers
    const body = reply.body === undefined ? '' : JSON.stringify(reply.body);
    res.writeHead(reply.status, { 'content-type': 'application/json; charset=utf-8', ...reply.headers });
    res.end(body);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const close of closers) await close();
});

async function serve(replies: Reply[]) {
  const s = await scripted(replies);
  closers.push(s.close);
  return s;
}

const unavailable = (retryAfter: string): Reply => ({
  status: 503,
  headers: { 'retry-after': retryAfter },
  body: { statusCode: 503, error: 'Service Unavailable', message: 'Upstream unavailable', truto_is_remote_error: true },
});
const user = { id: 'u1', name: 'someone@example.com' };
const target = { unified_model: 'usage-metering', resource: 'users', integrated_account_id: 'acc' } as const;

describe('retries', () => {
  test('a 503 with Retry-After is retried after the stated wait, then the 200 is returned', async () => {
    const s = await serve([unavailable('1'), { status: 200, body: user }]);
    const retries: RetryInfo[] = [];
    const tessera = new Tessera({ token: 't', baseUrl: s.url, hooks: { onRetry: (i) => retries.push(i) } });
    const got = await tessera.unifiedApi.get('u1', target);
    assert.deepEqual(got, user);
    assert.equal(s.seen.length, 2, 'two attempts');
    assert.equal(retries.length, 1);
    assert.equal(retries[0].delayMs, 1000, 'the Retry-After seconds, not the default backoff');
    assert.equal(retries[0].reason, 503);
    const waited = s.seen[1].at - s.seen[0].at;
    assert.ok(waited >= 950, `waited ${waited} ms for Retry-After: 1`);
    // Both attempts are the same request.
    assert.equal(s.seen[0].url, s.seen[1].url);
    assert.equal(s.seen[1].headers.authorization, 'Bearer t');
  });

  test('429 with an HTTP-date Retry-After, 425, 408, 502 and 504 are all retried for a GET', async () => {
    const soon = new Date(Date.now() + 1000).toUTCString();
    const s = await serve([
      { status: 429, headers: { 'retry-after': soon }, body: { statusCode: 429, error: 'Too Many Requests', message: 'Rate limit exceeded' } },
      { status: 425, headers: { 'retry-after': '0' }, body: { statusCode: 425, error: 'Too Early', message: 'early' } },
      { status: 408, headers: { 'retry-after': '0' }, body: { statusCode: 408, error: 'Request Timeout', message: 'slow' } },
      { status: 502, headers: { 'retry-after': '0' }, body: { statusCode: 502, error: 'Bad Gateway', message: 'bad', truto_is_remote_error: true } },
      { status: 504, headers: { 'retry-after': '0' }, body: { statusCode: 504, error: 'Gateway Timeout', message: 'slow', truto_is_remote_error: true } },
      { status: 200, body: user },
    ]);
    const tessera = new Tessera({ token: 't', baseUrl: s.url, retry: { maxAttempts: 6 } });
    assert.deepEqual(await tessera.unifiedApi.get('usage-metering', 'users', 'u1', { integrated_account_id: 'acc' }), user);
    assert.equal(s.seen.length, 6);
  });

  test('maxAttempts bounds the attempts; the last error is thrown with its envelope', async () => {
    const s = await serve([unavailable('0')]);
    const tessera = new Tessera({ token: 't', baseUrl: s.url, retry: { maxAttempts: 3 } });
    const err = await tessera.unifiedApi.get('u1', target).then(
      () => assert.fail('should throw'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof TesseraError);
    assert.equal(err.statusCode, 503);
    assert.equal(err.envelope.message, 'Upstream unavailable');
    assert.equal(err.isRemote, true);
    assert.equal(s.seen.length, 3, 'exactly maxAttempts requests');
  });

  test('maxElapsedMs bounds the total time: a Retry-After past the budget is not waited for', async () => {
    const s = await serve([unavailable('30'), { status: 200, body: user }]);
    const tessera = new Tessera({ token: 't', baseUrl: s.url, retry: { maxAttempts: 5, maxElapsedMs: 2_000 } });
    const started = Date.now();
    await assert.rejects(tessera.unifiedApi.get('u1', target), (e: unknown) => e instanceof TesseraError && e.statusCode === 503);
    assert.ok(Date.now() - started < 1_000, 'gave up at once instead of sleeping 30 s');
    assert.equal(s.seen.length, 1);
  });

  test('maxElapsedMs also stops a run of short waits', async () => {
    const s = await serve([unavailable('0.4')]);
    const tessera = new Tessera({ token: 't', baseUrl: s.url, retry: { maxAttempts: 100, maxElapsedMs: 1_000 } });
    const started = Date.now();
    await assert.rejects(tessera.unifiedApi.get('u1', target), TesseraError);
    const took = Date.now() - started;
    // 100 attempts would take 40 s; the margin over the 1 s budget absorbs a loaded machine.
    assert.ok(took <= 2_500, `stayed within the budget (${took} ms)`);
    assert.ok(s.seen.length >= 2 && s.seen.length <= 3, `attempts: ${s.seen.length}`);
  });

  test('retry: false makes one attempt; statuses outside the list are never retried', async () => {
    const s = await serve([unavailable('0'), { status: 200, body: user }]);
    const tessera = new Tessera({ token: 't', baseUrl: s.url });
    await assert.rejects(tessera.unifiedApi.get('u1', target, { retry: false }), TesseraError);
    assert.equal(s.seen.length, 1);
    const notFound = await serve([{ status: 404, body: { statusCode: 404, error: 'Not Found', message: 'User not found' } }]);
    const t2 = new Tessera({ token: 't', baseUrl: notFound.url });
    await assert.rejects(t2.unifiedApi.get('u1', target), (e: unknown) => e instanceof TesseraError && e.statusCode === 404);
    assert.equal(notFound.seen.length, 1);
  });

  test("Tessera's own 503 (a blocked account, no Retry-After, not remote) is not retried", async () => {
    const s = await serve([{ status: 503, body: { statusCode: 503, error: 'Service Unavailable', message: 'Integrated account is blocked' } }]);
    const tessera = new Tessera({ token: 't', baseUrl: s.url });
    await assert.rejects(tessera.unifiedApi.get('u1', target), /Integrated account is blocked/);
    assert.equal(s.seen.length, 1);
  });

  test('a POST is not repeated after a 502 unless it carries an Idempotency-Key; a 429 is retried', async () => {
    const badGateway: Reply = {
      status: 502,
      headers: { 'retry-after': '0' },
      body: { statusCode: 502, error: 'Bad Gateway', message: 'no clean answer', truto_is_remote_error: true },
    };
    const s = await serve([badGateway, { status: 200, body: user }]);
    const tessera = new Tessera({ token: 't', baseUrl: s.url });
    await assert.rejects(tessera.unifiedApi.create({ emails: [] }, target), (e: unknown) => e instanceof TesseraError && e.statusCode === 502);
    assert.equal(s.seen.length, 1, 'the write may have happened upstream: not repeated');

    const keyed = await serve([badGateway, { status: 200, body: user }]);
    const t2 = new Tessera({ token: 't', baseUrl: keyed.url });
    assert.deepEqual(await t2.unifiedApi.create({ emails: [] }, target, { idempotencyKey: 'k-1' }), user);
    assert.equal(keyed.seen.length, 2);
    assert.equal(keyed.seen[1].headers['idempotency-key'], 'k-1');

    const limited = await serve([
      { status: 429, headers: { 'retry-after': '0' }, body: { statusCode: 429, error: 'Too Many Requests', message: 'slow down' } },
      { status: 200, body: user },
    ]);
    const t3 = new Tessera({ token: 't', baseUrl: limited.url });
    assert.deepEqual(await t3.unifiedApi.update('usage-metering', 'users', 'u1', { roles: [{ id: 'viewer' }] }, { integrated_account_id: 'acc' }), user);
    assert.equal(limited.seen.length, 2);
    assert.equal(limited.seen[1].method, 'PATCH');
  });

  test('parseRetryAfter reads seconds and HTTP dates, and ignores garbage', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('10', now), 10_000);
    assert.equal(parseRetryAfter('1.5', now), 1_500);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now), 5_000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 00:00:00 GMT', now), 0, 'a date in the past means now');
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(null, now), undefined);
  });
});

describe('timeouts and cancellation', () => {
  test('a server that never answers gives a TesseraTimeoutError (408) after timeoutMs', async () => {
    const s = await serve(['hang']);
    const tessera = new Tessera({ token: 't', baseUrl: s.url, timeoutMs: 300, retry: false });
    const started = Date.now();
    const err = await tessera.unifiedApi.get('u1', target).then(
      () => assert.fail('should time out'),
      (e: unknown) => e,
    );
    const took = Date.now() - started;
    assert.ok(err instanceof TesseraTimeoutError);
    assert.ok(err instanceof TesseraError, 'a timeout is a TesseraError too');
    assert.equal(err.statusCode, 408);
    assert.equal(err.envelope.error, 'Request Timeout');
    assert.equal(err.timeoutMs, 300);
    assert.ok(took >= 280 && took < 2_000, `took ${took} ms`);
  });

  test('the per-request timeout overrides the client one, and a timed-out GET is retried within the budget', async () => {
    const s = await serve(['hang', { status: 200, body: user }]);
    const tessera = new Tessera({ token: 't', baseUrl: s.url, timeoutMs: 60_000, retry: { baseDelayMs: 10 } });
    assert.deepEqual(await tessera.unifiedApi.get('u1', target, { timeoutMs: 200 }), user);
    assert.equal(s.seen.length, 2);
  });

  test('an AbortSignal cancels an in-flight request with the signal’s reason, and nothing is retried', async () => {
    const s = await serve(['hang']);
    const tessera = new Tessera({ token: 't', baseUrl: s.url });
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 100);
    await assert.rejects(tessera.unifiedApi.get('u1', target, { signal: ctl.signal }), (e: unknown) => e instanceof DOMException && e.name === 'AbortError');
    assert.equal(s.seen.length, 1);
    // AbortSignal.timeout works the same way.
    await assert.rejects(
      tessera.unifiedApi.get('u1', target, { signal: AbortSignal.timeout(100) }),
      (e: unknown) => e instanceof DOMException && e.name === 'TimeoutError',
    );
  });

  test('an abort during the wait before a retry stops at once', async () => {
    const s = await serve([unavailable('20'), { status: 200, body: user }]);
    const tessera = new Tessera({ token: 't', baseUrl: s.url });
    const ctl = new AbortController();
    const started = Date.now();
    setTimeout(() => ctl.abort(new Error('user cancelled')), 150);
    await assert.rejects(tessera.unifiedApi.get('u1', target, { signal: ctl.signal }), /user cancelled/);
    assert.ok(Date.now() - started < 2_000);
    assert.equal(s.seen.length, 1);
  });

  test('an already-aborted signal sends nothing', async () => {
    const s = await serve([{ status: 200, body: user }]);
    const tessera = new Tessera({ token: 't', baseUrl: s.url });
    await assert.rejects(tessera.unifiedApi.get('u1', target, { signal: AbortSignal.abort() }), { name: 'AbortError' });
    assert.equal(s.seen.length, 0);
  });

  test('nothing listening gives a TesseraConnectionError naming the base URL', async () => {
    const s = await scripted([]);
    await s.close(); // the port is now closed
    const tessera = new Tessera({ token: 't', baseUrl: s.url, retry: { maxAttempts: 2, baseDelayMs: 10 } });
    const err = await tessera.integrations.get('neon').then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof TesseraConnectionError);
    assert.ok(err.message.includes(s.url), err.message);
  });
});

describe('requests', () => {
  test('headers: Bearer token, JSON content type on bodies, user agent; non-envelope errors are wrapped', async () => {
    const s = await serve([
      { status: 200, body: user },
      { status: 500, body: undefined },
    ]);
    const tessera = new Tessera({ token: 'secret-token', baseUrl: `${s.url}/`, headers: { 'X-Extra': 'yes' }, retry: false });
    await tessera.unifiedApi.create('usage-metering', 'users', { emails: [{ email: 'a@example.com' }] }, { integrated_account_id: 'acc' });
    const h = s.seen[0].headers;
    assert.equal(h.authorization, 'Bearer secret-token');
    assert.equal(h['content-type'], 'application/json');
    assert.equal(h.accept, 'application/json');
    assert.match(String(h['user-agent']), /^tessera-ts-sdk\//);
    assert.equal(h['x-extra'], 'yes');
    assert.equal(s.seen[0].url, '/unified/usage-metering/users?integrated_account_id=acc', 'no doubled slash from a trailing one in baseUrl');
    const err = await tessera.integrations
      .list()
      .toArray()
      .then(
        () => assert.fail('should throw'),
        (e: unknown) => e,
      );
    assert.ok(err instanceof TesseraError);
    assert.deepEqual(err.envelope, { statusCode: 500, error: 'Internal Server Error', message: 'Internal Server Error' });
  });

  test('ids and resource names are URL-encoded once', async () => {
    const s = await serve([{ status: 200, body: user }]);
    const tessera = new Tessera({ token: 't', baseUrl: s.url });
    await tessera.unifiedApi.get('a/b c?d', target);
    assert.equal(s.seen[0].url, '/unified/usage-metering/users/a%2Fb%20c%3Fd?integrated_account_id=acc');
  });

  test('a token is required', () => {
    assert.throws(() => new Tessera({ token: '' }), /a token is required/);
  });
});
