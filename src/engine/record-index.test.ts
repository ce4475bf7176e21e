import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecordIndex } from './record-index.ts';

const T = 'usage-metering/users';

test('records are found by account, target and id, as strings, until they expire', () => {
  let now = 1_000;
  const index = new RecordIndex({ ttlMs: 500, maxEntries: 100, now: () => now });
  index.addPage('acc', T, 'members', [
    { unified: { id: 'u1' }, raw: { n: 1 } },
    { unified: { id: 42 }, raw: { n: 2 } },
    { unified: {}, raw: { n: 3 } },
  ]);
  assert.deepEqual(index.get('acc', T, 'u1'), { raw: { n: 1 }, resource: 'members' });
  assert.deepEqual(index.get('acc', T, '42'), { raw: { n: 2 }, resource: 'members' });
  assert.equal(index.get('other', T, 'u1'), undefined, 'another account sees nothing');
  assert.equal(index.get('acc', 'usage-metering/usage', 'u1'), undefined, 'another target sees nothing');
  assert.equal(index.get('acc', T, ''), undefined);
  now += 500;
  assert.equal(index.get('acc', T, 'u1'), undefined, 'expired');
});

test('a write invalidates what was indexed before it, not what is indexed after', () => {
  const index = new RecordIndex({ ttlMs: 10_000, maxEntries: 100 });
  const page = (raw: string) => [{ unified: { id: 'u1' }, raw }];
  index.addPage('acc', T, 'members', page('old'));
  index.addPage('acc2', T, 'members', page('kept'));
  index.invalidate('acc', T);
  assert.equal(index.get('acc', T, 'u1'), undefined);
  assert.equal(index.get('acc2', T, 'u1')?.raw, 'kept');
  index.addPage('acc', T, 'members', page('new'));
  assert.equal(index.get('acc', T, 'u1')?.raw, 'new');
});

test('memory is bounded: a long stream keeps only the most recent records', () => {
  const index = new RecordIndex({ ttlMs: 10_000, maxEntries: 1_000 });
  for (let p = 0; p < 1_000; p++) {
    index.addPage(
      'acc',
      T,
      'members',
      Array.from({ length: 100 }, (_, i) => ({ unified: { id: `u${p * 100 + i}` }, raw: p * 100 + i })),
    );
  }
  assert.ok(index.size <= 1_000, `${index.size} records held`);
  assert.equal(index.get('acc', T, 'u99999')?.raw, 99_999);
  assert.equal(index.get('acc', T, 'u99500')?.raw, 99_500);
  assert.equal(index.get('acc', T, 'u0'), undefined);
});

test('a TTL of 0 (TESSERA_RECORD_INDEX_TTL_S=0) turns the index off: nothing listed answers a get', () => {
  const index = new RecordIndex({ ttlMs: 0, maxEntries: 100 });
  index.addPage('acct', 'usage-metering/users', 'members', [{ unified: { id: 'u1' }, raw: { id: 'u1' } }]);
  assert.equal(index.get('acct', 'usage-metering/users', 'u1'), undefined);
  const on = new RecordIndex({ ttlMs: 1_000, maxEntries: 100 });
  on.addPage('acct', 'usage-metering/users', 'members', [{ unified: { id: 'u1' }, raw: { id: 'u1' } }]);
  assert.deepEqual(on.get('acct', 'usage-metering/users', 'u1'), { raw: { id: 'u1' }, resource: 'members' });
});
