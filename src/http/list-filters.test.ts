import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseQueryString } from '../query/unified-query.ts';
import { bothText, matchesText, parseListFilters, type FilterSpec } from './list-filters.ts';

const SPECS: Record<string, FilterSpec> = {
  name: { kind: 'text', rule: { maxLength: 8 } },
  'owner.id': { kind: 'uuid' },
  flag: { kind: 'boolean' },
  created_at: { kind: 'date' },
};
const parse = (query: string) => parseListFilters(parseQueryString(query), SPECS, '/things');

test('every list form of one field reads as the same `in`', () => {
  const forms = ['name[]=a&name[]=b', 'name[0]=a&name[1]=b', 'name=a&name=b', 'name[in]=a,b', 'name[in][]=a&name[in][]=b', 'name[in][0]=a&name[in][1]=b'];
  for (const form of forms) assert.deepEqual(parse(form), { name: { in: ['a', 'b'] } }, form);
  // Past qs's array limit indexes stay an object; still a list.
  assert.deepEqual(parse('name[1001]=a&name[1002]=b'), { name: { in: ['a', 'b'] } });
  assert.deepEqual(parse('name=a,b'), { name: { in: ['a,b'] } }, 'a plain value is one value, commas included');
});

test('operators combine as AND; paging parameters are not filters', () => {
  assert.deepEqual(parse('name[in]=a,b,c&name[eq]=b&name[nin]=c&name[ne]=d&limit=5&next_cursor='), { name: { in: ['b'], nin: ['c', 'd'] } });
  assert.deepEqual(parse('owner[id]=6F1B0C2E-8F5A-4C3B-9C1D-2E3F4A5B6C7D&flag=1'), {
    'owner.id': { in: ['6f1b0c2e-8f5a-4c3b-9c1d-2e3f4a5b6c7d'] },
    flag: true,
  });
  assert.deepEqual(parse('owner.id[nin]=6f1b0c2e-8f5a-4c3b-9c1d-2e3f4a5b6c7d&flag[eq]=false'), {
    'owner.id': { nin: ['6f1b0c2e-8f5a-4c3b-9c1d-2e3f4a5b6c7d'] },
    flag: false,
  });
  assert.deepEqual(parse('created_at[eq]=2026-01-02T03:04:05Z'), { created_at: { gte: '2026-01-02T03:04:05.000Z', lte: '2026-01-02T03:04:05.000Z' } });
});

test('anything else is a 400 naming what is accepted', () => {
  const cases: [string, RegExp][] = [
    ['other=1', /\/things has no filter other; its filters are name, owner.id, flag, created_at/],
    ['owner[name]=x', /has no filter owner.name/],
    ['name[like]=a', /name\[like\] is not supported/],
    ['name[eq][]=a', /name\[eq\] takes one value, got a list/],
    ['name[in]=', /name\[in\] needs at least one value/],
    ['name=toolongvalue', /name must be at most 8 characters/],
    ['name=%01', /control characters/],
    ['owner.id=x', /owner.id values must be UUIDs/],
    ['flag=yes', /flag must be true or false/],
    ['created_at=2026-01-01', /created_at takes operators/],
    ['created_at[gt]=soon', /created_at\[gt\] must be an ISO 8601 date-time/],
    ['name[toString]=a', /uses "toString", which is not accepted as a name/],
    ['name[in][constructor]=a', /uses "constructor"/],
    ['__proto__[x]=1', /uses "__proto__"/],
    ['owner.id=6f1b0c2e-8f5a-4c3b-9c1d-2e3f4a5b6c7d&owner[id]=6f1b0c2e-8f5a-4c3b-9c1d-2e3f4a5b6c7d', /owner.id is given twice/],
  ];
  for (const [query, message] of cases) {
    assert.throws(
      () => parse(query),
      (e: { status: number; message: string }) => e.status === 400 && message.test(e.message),
      query,
    );
  }
});

test('bothText intersects two names of one column; matchesText checks one value', () => {
  assert.deepEqual(bothText({ in: ['a', 'b'] }, { in: ['b', 'c'], nin: ['x'] }), { in: ['b'], nin: ['x'] });
  assert.deepEqual(bothText(undefined, { in: ['a'] }), { in: ['a'] });
  assert.equal(matchesText('a', { in: ['a'], nin: ['b'] }), true);
  assert.equal(matchesText('b', { nin: ['b'] }), false);
  assert.equal(matchesText('z', undefined), true);
});
