import assert from 'node:assert/strict';
import { test } from 'node:test';
import qs from 'qs';
import { QS_OPTIONS, parseQueryString, parseUnifiedQuery } from './unified-query.ts';

const ID = '0b7c3f2e-2b1a-4c3d-9e8f-112233445566';

test('truto_exclude_fields arrives as a string array from every client encoding', () => {
  for (const q of [
    'truto_exclude_fields[]=roles&truto_exclude_fields[]=organization.name',
    'truto_exclude_fields%5B0%5D=roles&truto_exclude_fields%5B1%5D=organization.name',
    'truto_exclude_fields=roles,organization.name',
    'truto_exclude_fields=roles&truto_exclude_fields=organization.name',
    'truto_exclude_fields=roles,,organization.name,',
  ]) {
    assert.deepEqual(parseUnifiedQuery(`integrated_account_id=${ID}&${q}`).excludeFields, ['roles', 'organization.name'], q);
  }
});

test('the TS SDK encoding (qs indices) parses back exactly, beyond qs default array limit', () => {
  const fields = Array.from({ length: 30 }, (_, i) => `f${i}`);
  const wire = qs.stringify({ integrated_account_id: ID, truto_exclude_fields: fields, remote_query: { foo: 'bar', nested: { a: '1' } } });
  const parsed = parseUnifiedQuery(wire);
  assert.deepEqual(parsed.excludeFields, fields);
  assert.deepEqual(parsed.remoteQuery, { foo: 'bar', nested: { a: '1' } });
});

test('an empty next_cursor or limit counts as absent; commas in ordinary values survive', () => {
  const parsed = parseUnifiedQuery(`integrated_account_id=${ID}&next_cursor=&limit=&search=a,b`);
  assert.equal(parsed.nextCursor, undefined);
  assert.equal(parsed.limit, undefined);
  assert.equal(parsed.query.search, 'a,b');
  assert.equal('limit' in parsed.query, false);
});

test('query keeps limit (as a number) and drops the Truto and routing keys', () => {
  const parsed = parseUnifiedQuery(`integrated_account_id=${ID}&limit=25&truto_unknown=1&remote_query[x]=1&next_cursor=abc&foo=bar`);
  assert.deepEqual(parsed.query, { limit: 25, foo: 'bar' });
  assert.equal(parsed.rawQuery.truto_unknown, '1');
});

test('booleans are strict: true/1/false/0 in any case', () => {
  assert.equal(parseUnifiedQuery(`integrated_account_id=${ID}&truto_ignore_remote_data=TRUE`).ignoreRemoteData, true);
  assert.equal(parseUnifiedQuery(`integrated_account_id=${ID}&truto_ignore_remote_data=0`).ignoreRemoteData, false);
  assert.throws(() => parseUnifiedQuery(`integrated_account_id=${ID}&truto_ignore_remote_data=yes`), /must be true or false/);
});

test('client mistakes are 400s that say what to do', () => {
  const cases: [string, RegExp][] = [
    ['', /Missing required query parameters: integrated_account_id/],
    ['integrated_account_id=abc', /must be a UUID/],
    [`integrated_account_id=${ID}&truto_response_format=xml`, /must be one of/],
    [`integrated_account_id=${ID}&limit=-1`, /limit must be an integer/],
    [`integrated_account_id=${ID}&limit=2.5`, /limit must be an integer/],
    [`integrated_account_id=${ID}&remote_query=flat`, /remote_query must be an object/],
    [`integrated_account_id=${ID}&truto_super_query=apac`, /truto_super_query is not supported/],
    [`integrated_account_id=${ID}&a]=1`, /brackets must be balanced/],
    [`integrated_account_id=${ID}&a[b=1`, /brackets must be balanced/],
    [`integrated_account_id=${ID}&%E0%A4%A=1`, /cannot decode/],
  ];
  for (const [q, message] of cases) {
    assert.throws(
      () => parseUnifiedQuery(q),
      (e: any) => e.status === 400 && message.test(e.message),
      q,
    );
  }
});

