import assert from 'node:assert/strict';
import { test } from 'node:test';
import qs from 'qs';
import { parseQueryString } from '../../../src/query/unified-query.ts';
import { stringifyQuery } from '@tessera-api/sdk';
import { toCsv } from '../src/format.ts';
import { parseQueryArgs, splitPairs } from '../src/query-args.ts';
import { renderRecord, renderTable } from '../src/table.ts';

test('-q pairs: commas split pairs, continue values, and \\, escapes', () => {
  assert.deepEqual(splitPairs('limit=5,truto_ignore_remote_data=true'), [
    ['limit', '5'],
    ['truto_ignore_remote_data', 'true'],
  ]);
  assert.deepEqual(splitPairs('truto_exclude_fields=id,name,limit=5'), [
    ['truto_exclude_fields', 'id,name'],
    ['limit', '5'],
  ]);
  assert.deepEqual(splitPairs('q=a\\,b'), [['q', 'a,b']]);
  assert.deepEqual(splitPairs('remote_query[foo]=bar=baz'), [['remote_query[foo]', 'bar=baz']]);
  assert.throws(() => splitPairs('novalue'), /expected key=value/);
});

test('-q values reach the server exactly as typed (bracket keys, repeats, nesting)', () => {
  const query = parseQueryArgs([
    'truto_exclude_fields[]=roles',
    'truto_exclude_fields[]=emails',
    'remote_query[foo]=bar',
    'remote_query[a][b]=c',
    'ids=x',
    'ids=y',
  ]);
  assert.deepEqual(query, {
    truto_exclude_fields: ['roles', 'emails'],
    remote_query: { foo: 'bar', a: { b: 'c' } },
    ids: ['x', 'y'],
  });
  // What the SDK sends is what the server's parser reads back.
  assert.deepEqual(parseQueryString(stringifyQuery(query)), query);
  assert.deepEqual(qs.parse(stringifyQuery({ a: 'x&y=z' })), { a: 'x&y=z' });
});

test('table: 80 columns at most, ids whole, long cells ellipsized, nested values flattened', () => {
  const records = Array.from({ length: 3 }, (_, i) => ({
    id: `d57833f2-d308-4ede-9d2e-468d9d01${String(i).padStart(4, '0')}`,
    name: `someone.with.a.really.long.address.${i}@example-company-with-long-domain.com`,
    status: 'active',
    organization: { id: 'org-1', name: 'An organization whose name does not fit anywhere at all' },
    roles: [
      { id: 'admin', name: 'admin' },
      { id: 'x', name: 'x' },
    ],
    description: 'line one\nline two',
    remote_data: { secret: 'not shown' },
  }));
  const out = renderTable(records, { width: 80 });
  const lines = out.trimEnd().split('\n');
  for (const line of lines) assert.ok([...line].length <= 80, `${[...line].length}: ${line}`);
  assert.match(lines[0], /^id {34} {2}name/);
  records.forEach((r, i) => assert.ok(lines[i + 2].startsWith(r.id)));
  assert.match(out, /…/);
  assert.doesNotMatch(out, /remote_data|not shown|\[object Object\]/);
  // Wider terminals get more columns; a newline inside a cell never breaks a row.
  const wide = renderTable(records, { width: 250 });
  assert.match(wide, /line one line two/);
  assert.equal(wide.trimEnd().split('\n').length, 5);
  assert.equal(renderTable([], { width: 80 }), '(no records)\n');

  const single = renderRecord(records[0], { width: 60 });
  for (const line of single.trimEnd().split('\n')) assert.ok([...line].length <= 60, line);
  assert.match(single, /^organization\.name\s+An organization/m);
  assert.match(single, /^roles\[1\]\.id\s+x$/m);
});

test('csv quotes what RFC 4180 requires and keeps remote_data as one JSON cell', () => {
  const csv = toCsv([
    { id: '1', name: 'Doe, "Jo"', remote_data: { a: 1 } },
    { id: '2', name: 'plain' },
  ]);
  assert.equal(csv, 'id,name,remote_data\r\n1,"Doe, ""Jo""","{""a"":1}"\r\n2,plain,\r\n');
});
