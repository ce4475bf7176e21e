import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeRetryAfter, parseRetryAfter } from './retry-after.ts';

const NOW = Date.parse('2026-03-01T12:00:00Z');

test('Retry-After in both forms: delta-seconds and HTTP-date; anything else is no wait at all', () => {
  assert.equal(parseRetryAfter('120', NOW), 120);
  assert.equal(parseRetryAfter(' 0 ', NOW), 0);
  assert.equal(parseRetryAfter('Sun, 01 Mar 2026 12:00:30 GMT', NOW), 30);
  assert.equal(parseRetryAfter('Sun, 01 Mar 2026 11:59:00 GMT', NOW), 0, 'a date in the past: retry now');
  assert.equal(parseRetryAfter(7.5, NOW), 7.5, 'an expression may already give a number');
  for (const bad of ['soon', '-5', '1e3', '', 'NaN', undefined, null, -1, Number.NaN]) assert.equal(parseRetryAfter(bad, NOW), undefined, String(bad));
});

test("headers are normalised to seconds for an integration's expressions; garbage is dropped, not passed on", () => {
  assert.deepEqual(normalizeRetryAfter({ 'retry-after': 'Sun, 01 Mar 2026 12:01:00 GMT', x: '1' }, NOW), { x: '1', 'retry-after': '60' });
  const same = { 'retry-after': '5' };
  assert.equal(normalizeRetryAfter(same, NOW), same);
  assert.deepEqual(normalizeRetryAfter({ 'retry-after': 'whenever' }, NOW), {});
  assert.deepEqual(normalizeRetryAfter({}, NOW), {});
});