test('plus decodes to a space and repeated keys combine', () => {
  assert.deepEqual(parseQueryString('a=hello+world&ids=1&ids=2'), { a: 'hello world', ids: ['1', '2'] });
});

test('limit is a plain integer from 1 to 10000; anything else is a 400 naming the range', () => {
  assert.equal(parseUnifiedQuery(`integrated_account_id=${ID}&limit=10000`).limit, 10_000);
  assert.equal(parseUnifiedQuery(`integrated_account_id=${ID}&limit=007`).limit, 7);
  for (const bad of ['0', '10001', '1e308', '1e3', '99999999999999999999', '9007199254740993', '0x10', 'NaN', 'Infinity', '%205', '1.0']) {
    assert.throws(() => parseUnifiedQuery(`integrated_account_id=${ID}&limit=${bad}`), /limit must be an integer from 1 to 10000/, bad);
  }
  assert.throws(() => parseUnifiedQuery(`integrated_account_id=${ID}&limit[]=5`), /limit must be an integer from 1 to 10000, got a list/);
  assert.throws(() => parseUnifiedQuery(`integrated_account_id=${ID}&limit=1&limit=2`), /got a list/);
});

test('an upper-case account id is the same account, lower-cased once', () => {
  assert.equal(parseUnifiedQuery(`integrated_account_id=${ID.toUpperCase()}`).integratedAccountId, ID);
});

test('U+0000 anywhere in the query string is a 400', () => {
  for (const q of ['tenant_id=%00', 'a%00=1', `integrated_account_id=${ID}&remote_query[x]=a%00b`]) {
    assert.throws(() => parseQueryString(q), /must not contain U\+0000/, q);
  }
});

test('prototype-named keys are refused with a 400 (qs would drop them silently), and never reach Object.prototype', () => {
  for (const q of [
    '__proto__[polluted]=1',
    'constructor[prototype][polluted]=1',
    'toString=1',
    'hasOwnProperty=1',
    'remote_query[__proto__][polluted]=1',
    'a[constructor]=1',
    'tenant_id[valueOf]=x',
  ]) {
    assert.throws(
      () => parseQueryString(`${q}&ok=1`),
      (e: { status: number; message: string }) => e.status === 400 && /which is not accepted as a name/.test(e.message),
      q,
    );
  }
  assert.deepEqual(
    parseQueryString('ok=1&constructorish=2&a[proto]=3'),
    { ok: '1', constructorish: '2', a: { proto: '3' } },
    'names that merely look alike pass',
  );
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('flat queries parse exactly as qs parses them', () => {
  const queries = [
    'integrated_account_id=5f0c8a2e-1b2c-4d3e-8f90-123456789abc&limit=10',
    'a=1&b=two+words&c=%C3%A9t%C3%A9&d=&e',
    'a=%zz&b=%E0%A4%A&c=100%25',
    'a=x%5By%5D',
    'a=x]=y',
    'a=1&a=2',
    'a=1&&b=2&',
    '0=zero&b=1&10=ten',
    'a=%2B+%2b&sp%20ace=1',
    'a=1,2,3',
    'x.y=1',
    'q=%00',
    'remote_query[a]=1&b=2',
    'a%5Bb%5D=1',
    '',
  ];
  for (const query of queries) {
    let expected: unknown;
    try {
      expected = qs.parse(query, QS_OPTIONS);
    } catch (e) {
      expected = e;
    }
    let actual: unknown;
    try {
      actual = parseQueryString(query);
    } catch (e) {
      actual = e;
    }
    // parseQueryString refuses U+0000 before parsing; everything else must match qs.
    if (query.includes('%00')) assert.ok(actual instanceof Error, query);
    else assert.deepStrictEqual(actual, expected, query);
  }
});
