import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mapUpstreamRecords } from './map-records.ts';

const call = { model: 'usage-metering', resource: 'usage', method: 'list', query: {}, rawQuery: {} };
const base = { integrationName: 'fixture', call, sideLoad: {}, context: {}, before: {}, headers: {} };

test('a per-record mapping may return several rows: one bucket becomes one row per result, each keeping the bucket as its source', async () => {
  const buckets = [
    {
      start: 1,
      results: [
        { m: 'a', n: 1 },
        { m: 'b', n: 2 },
      ],
    },
    { start: 2, results: [] },
    { start: 3, results: [{ m: 'a', n: 5 }] },
  ];
  const rows = await mapUpstreamRecords({
    ...base,
    config: { response_mapping: '[record.results.{ "id": $string(%.start) & ":" & m, "n": n }]' },
    records: buckets,
  });
  assert.deepEqual(
    rows.map((r) => [r.unified.id, r.unified.n]),
    [
      ['1:a', 1],
      ['1:b', 2],
      ['3:a', 5],
    ],
  );
  assert.equal(rows[1].raw, buckets[0], 'each row keeps its upstream record as raw');
  assert.deepEqual(rows[2].unified.remote_data, buckets[2]);
});

test('an object result is still one row, and a non-object result none', async () => {
  const rows = await mapUpstreamRecords({
    ...base,
    config: { response_mapping: 'record.keep ? { "id": record.id }' },
    records: [{ id: 'x', keep: true }, { id: 'y' }],
  });
  assert.deepEqual(
    rows.map((r) => r.unified.id),
    ['x'],
  );
});
