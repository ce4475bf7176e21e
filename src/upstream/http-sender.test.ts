import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { after, before, test } from 'node:test';
import { EgressPolicy } from './egress-policy.ts';
import { httpSender } from './http-sender.ts';
import { UpstreamNetworkError, type UpstreamRequest } from './types.ts';

/**
 * The sender over a real loopback socket: what it kept from fetch when it moved to the egress
 * policy's dispatcher (default headers, compressed bodies, same-origin redirects, the size cap on
 * decoded bytes, the per-attempt timeout, the caller's cancellation), and reused connections.
 */
let server: http.Server;
let origin: string;
let egress: EgressPolicy;
const sockets = new Set<unknown>();
const seen: http.IncomingHttpHeaders[] = [];

before(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.headers);
    sockets.add(req.socket);
    const body = JSON.stringify({ path: req.url, items: Array.from({ length: 50 }, (_, i) => ({ i, text: 'x'.repeat(40) })) });
    switch (req.url) {
      case '/gzip':
        return res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' }).end(zlib.gzipSync(body));
      case '/br':
        return res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'br' }).end(zlib.brotliCompressSync(body));
      case '/redirect':
        return res.writeHead(302, { location: '/plain' }).end();
      case '/away':
        return res.writeHead(302, { location: 'http://elsewhere.test/plain' }).end();
      case '/slow':
        return void setTimeout(() => res.writeHead(200).end('late'), 2_000);
      case '/repeated':
        res.setHeader('x-many', ['a', 'b']);
        return res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      default:
        return res.writeHead(200, { 'content-type': 'application/json' }).end(body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  egress = new EgressPolicy({ allow: `127.0.0.1:${(server.address() as AddressInfo).port}`, integrations: [] });
});

after(async () => {
  await egress.close();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const send = (options: { timeoutMs?: number; maxResponseBytes?: number } = {}) =>
  httpSender({ timeoutMs: options.timeoutMs ?? 5_000, maxResponseBytes: options.maxResponseBytes ?? 1_000_000, egress, integration: 'none' });
const get = (path: string, extra: Partial<UpstreamRequest> = {}): UpstreamRequest => ({
  method: 'GET',
  url: origin + path,
  headers: {},
  retryable: true,
  role: 'main',
  ...extra,
});

test('JSON is parsed; fetch’s default headers are sent unless the request has its own; connections are reused', async () => {
  sockets.clear();
  seen.length = 0;
  const res = await send()(get('/plain'));
  assert.equal(res.status, 200);
  assert.equal((res.body as { items: unknown[] }).items.length, 50);
  assert.equal(seen[0].accept, '*/*');
  assert.equal(seen[0]['user-agent'], 'undici');
  assert.match(String(seen[0]['accept-encoding']), /gzip/);
  await send()(get('/plain', { headers: { Accept: 'application/json' } }));
  assert.equal(seen[1].accept, 'application/json');
  for (let i = 0; i < 8; i++) await send()(get('/plain'));
  // undici hands a connection back a moment after its response ends, so a call right behind the
  // first may open a second one; after that they are reused.
  assert.ok(sockets.size <= 2, `ten sequential calls used ${sockets.size} connections`);
});

test('gzip and brotli bodies are decoded, and the size cap counts decoded bytes', async () => {
  for (const path of ['/gzip', '/br']) {
    const res = await send()(get(path));
    assert.equal((res.body as { path: string }).path, path);
  }
  await assert.rejects(send({ maxResponseBytes: 1_000 })(get('/gzip')), { code: 'TESSERA_UPSTREAM_RESPONSE_TOO_LARGE' });
  await assert.rejects(send({ maxResponseBytes: 1_000 })(get('/plain')), { code: 'TESSERA_UPSTREAM_RESPONSE_TOO_LARGE' });
});

test('a redirect is followed within the origin only; repeated headers are joined', async () => {
  assert.equal(((await send()(get('/redirect'))).body as { path: string }).path, '/plain');
  await assert.rejects(send()(get('/away')), { code: 'TESSERA_UPSTREAM_REDIRECT_REFUSED' });
  assert.equal((await send()(get('/repeated'))).headers['x-many'], 'a, b');
});

test('the attempt times out as a timeout, and the caller’s abort goes up as it is', async () => {
  await assert.rejects(send({ timeoutMs: 200 })(get('/slow')), (e: unknown) => e instanceof UpstreamNetworkError && e.kind === 'timeout');
  const caller = new AbortController();
  const pending = send()(get('/slow', { signal: caller.signal }));
  setTimeout(() => caller.abort(new Error('client went away')), 100);
  await assert.rejects(pending, /client went away/);
});

test('a refused connection is a network error that was never sent', async () => {
  const closed = http.createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((resolve) => closed.close(resolve));
  egress.allowOrigin(`http://127.0.0.1:${port}`);
  await assert.rejects(
    send()({ ...get('/'), url: `http://127.0.0.1:${port}/` }),
    (e: unknown) => e instanceof UpstreamNetworkError && e.kind === 'network' && e.notSent && /ECONNREFUSED/.test(e.message),
  );
});
