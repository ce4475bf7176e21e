import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { parseQueryString } from '../../../src/query/unified-query.ts';
import { Tessera } from '../src/index.ts';
import { stringifyQuery } from '../src/query.ts';

/**
 * The SDK's query strings, read back by the server's own parser (src/http/query.ts), must give
 * the same structure with every scalar as its text: booleans and numbers as 'true' / '25', Dates
 * as ISO 8601, null as ''. `wire()` states that rule; keys whose value is undefined, and empty
 * arrays and objects, have no spelling in a query string and vanish.
 */
function wire(value: unknown): unknown {
  if (value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.filter((v) => v !== undefined && !isEmptyContainer(v)).map(wire);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (v !== undefined && !isEmptyContainer(v)) out[k] = wire(v);
    return out;
  }
  return String(value);
}
const isEmptyContainer = (v: unknown) =>
  Array.isArray(v) ? v.length === 0 : v !== null && typeof v === 'object' && !(v instanceof Date) && Object.keys(v).length === 0;

const many = Array.from({ length: 45 }, (_, i) => `field_${i}`);
const CASES: Record<string, Record<string, unknown>> = {
  scalars: {
    integrated_account_id: '7d0c6a39-2b1e-4c3f-9a5d-1e2f3a4b5c6d',
    limit: 25,
    truto_ignore_remote_data: true,
    truto_skip_api_call: false,
    ratio: 0.5,
    big: 10n,
  },
  'arrays of strings (beyond qs’s default arrayLimit of 20)': { truto_exclude_fields: ['roles', 'emails'], ids: many },
  'nested objects': { remote_query: { foo: 'bar', filter: { status: 'active', since: { gte: '2024-01-01' } } } },
  'arrays of objects': {
    sort: [
      { field: 'email', order: 'asc' },
      { field: 'created_at', order: 'desc' },
    ],
  },
  'operators and dates': { created_at: { gt: new Date('2024-01-01T00:00:00Z'), lte: new Date('2024-02-01T12:30:00.250Z') }, id: { in: ['a', 'b'] } },
  'characters that need encoding': {
    q: 'a&b=c d+e%f',
    comma: 'x,y,z',
    brackets: '[not] a [key]',
    unicode: 'naïve 日本 🚀',
    slash: 'a/b?c#d',
    empty: '',
  },
  'null, undefined and empty containers': { a: null, b: undefined, c: [], d: {}, e: ['x', null], f: { g: undefined, h: 'kept' } },
  'booleans inside structures': { remote_query: { archived: false, flags: [true, false] } },
};

test('the server’s parser reads back every query the SDK writes (in memory)', () => {
  for (const [name, query] of Object.entries(CASES)) {
    const text = stringifyQuery(query);
    assert.deepEqual(parseQueryString(text), wire(query), `${name}: ${text}`);
  }
});

test('the wire form is qs indices with percent-encoded brackets, as Truto’s SDK sends', () => {
  assert.equal(
    stringifyQuery({ truto_exclude_fields: ['id', 'name'], remote_query: { foo: 'bar' } }),
    'truto_exclude_fields%5B0%5D=id&truto_exclude_fields%5B1%5D=name&remote_query%5Bfoo%5D=bar',
  );
  assert.equal(stringifyQuery({ flag: true, n: 3, space: 'a b' }), 'flag=true&n=3&space=a%20b');
  assert.equal(stringifyQuery(undefined), '');
});

let server: http.Server;
let baseUrl: string;
before(async () => {
  // Echoes what the server's parser makes of the query string that arrived over the socket.
  server = http.createServer((req, res) => {
    const raw = (req.url ?? '').split('?').slice(1).join('?');
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ raw, parsed: parseQueryString(raw) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test('over HTTP: what the SDK sends is what the server’s parser reads', async () => {
  const tessera = new Tessera({ token: 't', baseUrl });
  for (const [name, query] of Object.entries(CASES)) {
    const echo = await tessera.request<{ raw: string; parsed: unknown }>('GET', '/echo', { query });
    assert.deepEqual(echo.parsed, wire(query), `${name}: ${echo.raw}`);
  }
  // Through the resource APIs too: the target keys leave the query, the rest arrive intact.
  const query = { truto_exclude_fields: ['roles'], remote_query: { foo: { bar: 'baz' } }, truto_ignore_remote_data: true };
  const viaUnified = (await tessera.unifiedApi.get('x', {
    unified_model: 'usage-metering',
    resource: 'echo',
    integrated_account_id: 'acc',
    ...query,
  })) as unknown as { parsed: unknown };
  assert.deepEqual(viaUnified.parsed, wire({ integrated_account_id: 'acc', ...query }));
});
