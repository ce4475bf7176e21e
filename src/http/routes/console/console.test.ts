import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { startTestStack, type TestStack } from '../../../../test/helpers/stack.ts';
import { errorResponse } from '../../respond.ts';
import type { HttpEnv } from '../../types.ts';
import { CONSOLE_DIST, consoleRoutes, consoleSegments } from './console.ts';

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request whose path goes on the wire exactly as written (fetch would resolve `..` first). */
function raw(baseUrl: string, rawPath: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: hostname, port, path: rawPath, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

const PACKAGE_NAME = (JSON.parse(fs.readFileSync(path.join(CONSOLE_DIST, '..', '..', 'package.json'), 'utf8')) as { name: string }).name;

describe('GET /console: the built web console, served by Tessera', { timeout: 60_000 }, () => {
  let stack: TestStack;
  let index = '';

  before(async () => {
    const file = path.join(CONSOLE_DIST, 'index.html');
    assert.ok(fs.existsSync(file), `${file} is missing: run npm run build:console (npm test's pretest does)`);
    index = fs.readFileSync(file, 'utf8');
    stack = await startTestStack();
  });
  after(async () => {
    await stack?.close();
  });

  const assertStrictHeaders = (headers: Headers | http.IncomingHttpHeaders) => {
    const get = (name: string) => (headers instanceof Headers ? headers.get(name) : (headers[name] as string | undefined));
    const csp = get('content-security-policy') ?? '';
    assert.match(csp, /(^|; )script-src 'self'(;|$)/);
    assert.match(csp, /(^|; )style-src 'self'(;|$)/);
    assert.match(csp, /(^|; )connect-src 'self'(;|$)/);
    assert.match(csp, /(^|; )default-src 'none'(;|$)/);
    assert.match(csp, /(^|; )frame-ancestors 'none'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(get('x-content-type-options'), 'nosniff');
    assert.equal(get('referrer-policy'), 'no-referrer');
  };

  test('/console and /console/ answer index.html without a token, uncached, under a strict CSP', async () => {
    for (const p of ['/console', '/console/']) {
      const res = await fetch(`${stack.apiUrl}${p}`);
      assert.equal(res.status, 200, p);
      assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(res.headers.get('cache-control'), 'no-cache');
      assertStrictHeaders(res.headers);
      assert.equal(await res.text(), index, p);
    }
  });

  test('a deep link or a reload of any console route answers index.html', async () => {
    for (const p of ['/console/accounts', '/console/accounts/5b0c7f7e-8a4f-4a43-9d7e-0d1a1c2f3e4d', '/console/logs?status=500', '/console/no/such/page/']) {
      const res = await fetch(`${stack.apiUrl}${p}`);
      assert.equal(res.status, 200, p);
      assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8', p);
      assert.equal(res.headers.get('cache-control'), 'no-cache', p);
      assert.equal(await res.text(), index, p);
    }
  });

  test('hashed assets are cached for a year as immutable, with their content type', async () => {
    const assets = [...index.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((m) => m[1]);
    assert.ok(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), assets.join(' '));
    for (const asset of assets) {
      const res = await fetch(`${stack.apiUrl}${asset}`);
      assert.equal(res.status, 200, asset);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable', asset);
      assert.equal(res.headers.get('content-type'), asset.endsWith('.js') ? 'text/javascript; charset=utf-8' : 'text/css; charset=utf-8', asset);
      assertStrictHeaders(res.headers);
      const onDisk = fs.readFileSync(path.join(CONSOLE_DIST, asset.slice('/console/'.length)));
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), onDisk, asset);
    }
  });

  test('a missing asset is a 404 in the error envelope, never index.html run as a script', async () => {
    for (const p of ['/console/assets/index-gone0000.js', '/console/robots.txt', '/console/assets']) {
      const res = await fetch(`${stack.apiUrl}${p}`);
      assert.equal(res.status, 404, p);
      assert.equal(res.headers.get('cache-control'), 'no-store', p);
      const body = (await res.json()) as Record<string, unknown>;
      assert.equal(body.statusCode, 404);
      assert.equal(body.code, 'TESSERA_NOT_FOUND');
    }
  });

  test('HEAD answers the headers of GET without a body; a matching ETag answers 304', async () => {
    const get = await fetch(`${stack.apiUrl}/console/spend`);
    const getBody = await get.text();
    const head = await raw(stack.apiUrl, '/console/spend', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.equal(head.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(head.headers['content-length'], String(Buffer.byteLength(getBody)));
    assertStrictHeaders(head.headers);

    const etag = get.headers.get('etag');
    assert.ok(etag);
    const again = await fetch(`${stack.apiUrl}/console/`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(await again.text(), '');
  });

  test('no traversal escapes console/dist: dot segments, encoded ones, separators, dotfiles, NUL', async () => {
    const attempts = [
      '/console/../package.json',
      '/console/%2e%2e/%2e%2e/package.json',
      '/console/..%2f..%2fpackage.json',
      '/console/%2e%2e%2f%2e%2e%2fpackage.json',
      '/console/assets/..%2f..%2f..%2fpackage.json',
      '/console/..%5c..%5cpackage.json',
      '/console/%252e%252e/%252e%252e/package.json',
      '/console/.%2e/.%2e/package.json',
      '/console//etc/passwd',
      '/console/%2fetc%2fpasswd',
      '/console/.gitignore',
      '/console/index.html%00.js',
      '/console/%00',
    ];
    for (const attempt of attempts) {
      // With the token, so a path the URL parser resolved out of /console meets the API, not a 401.
      const res = await raw(stack.apiUrl, attempt, { headers: { authorization: `Bearer ${stack.token}` } });
      assert.ok(!res.body.includes(PACKAGE_NAME) && !res.body.includes('root:x:0'), `${attempt} leaked a file`);
      if (res.status === 200) {
        // Only what the build holds: /console//etc/passwd is the deep link /console/etc/passwd.
        assert.equal(res.body, index, attempt);
        continue;
      }
      assert.ok([400, 404].includes(res.status), `${attempt}: ${res.status}`);
      const body = JSON.parse(res.body) as Record<string, unknown>;
      assert.equal(body.statusCode, res.status, attempt);
      assert.equal(typeof body.message, 'string');
    }
    // The encoded separators reach the console's route and are refused there.
    for (const attempt of [
      '/console/..%2f..%2fpackage.json',
      '/console/assets/..%2f..%2f..%2fpackage.json',
      '/console/..%5c..%5cpackage.json',
      '/console/.gitignore',
    ]) {
      const res = await raw(stack.apiUrl, attempt);
      assert.equal(res.status, 404, attempt);
      assert.equal((JSON.parse(res.body) as { code: string }).code, 'TESSERA_NOT_FOUND', attempt);
      assertStrictHeaders(res.headers);
    }
    // NUL never reaches a file lookup: the path guard refuses control characters for every route.
    assert.equal((await raw(stack.apiUrl, '/console/index.html%00.js')).status, 400);
  });

  test('only GET and HEAD; paths that merely start with /console are the API', async () => {
    const post = await stack.api('/console', { method: 'POST' });
    assert.equal(post.status, 405);
    assert.match(post.headers.get('allow') ?? '', /GET/);
    assert.equal((await fetch(`${stack.apiUrl}/consoles`)).status, 401);
  });

  test('the API behind the console still needs the token', async () => {
    assert.equal((await fetch(`${stack.apiUrl}/environment`)).status, 401);
    assert.equal((await stack.api('/environment')).status, 200);
  });
});

describe('GET /console without a build', () => {
  let server: ServerType;
  let baseUrl = '';
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-console-'));

  before(async () => {
    const app = new Hono<HttpEnv>();
    app.route('/console', consoleRoutes({ distDir: empty }));
    app.onError((e, c) => errorResponse(c, e));
    await new Promise<void>((resolve) => {
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => {
        baseUrl = `http://127.0.0.1:${info.port}`;
        resolve();
      });
    });
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    fs.rmSync(empty, { recursive: true, force: true });
  });

  test('answers 503 in the error envelope, saying how to build it', async () => {
    for (const p of ['/console', '/console/accounts', '/console/assets/index-abc.js']) {
      const res = await fetch(`${baseUrl}${p}`);
      assert.equal(res.status, 503, p);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const body = (await res.json()) as Record<string, unknown>;
      assert.equal(body.statusCode, 503);
      assert.equal(body.error, 'Service Unavailable');
      assert.match(String(body.message), /npm run build:console/);
    }
  });
});

test('consoleSegments: what a path under /console may name', () => {
  const at = (p: string) => consoleSegments(`http://h${p}`);
  assert.deepEqual(at('/console'), []);
  assert.deepEqual(at('/console/'), []);
  assert.deepEqual(at('/console/assets/index-a1.js'), ['assets', 'index-a1.js']);
  assert.deepEqual(at('/console/accounts//x/'), ['accounts', 'x']);
  assert.deepEqual(at('/console/a%20b'), ['a b']);
  for (const bad of [
    '/console/..%2fx',
    '/console/%2e%2e%2fx',
    '/console/a%5cb',
    '/console/.env',
    '/console/%E0%A4%A',
    '/console/a%00b',
    '/console/c:%2fx',
    '/other',
  ]) {
    assert.equal(at(bad), undefined, bad);
  }
});
