import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { test } from 'node:test';
import { MemoryWindowCounter } from './memory-counter.ts';
import { FallbackWindowCounter } from './fallback-counter.ts';
import { REDIS_COMMAND_TIMEOUT_MS, RedisWindowCounter } from './redis-counter.ts';

test('memory counter: a window opens at the first hit, counts, and resets when it ends', async () => {
  let now = 1_000_000;
  const counter = new MemoryWindowCounter(() => now);
  assert.deepEqual(await counter.hit('a', 10), { count: 1, resetAt: 1_010_000 });
  now += 9_999;
  assert.deepEqual(await counter.hit('a', 10), { count: 2, resetAt: 1_010_000 });
  assert.deepEqual(await counter.hit('b', 10), { count: 1, resetAt: 1_019_999 }, 'keys count apart');
  now = 1_010_000;
  assert.deepEqual(await counter.hit('a', 10), { count: 1, resetAt: 1_020_000 }, 'the ended window is forgotten');
});

/**
 * Against a real Redis when one is reachable (TESSERA_TEST_REDIS_URL, default the local one);
 * the embedded default never needs it.
 */
const redisUrl = process.env.TESSERA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redis = await new RedisWindowCounter(redisUrl, `tessera-test:${randomUUID()}:`).connect().catch(() => undefined);

test('redis counter: replicas share one window per key', { skip: redis ? false : `no Redis at ${redisUrl}` }, async () => {
  const replica = await new RedisWindowCounter(redisUrl, redis!.prefix).connect();
  try {
    const first = await redis!.hit('k', 1);
    assert.equal(first.count, 1);
    assert.ok(first.resetAt - Date.now() <= 1000 && first.resetAt - Date.now() > 500, 'the window ends about a second after the first hit');
    assert.equal((await replica.hit('k', 1)).count, 2, 'a second replica sees the same count');
    assert.equal((await redis!.hit('other', 1)).count, 1);
    await new Promise((r) => setTimeout(r, 1100));
    assert.equal((await replica.hit('k', 1)).count, 1, 'the key expired with its window');
  } finally {
    await replica.close();
    await redis!.close();
  }
});

test('redis counter: an unreachable Redis fails at connect() with a message, and stops trying', async () => {
  const started = Date.now();
  await assert.rejects(new RedisWindowCounter('redis://127.0.0.1:1').connect(), /^Error: Cannot connect to Redis \(TESSERA_REDIS_URL\)/);
  assert.ok(Date.now() - started < 5_000, 'fails instead of retrying forever');
  // A reconnect loop would keep this test process alive; node:test would then never finish the file.
});

function recordingLogger() {
  const lines: string[] = [];
  return { lines, logger: { warn: (_: unknown, msg: string) => lines.push(`warn ${msg}`), info: (_: unknown, msg: string) => lines.push(`info ${msg}`) } };
}

test('fallback counter: Redis down at start-up → every hit answers at once from memory, and the outage is logged once', async () => {
  const { lines, logger } = recordingLogger();
  const counter = new FallbackWindowCounter(new RedisWindowCounter('redis://127.0.0.1:1').start(), logger as never);
  try {
    for (let i = 1; i <= 20; i++) {
      const started = performance.now();
      const hit = await counter.hit('k', 10);
      assert.ok(performance.now() - started < 50, 'no queueing, no waiting for a connection');
      assert.equal(hit.count, i, 'counted in memory');
    }
    assert.equal(lines.length, 1, lines.join('\n'));
    assert.match(lines[0], /TESSERA_REDIS_URL/);
    assert.equal(counter.degraded, true);
    const check = await counter.check();
    assert.equal(check.ok, false);
    assert.match(check.detail, /^unavailable \(limits in memory\)/);
  } finally {
    await counter.close();
  }
});

