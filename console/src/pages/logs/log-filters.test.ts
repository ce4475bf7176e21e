import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_FILTERS, filtersSearch, logQuery, readFilters, statusList, timeBounds, type LogFilters } from './log-filters.ts';

const NOW = new Date('2026-12-08T12:00:00.000Z');
const f = (over: Partial<LogFilters>): LogFilters => ({ ...DEFAULT_FILTERS, ...over });

test('the URL keeps only what differs from the defaults, and reads back the same filters', () => {
  assert.equal(filtersSearch(DEFAULT_FILTERS), '');
  const filters = f({ type: 'webhook', account: 'a-b', status: '4xx', range: 'custom', from: '2026-12-01T10:00', to: '2026-12-02T10:00', requestId: 'r 1' });
  const search = filtersSearch(filters);
  assert.deepEqual(readFilters(search), filters);
  assert.deepEqual(readFilters('?type=nope&range=9y'), DEFAULT_FILTERS);
});

test('a status class is its hundred codes; exact statuses pass; anything else is refused with a message', () => {
  const codes = statusList('5xx')!.split(',');
  assert.equal(codes.length, 100);
  assert.equal(codes[0], '500');
  assert.equal(codes[99], '599');
  assert.equal(statusList('404, 502'), '404,502');
  assert.equal(statusList(''), undefined);
  assert.throws(() => statusList('6xx'), /Status must be/);
  assert.throws(() => statusList('20'), /Status must be/);
});

test('time bounds: presets count back from now; a custom range past 31 days or backwards is refused', () => {
  assert.deepEqual(timeBounds(f({ range: '1h' }), NOW), { gte: '2026-12-08T11:00:00.000Z' });
  const custom = timeBounds(f({ range: 'custom', from: '2026-11-01T00:00Z', to: '2026-12-01T00:00Z' }), NOW);
  assert.deepEqual(custom, { gte: '2026-11-01T00:00:00.000Z', lt: '2026-12-01T00:00:00.000Z' });
  assert.throws(() => timeBounds(f({ range: 'custom', from: '2026-10-01T00:00Z', to: '2026-12-01T00:00Z' }), NOW), /31 days/);
  assert.throws(() => timeBounds(f({ range: 'custom', from: '2026-11-01T00:00Z' }), NOW), /31 days/, 'an open range ends now');
  assert.throws(() => timeBounds(f({ range: 'custom', from: '2026-12-02T00:00Z', to: '2026-12-01T00:00Z' }), NOW), /after/);
});

test('GET /log query: the filters under log_type_filter, the cursor when paging', () => {
  assert.deepEqual(logQuery(f({ account: 'acc', status: '404', requestId: ' rid ' }), NOW, 'cur'), {
    log_type: 'unified_proxy_api',
    log_type_filter: { integrated_account_id: 'acc', status: { in: '404' }, request_id: 'rid' },
    created_at: { gte: '2026-12-07T12:00:00.000Z' },
    limit: 50,
    next_cursor: 'cur',
  });
  assert.equal('log_type_filter' in logQuery(DEFAULT_FILTERS, NOW), false);
});
