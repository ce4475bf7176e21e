import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startCustomStack, type CustomStack } from '../helpers/custom-stack.ts';
import { closedPort as refusingPort } from '../ops/process.ts';
import { hostileStores } from './stores.ts';
import { createAccount, expectError, startStub, writeCatalog, type Stub } from './stub-upstream.ts';

/**
 * A provider that misbehaves on purpose, over real sockets: Retry-After as an HTTP-date, a body
 * far larger than anything Tessera should hold, 2xx answers that are not the JSON the method
 * returns, and a provider that never answers. Each gets a coded envelope within the request's
 * time budget, and none costs Tessera the memory of the body.
 */
const BUDGET_MS = 1500;
const MAX_BYTES = 8 * 1024 * 1024;
const HUGE = 200 * 1024 * 1024;

for (const store of await hostileStores()) {
  describe(`upstream faults (${store.name})`, { skip: store.env ? false : 'no Postgres reachable' }, () => {
    let stub: Stub;
    let stack: CustomStack;
    let account: string;
    let closedAccount: string;
    let throttled = 0;
    /** Bytes of the huge body the stub managed to hand to its socket before Tessera hung up. */
    let hugeWritten = 0;
    const catalogs: { remove(): void }[] = [];

    before(async () => {
      stub = await startStub(async (req, res) => {
        const url = new URL(req.url, 'http://x');
        const fault = url.searchParams.get('fault');
        const json = (body: string, status = 200) => res.writeHead(status, { 'content-type': 'application/json' }).end(body);
        switch (fault) {
          case 'retry-date-past':
            // Retry-After as an HTTP-date (the test's `d`), once; then the data.
            if (throttled++ === 0) {
              res.setHeader('retry-after', url.searchParams.get('d')!);
              return json('{"message":"slow down"}', 429);
            }
            return json('{"data":[{"id":"after-wait"}]}');
          case 'retry-date-far':
            res.setHeader('retry-after', new Date(Date.now() + 120_000).toUTCString());
            return json('{"message":"come back in two minutes"}', 429);
          case 'huge':
          case 'huge-announced': {
            const headers: Record<string, string | number> = { 'content-type': 'application/json' };
            if (fault === 'huge-announced') headers['content-length'] = HUGE;
            res.writeHead(200, headers);
            // Generated as it is sent: the test never holds 200 MB either.
            const chunk = Buffer.alloc(64 * 1024, 'a');
            res.write('{"data":"');
            for (let sent = 0; sent < HUGE && !res.destroyed; sent += chunk.length) {
              if (!res.write(chunk)) await drainedOrClosed(res);
              hugeWritten = sent;
            }
            return res.end('"}');
          }
          case 'empty':
            return res.writeHead(200, { 'content-type': 'application/json' }).end();
          case 'html':
            return res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Service temporarily unavailable</body></html>');
          case 'bad-json':
            return res.writeHead(200, { 'content-type': 'application/json' }).end('{"data": [');
          case 'hang':
            return; // never answers
        }
        if (req.method === 'DELETE') return res.writeHead(204).end();
        json('{"data":[{"id":"ok"}]}');
      });
      // `closed`: a port nothing listens on, so every connection is refused before anything is sent.
      const closedPort = await refusingPort();
      const catalog = writeCatalog({ faulty: stub.origin, closed: `http://127.0.0.1:${closedPort}` });
      catalogs.push(catalog);
      stack = await startCustomStack(catalog.dir, {
        ...store.env,
        TESSERA_UPSTREAM_ALLOW: `127.0.0.1:${stub.port},127.0.0.1:${closedPort}`,
        TESSERA_UPSTREAM_REQUEST_BUDGET_MS: String(BUDGET_MS),
        TESSERA_UPSTREAM_MAX_RESPONSE_BYTES: String(MAX_BYTES),
      });
      account = await createAccount(stack, 'faulty');
      closedAccount = await createAccount(stack, 'closed');
    });
    after(async () => {
      await stack?.close();
      await stub?.close();
      for (const c of catalogs) c.remove();
      await store.cleanup();
    });

    const list = (fault: string) => stack.api(`/proxy/items?integrated_account_id=${account}&fault=${fault}`);
    const hits = (fault: string) => stub.requests.filter((r) => r.url.includes(`fault=${fault}`)).length;

    test('Retry-After as an HTTP-date: a past date retries at once, a far one is a 429 with Retry-After in seconds', async () => {
      throttled = 0;
      const pastDate = new Date(Date.now() - 60_000).toUTCString();
      const res = await stack.api(`/proxy/items?integrated_account_id=${account}&fault=retry-date-past&d=${encodeURIComponent(pastDate)}`);
      assert.equal(res.status, 200, await res.clone().text());
      assert.deepEqual(((await res.json()) as { result: unknown[] }).result, [{ id: 'after-wait' }]);
      assert.equal(hits('retry-date-past'), 2);

      const started = Date.now();
      const far = await expectError(await list('retry-date-far'), 429, 'TESSERA_REMOTE_RATE_LIMITED');
      assert.ok(Date.now() - started < BUDGET_MS, 'not slept through');
      assert.equal(hits('retry-date-far'), 1, 'a wait longer than the budget is not started');
      assert.equal(far.truto_is_remote_error, true);
    });

    test('the Retry-After a client gets back is a number of seconds', async () => {
      const res = await list('retry-date-far');
      const retryAfter = Number(res.headers.get('retry-after'));
      await expectError(res, 429, 'TESSERA_REMOTE_RATE_LIMITED');
      assert.ok(retryAfter >= 110 && retryAfter <= 121, `retry-after ${res.headers.get('retry-after')}`);
    });

    test('a 200 MB body is refused past the cap without being held: 502, and memory stays flat', async (t) => {
      for (const fault of ['huge', 'huge-announced']) {
        hugeWritten = 0;
        const baseline = process.memoryUsage().rss;
        let peak = baseline;
        const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
        const res = await list(fault);
        clearInterval(sampler);
        peak = Math.max(peak, process.memoryUsage().rss);
        const body = await expectError(res, 502, 'TESSERA_UPSTREAM_RESPONSE_TOO_LARGE');
        assert.match(body.message, new RegExp(`larger than ${MAX_BYTES} bytes`));
        assert.match(body.message, /TESSERA_UPSTREAM_MAX_RESPONSE_BYTES/);
        const growthMb = (peak - baseline) / 1024 / 1024;
        assert.ok(growthMb < 64, `${fault}: RSS grew ${growthMb.toFixed(1)} MB for a ${HUGE / 1024 / 1024} MB body`);
        // Give the stub a moment to notice the hang-up, then check it stopped well short of 200 MB.
        await new Promise((r) => setTimeout(r, 100));
        assert.ok(hugeWritten < HUGE / 2, `${fault}: the stub got to write ${hugeWritten} bytes`);
        assert.equal(hits(fault), 1, 'not retried');
        t.diagnostic(`${fault}: RSS +${growthMb.toFixed(1)} MB, the stub wrote ${(hugeWritten / 1024 / 1024).toFixed(1)} MB of ${HUGE / 1024 / 1024} MB`);
      }
    });

    test('a 2xx that is not the JSON the method returns: empty, HTML, broken JSON are 502s', async () => {
      const empty = await expectError(await list('empty'), 502, 'TESSERA_UPSTREAM_INVALID_RESPONSE');
      assert.match(empty.message, /items\.list with 200 and an empty body, where JSON was expected/);
      const html = await expectError(await list('html'), 502, 'TESSERA_UPSTREAM_INVALID_RESPONSE');
      assert.match(html.message, /text\/html that is not JSON/);
      assert.match(html.raw_response, /Service temporarily unavailable/);
      assert.equal(html.truto_is_remote_error, true);
      await expectError(await list('bad-json'), 502, 'TESSERA_UPSTREAM_INVALID_RESPONSE');
      const get = await stack.api(`/proxy/items/x?integrated_account_id=${account}&fault=empty`);
      await expectError(get, 502, 'TESSERA_UPSTREAM_INVALID_RESPONSE');
    });

    test('a write may still answer 204 with no body', async () => {
      const res = await stack.api(`/proxy/items/x?integrated_account_id=${account}`, { method: 'DELETE' });
      assert.equal(res.status, 200, await res.clone().text());
    });

    test('a write whose connection was refused is no unknown outcome: the same Idempotency-Key runs it again', async () => {
      const write = () =>
        stack.api(`/proxy/items?integrated_account_id=${closedAccount}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': 'refused-connection-1' },
          body: '{"name":"x"}',
        });
      const first = await expectError(await write(), 502, 'TESSERA_UPSTREAM_UNREACHABLE');
      assert.match(first.message, /ECONNREFUSED/);
      // Not 409 TESSERA_IDEMPOTENCY_OUTCOME_UNKNOWN: nothing reached the provider, so the retry runs.
      await expectError(await write(), 502, 'TESSERA_UPSTREAM_UNREACHABLE');
    });

    test('a provider that never answers: 504 within the request budget, retries included', async () => {
      const started = Date.now();
      const body = await expectError(await list('hang'), 504, 'TESSERA_UPSTREAM_TIME_BUDGET_SPENT');
      const elapsed = Date.now() - started;
      assert.ok(elapsed >= BUDGET_MS - 50 && elapsed < BUDGET_MS + 1000, `answered after ${elapsed} ms`);
      assert.match(body.message, new RegExp(`${BUDGET_MS} ms`));
      assert.match(body.message, /TESSERA_UPSTREAM_REQUEST_BUDGET_MS/);
    });
  });
}

/** Waits for the socket to take more, or to go away; leaves no listener behind either way. */
function drainedOrClosed(res: import('node:http').ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}
