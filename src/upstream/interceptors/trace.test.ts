import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UpstreamNetworkError, type UpstreamCallRecord, type UpstreamRequest, type UpstreamResponse } from '../types.ts';
import { traceInterceptor } from './trace.ts';

const ok = async (): Promise<UpstreamResponse> => ({ status: 200, headers: {}, body: null, contentType: '', durationMs: 1.234 });
const req = (url: string, method = 'get'): UpstreamRequest => ({ method, url, headers: {}, retryable: true, role: 'main' });

test('attempts are numbered per method and URL, however many pages came before', async () => {
  const calls: UpstreamCallRecord[] = [];
  const send = traceInterceptor(calls)(ok);
  for (let page = 0; page < 50; page++) await send(req(`http://u.test/items?page=${page}`));
  await send(req('http://u.test/items?page=3'));
  await send(req('http://u.test/items?page=3', 'GET'));
  await send(req('http://u.test/items?page=3', 'post'));
  assert.equal(calls.length, 53);
  assert.ok(calls.slice(0, 50).every((c) => c.attempt === 1));
  assert.deepEqual(
    calls.slice(50).map((c) => [c.method, c.attempt]),
    [
      ['GET', 2],
      ['GET', 3],
      ['POST', 1],
    ],
  );
  assert.equal(calls[0].durationMs, 1.2);
});

test('records another tracer or a failure added to the same list count too', async () => {
  const calls: UpstreamCallRecord[] = [];
  const failing = traceInterceptor(calls)(async () => {
    throw new UpstreamNetworkError('connection reset', 'network');
  });
  const send = traceInterceptor(calls)(ok);
  await send(req('http://u.test/a'));
  await assert.rejects(failing(req('http://u.test/a')));
  calls.push({ requestUrl: 'http://u.test/a', method: 'GET', status: 200, durationMs: 1, role: 'main', attempt: 9 });
  await send(req('http://u.test/a'));
  assert.deepEqual(
    calls.map((c) => [c.status, c.attempt]),
    [
      [200, 1],
      [null, 2],
      [200, 9],
      [200, 4],
    ],
  );
});
