import assert from 'node:assert/strict';
import { test } from 'node:test';
import qs from 'qs';
import { buildUrl, errorMessage, stringifyQuery } from './api.ts';

/**
 * The console writes query strings itself (qs's browser build is 10 kB gzipped of polyfills), so
 * they are checked against qs, which the server parses them with: the same text for the same
 * values, and qs's parse gives the values back.
 */
const QS_OPTIONS = { encodeValuesOnly: true, skipNulls: true } as const;
const HARD = `it's "quoted" (with) spaces & ünïcødé ✓ = 100%! *~-_.`;

const cases: Record<string, unknown>[] = [
  { limit: 2, integrated_account_id: '7d3f9518-d960-4920-a613-bd80418510da' },
  { truto_exclude_fields: ['roles', 'organization.name'], remote_query: { search: HARD, nested: { deep: [1, 2] } } },
  { a: null, b: undefined, c: '', d: 0, e: false, f: true, g: [], h: {}, i: [null, 'x'] },
  { created_at: { gte: new Date(Date.UTC(2026, 10, 1)) }, 'log_type_filter[status]': 500 },
  { rows: [{ id: 1, tags: ['a', 'b'] }, [3, 4]] },
];

test('stringifyQuery writes what qs.stringify writes, and qs parses it back', () => {
  for (const query of cases) {
    const ours = stringifyQuery(query);
    assert.equal(ours, qs.stringify(query, QS_OPTIONS), JSON.stringify(query));
    assert.deepEqual(qs.parse(ours, { depth: 10 }), qs.parse(qs.stringify(query, QS_OPTIONS), { depth: 10 }));
  }
});

test('buildUrl adds the query only when there is one', () => {
  assert.equal(buildUrl('/environment'), '/environment');
  assert.equal(buildUrl('/environment', {}), '/environment');
  assert.equal(buildUrl('/environment', { a: null }), '/environment');
  assert.equal(buildUrl('/log', { limit: 5, q: 'a b' }), '/log?limit=5&q=a%20b');
});

test("errorMessage: the envelope's message, or what the status says", () => {
  assert.equal(errorMessage(401, { statusCode: 401, message: 'Invalid API token' }), 'Invalid API token');
  assert.equal(errorMessage(502, '<html>Bad gateway</html>'), 'The server answered 502: <html>Bad gateway</html>');
  assert.equal(errorMessage(500, undefined), 'The server answered 500');
});
