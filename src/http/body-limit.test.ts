import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hono } from 'hono';
import { requestBodyLimit } from './body-limit.ts';
import { errorResponse } from './respond.ts';
import type { HttpEnv } from './types.ts';

/** The middleware in front of a route that echoes the body's length, as app.ts mounts it. */
function app(limit: number) {
  const a = new Hono<HttpEnv>();
  a.use('*', requestBodyLimit(limit));
  a.post('/echo', async (c) => c.json({ length: (await c.req.text()).length }));
  a.get('/echo', (c) => c.json({ ok: true }));
  a.onError((e, c) => errorResponse(c, e));
  return a;
}

/** A body without Content-Length: the limit has to be counted while it streams. */
function streamed(total: number, chunk = 1024): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= total) return controller.close();
      const n = Math.min(chunk, total - sent);
      sent += n;
      controller.enqueue(new Uint8Array(n).fill(0x61));
    },
  });
}

test('a body within the limit reaches the route whole, declared or streamed', async () => {
  const a = app(10_000);
  const declared = await a.request('/echo', { method: 'POST', body: 'x'.repeat(10_000), headers: { 'content-length': '10000' } });
  assert.deepEqual(await declared.json(), { length: 10_000 });
  const chunked = await a.request('/echo', { method: 'POST', body: streamed(10_000), duplex: 'half' } as RequestInit);
  assert.deepEqual(await chunked.json(), { length: 10_000 });
});

test('over the limit is a 413 in the envelope naming the limit and the setting, and closes the connection', async () => {
  const a = app(10_000);
  const cases: [string, RequestInit][] = [
    ['declared', { method: 'POST', body: 'x'.repeat(10_001), headers: { 'content-length': '10001' } }],
    ['streamed', { method: 'POST', body: streamed(50_000), duplex: 'half' } as RequestInit],
    ['declared on a GET', { method: 'GET', headers: { 'content-length': '104857600' } }],
  ];
  for (const [label, init] of cases) {
    const res = await a.request('/echo', init);
    assert.equal(res.status, 413, label);
    assert.equal(res.headers.get('connection'), 'close', label);
    const body = (await res.json()) as { statusCode: number; code: string; message: string };
    assert.equal(body.statusCode, 413);
    assert.equal(body.code, 'TESSERA_PAYLOAD_TOO_LARGE');
    assert.equal(body.message, 'Request body is larger than the limit of 10000 bytes (TESSERA_MAX_BODY_BYTES)');
  }
});

test('the streamed count stops reading at the limit instead of buffering the rest', async () => {
  let pulled = 0;
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += 1024;
      controller.enqueue(new Uint8Array(1024));
    },
  });
  const res = await app(10_000).request('/echo', { method: 'POST', body: endless, duplex: 'half' } as RequestInit);
  assert.equal(res.status, 413);
  assert.ok(pulled < 20 * 1024, `read ${pulled} bytes`);
});