test('fallback counter: a Redis that accepts the connection but never answers costs at most the command timeout', async () => {
  // A socket that reads and never writes: ioredis connects (it does not wait for a greeting) and
  // then every command would hang without commandTimeout and our own bound on EXEC.
  const sockets = new Set<net.Socket>();
  const silent = net.createServer((s) => {
    sockets.add(s);
    s.on('data', () => {});
  });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const { lines, logger } = recordingLogger();
  const counter = new FallbackWindowCounter(new RedisWindowCounter(`redis://127.0.0.1:${(silent.address() as net.AddressInfo).port}`).start(), logger as never);
  try {
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      await counter.hit('k', 10);
      const ms = performance.now() - started;
      assert.ok(ms < REDIS_COMMAND_TIMEOUT_MS + 100, `answered in ${Math.round(ms)} ms`);
    }
    assert.equal(lines.length, 1, 'one line per outage');
  } finally {
    await counter.close();
    for (const s of sockets) s.destroy();
    silent.close();
  }
});

test('fallback counter: shares windows through a real Redis while it is up', { skip: redis ? false : `no Redis at ${redisUrl}` }, async () => {
  const prefix = `tessera-test:${randomUUID()}:`;
  const { lines, logger } = recordingLogger();
  const a = new FallbackWindowCounter(new RedisWindowCounter(redisUrl, prefix).start(), logger as never);
  const b = new FallbackWindowCounter(new RedisWindowCounter(redisUrl, prefix).start(), logger as never);
  try {
    // start() does not wait for the connection; until it is up the hits go to memory.
    for (let i = 0; i < 50 && !(await a.check()).ok; i++) await new Promise((r) => setTimeout(r, 20));
    for (let i = 0; i < 50 && !(await b.check()).ok; i++) await new Promise((r) => setTimeout(r, 20));
    const first = (await a.hit('shared', 10)).count;
    assert.equal((await b.hit('shared', 10)).count, first + 1, 'the second replica sees the hit of the first');
    assert.deepEqual(await a.check(), { ok: true, detail: 'ok' });
    assert.deepEqual(lines, [], 'no outage while Redis is up');
  } finally {
    await a.close();
    await b.close();
  }
});

test(
  'fallback counter: an outage in the middle goes to memory, and Redis is used again when it returns',
  { skip: redis ? false : `no Redis at ${redisUrl}` },
  async () => {
    // A TCP relay in front of the real Redis: closing it is an outage, listening again a recovery.
    const target = new URL(redisUrl);
    const sockets = new Set<net.Socket>();
    const relay = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 6379), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => {});
        s.once('close', () => sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const port = (relay.address() as net.AddressInfo).port;
    const { lines, logger } = recordingLogger();
    const counter = new FallbackWindowCounter(new RedisWindowCounter(`redis://127.0.0.1:${port}`, `tessera-test:${randomUUID()}:`).start(), logger as never);
    const waitFor = async (ok: boolean) => {
      for (let i = 0; i < 100 && (await counter.check()).ok !== ok; i++) await new Promise((r) => setTimeout(r, 50));
      assert.equal((await counter.check()).ok, ok);
    };
    try {
      await waitFor(true);
      assert.equal((await counter.hit('k', 60)).count, 1);
      assert.equal((await counter.hit('k', 60)).count, 2);

      relay.close(); // stop accepting; the open connections are cut below
      for (const s of sockets) s.destroy();
      await waitFor(false);
      const started = performance.now();
      assert.equal((await counter.hit('k', 60)).count, 1, 'the memory window starts afresh');
      assert.ok(performance.now() - started < 50);
      assert.equal(counter.degraded, true);

      await new Promise<void>((r) => relay.listen(port, '127.0.0.1', r));
      await waitFor(true);
      assert.equal((await counter.hit('k', 60)).count, 3, 'back on the shared window, which kept counting in Redis');
      assert.equal(counter.degraded, false);
      assert.deepEqual(
        lines.map((l) => l.split(' ')[0]),
        ['warn', 'info'],
        'one line when the outage starts, one when it ends',
      );
    } finally {
      await counter.close();
      for (const s of sockets) s.destroy();
      relay.close();
    }
  },
);
