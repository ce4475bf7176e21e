import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cacheKey, ReadThroughCache } from './read-through-cache.ts';

const counting = <V>(values: V[]) => {
  let calls = 0;
  return {
    load: async () => values[Math.min(calls++, values.length - 1)],
    get calls() {
      return calls;
    },
  };
};

test('a hit is served without loading; concurrent misses share one load; misses are kept only when asked', async () => {
  const cache = new ReadThroughCache<string | undefined>({ max: 10, ttlMs: 60_000 });
  const source = counting(['one', 'two']);
  assert.deepEqual(await Promise.all([cache.get('k', source.load), cache.get('k', source.load)]), ['one', 'one']);
  assert.equal(await cache.get('k', source.load), 'one');
  assert.equal(source.calls, 1);

  const none = counting<string | undefined>([undefined, 'late']);
  assert.equal(await cache.get('absent', none.load), undefined);
  assert.equal(await cache.get('absent', none.load), 'late', 'an absent row is asked for again');
  const kept = new ReadThroughCache<string | undefined>({ max: 10, ttlMs: 60_000, cacheMisses: true });
  const none2 = counting<string | undefined>([undefined, 'late']);
  await kept.get('absent', none2.load);
  assert.equal(await kept.get('absent', none2.load), undefined);
  assert.equal(none2.calls, 1);
});

test('an entry expires after its TTL', async () => {
  const cache = new ReadThroughCache<string>({ max: 10, ttlMs: 30 });
  const source = counting(['old', 'new']);
  assert.equal(await cache.get('k', source.load), 'old');
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(await cache.get('k', source.load), 'new');
});

test('a load under way when the key is invalidated is returned but not kept, and later callers load afresh', async () => {
  const cache = new ReadThroughCache<string>({ max: 10, ttlMs: 60_000 });
  let release!: (v: string) => void;
  const slow = cache.get('k', () => new Promise<string>((r) => (release = r)));
  cache.delete('k'); // the write lands while the old row is being read
  const fresh = cache.get('k', async () => 'after the write');
  release('before the write');
  assert.equal(await slow, 'before the write');
  assert.equal(await fresh, 'after the write');
  assert.equal(await cache.get('k', async () => 'never asked'), 'after the write');
});

test('delete, deletePrefix and clear drop what they name', async () => {
  const cache = new ReadThroughCache<string>({ max: 10, ttlMs: 60_000 });
  for (const k of [cacheKey('env', 'a'), cacheKey('env', 'b'), cacheKey('envx', 'a')]) await cache.get(k, async () => k);
  cache.deletePrefix(cacheKey('env', ''));
  assert.equal(cache.size, 1, 'only envx stays: a prefix is a whole part');
  cache.delete(cacheKey('envx', 'a'));
  assert.equal(cache.size, 0);
  await cache.get('x', async () => 'x');
  cache.clear();
  assert.equal(await cache.get('x', async () => 'reloaded'), 'reloaded');
});

test('a failed load is not kept', async () => {
  const cache = new ReadThroughCache<string>({ max: 10, ttlMs: 60_000 });
  await assert.rejects(
    cache.get('k', async () => Promise.reject(new Error('db down'))),
    /db down/,
  );
  assert.equal(await cache.get('k', async () => 'back'), 'back');
});
