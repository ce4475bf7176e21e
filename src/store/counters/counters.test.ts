import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { MemoryWindowCounter } from './memory-counter.ts';
import { RedisWindowCounter } from './redis-counter.ts';

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

test('redis counter: an unreachable Redis fails at start-up with a message, and stops trying', async () => {
  const started = Date.now();
  await assert.rejects(new RedisWindowCounter('redis://127.0.0.1:1').connect(), /^Error: Cannot connect to Redis \(TESSERA_REDIS_URL\)/);
  assert.ok(Date.now() - started < 5_000, 'fails instead of retrying forever');
  // A reconnect loop would keep this test process alive; node:test would then never finish the file.
});
