import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { storm, type StormResult } from '../../bench/connections.ts';
import { startCustomStack, type CustomStack } from '../helpers/custom-stack.ts';
import { createAccount, startStub, writeCatalog, type Stub } from '../hostile/stub-upstream.ts';

/**
 * 200 connections at once, over real sockets, against a replica set to handle 10 requests at a
 * time with 20 more queued: every connection gets an answer. The provider holds every call it
 * gets until the test lets go, so which requests run, wait or are refused is decided by counts,
 * never by timing: 10 reach the provider, 20 wait in the queue, and the other 170 are refused at
 * once with 503 TESSERA_OVERLOADED and Retry-After, before any of the 30 finish. Once the
 * provider answers, the 10 and then the 20 queued ones get their 200.
 */
const RUNNING = 10;
const QUEUED = 20;
const CONNECTIONS = 200;

let stub: Stub;
let catalog: ReturnType<typeof writeCatalog>;
let stack: CustomStack;
let account: string;
let hold = false;
let release: () => void = () => {};
let released = Promise.resolve();

before(async () => {
  stub = await startStub(async (_req, res) => {
    if (hold) await released;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [{ id: '1' }] }));
  });
  catalog = writeCatalog({ held: stub.origin });
  stack = await startCustomStack(catalog.dir, {
    TESSERA_MAX_CONCURRENT_REQUESTS: String(RUNNING),
    TESSERA_MAX_QUEUED_REQUESTS: String(QUEUED),
    // Long enough that no queued request is refused for waiting: the provider's release decides.
    TESSERA_QUEUE_TIMEOUT_MS: '120000',
  });
  account = await createAccount(stack, 'held');
});
after(async () => {
  release();
  await stack?.close();
  await stub?.close();
  catalog?.remove();
});

/** Resolves once `count` of `answers` have come in with `status`. */
function arrivals(): { seen: (status: number) => void; waitFor: (status: number, count: number) => Promise<void> } {
  const counts = new Map<number, number>();
  const waiters: { status: number; count: number; resolve: () => void }[] = [];
  return {
    seen(status) {
      counts.set(status, (counts.get(status) ?? 0) + 1);
      for (const w of waiters) if ((counts.get(w.status) ?? 0) >= w.count) w.resolve();
    },
    waitFor: (status, count) =>
      new Promise<void>((resolve) => {
        if ((counts.get(status) ?? 0) >= count) resolve();
        else waiters.push({ status, count, resolve });
      }),
  };
}

/** Polls until `ok()`; the test's own timeout is the only limit (no timing is asserted). */
async function until(ok: () => boolean): Promise<void> {
  while (!ok()) await new Promise((r) => setTimeout(r, 10));
}

async function holdProvider(): Promise<void> {
  hold = true;
  released = new Promise<void>((resolve) => (release = resolve));
}

test(
  `${CONNECTIONS} connections at once, ${RUNNING} running and ${QUEUED} queued: the other ${CONNECTIONS - RUNNING - QUEUED} get 503 with Retry-After at once, none unanswered`,
  { timeout: 90_000 },
  async () => {
    await holdProvider();
    const before = stub.requests.length;
    const path = `/proxy/items?integrated_account_id=${account}`;
    const seen = arrivals();
    const result: Promise<StormResult> = storm(stack.apiUrl, path, { authorization: `Bearer ${stack.token}` }, CONNECTIONS, 110_000, seen.seen);

    // The refused ones are all answered while the admitted ones are still held by the provider.
    await seen.waitFor(503, CONNECTIONS - RUNNING - QUEUED);
    await until(() => stub.requests.length - before >= RUNNING);
    assert.equal(stub.requests.length - before, RUNNING, 'exactly the admitted requests reached the provider');
    release();
    const r = await result;
    console.log(`# ${CONNECTIONS} connections: ${JSON.stringify({ ...r, p50: Math.round(r.p50), p99: Math.round(r.p99), wallMs: Math.round(r.wallMs) })}`);

    assert.equal(r.unanswered, 0, `unanswered: ${JSON.stringify(r.unansweredWhy)}`);
    assert.equal(r.answered, CONNECTIONS);
    assert.deepEqual(r.statuses, { 200: RUNNING + QUEUED, 503: CONNECTIONS - RUNNING - QUEUED });
    assert.equal(r.retryAfter503, CONNECTIONS - RUNNING - QUEUED, 'every 503 carries Retry-After');
    assert.equal(stub.requests.length - before, RUNNING + QUEUED, 'the refused requests never reached the provider');
    hold = false;
  },
);

test('the 503 is the contract envelope with TESSERA_OVERLOADED; /health and /ready are never queued', { timeout: 60_000 }, async () => {
  await holdProvider();
  const before = stub.requests.length;
  const path = `/proxy/items?integrated_account_id=${account}`;
  const extra = 5;
  const seen = arrivals();
  const answers = Array.from({ length: RUNNING + QUEUED + extra }, () =>
    stack.api(path).then(async (res) => {
      const answer = {
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        connection: res.headers.get('connection'),
        body: (await res.json()) as Record<string, unknown>,
      };
      seen.seen(res.status);
      return answer;
    }),
  );
  // Whatever the order of arrival: 10 run, 20 wait, 5 are refused, all while the provider holds.
  await seen.waitFor(503, extra);
  await until(() => stub.requests.length - before >= RUNNING);
  assert.equal(stub.requests.length - before, RUNNING);
  for (const open of ['/health', '/ready']) assert.equal((await fetch(`${stack.apiUrl}${open}`)).status, 200, `${open} answers while the replica is full`);
  release();
  const all = await Promise.all(answers);
  const refused = all.filter((a) => a.status === 503);
  assert.equal(refused.length, extra);
  assert.equal(all.filter((a) => a.status === 200).length, RUNNING + QUEUED);
  for (const a of refused) {
    assert.match(a.retryAfter ?? '', /^[1-9]\d*$/);
    assert.equal(a.connection, 'close');
    assert.equal(a.body.statusCode, 503);
    assert.equal(a.body.error, 'Service Unavailable');
    assert.equal(a.body.code, 'TESSERA_OVERLOADED');
    assert.match(String(a.body.message), /^Server busy: 10 requests in progress and 20 queued/);
  }
  hold = false;
});

test('clients that pipeline requests and hang up free every slot and queue place they held', { timeout: 90_000 }, async () => {
  await holdProvider();
  const before = stub.requests.length;
  const { port } = new URL(stack.apiUrl);
  const get = `GET /proxy/items?integrated_account_id=${account} HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${stack.token}\r\n\r\n`;
  // Each socket sends two requests at once: the first takes a slot, the second waits behind it
  // (its response cannot start before the first's). 10 sockets: 10 running, 10 queued.
  const sockets = await Promise.all(
    Array.from(
      { length: RUNNING },
      () =>
        new Promise<net.Socket>((resolve) => {
          const socket = net.connect(Number(port), '127.0.0.1', () => {
            socket.write(get + get);
            resolve(socket);
          });
          socket.on('error', () => {});
        }),
    ),
  );
  await until(() => stub.requests.length - before >= RUNNING);
  for (const socket of sockets) socket.destroy();
  // Let the provider answer the calls already made; their clients are gone.
  release();
  hold = false;
  // A queued request whose connection the server has not yet seen close may still start (it is
  // freed when the close arrives); what must not happen is a slot held for good. So: all 10 slots
  // must be free again. 10 requests the provider holds must all reach it; with one slot leaked,
  // the tenth would wait in the queue (120 s here) and this would fail at 20 s.
  await holdProvider();
  const reached = stub.requests.length;
  const answers = Array.from({ length: RUNNING }, () => stack.api(`/proxy/items?integrated_account_id=${account}`));
  const deadline = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`only ${stub.requests.length - reached} of ${RUNNING} reached the provider: slots leaked`)), 20_000).unref(),
  );
  await Promise.race([until(() => stub.requests.length - reached >= RUNNING), deadline]);
  release();
  hold = false;
  for (const res of await Promise.all(answers)) assert.equal(res.status, 200, await res.text());
  assert.ok(stub.requests.length - before >= RUNNING * 2, 'the dropped clients held 10 slots first');
});

test('a client that never finishes its headers gets 408 TESSERA_REQUEST_TIMEOUT, not silence (TESSERA_HEADERS_TIMEOUT_MS)', { timeout: 60_000 }, async () => {
  const slow = await startCustomStack(catalog.dir, { TESSERA_HEADERS_TIMEOUT_MS: '300', TESSERA_REQUEST_TIMEOUT_MS: '600' });
  try {
    const { port } = new URL(slow.apiUrl);
    const answer = await new Promise<string>((resolve, reject) => {
      let text = '';
      const socket = net.connect(Number(port), '127.0.0.1', () => socket.write('GET /health HTTP/1.1\r\nhost: x\r\n'));
      socket.on('data', (c: Buffer) => (text += c.toString()));
      socket.once('close', () => resolve(text));
      socket.once('error', reject);
    });
    assert.match(answer, /^HTTP\/1\.1 408 Request Timeout\r\n/);
    assert.equal((JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { code: string }).code, 'TESSERA_REQUEST_TIMEOUT');
  } finally {
    await slow.close();
  }
});
