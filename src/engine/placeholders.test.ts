import assert from 'node:assert/strict';
import { test } from 'node:test';
import replacePlaceholders from '@truto/replace-placeholders';
import { renderPath, renderValue } from './placeholders.ts';

/** What the library gives (or throws) for a template: the compiled renderers must give the same. */
function outcome(render: () => unknown): { value?: unknown; error?: string } {
  try {
    return { value: render() };
  } catch (e) {
    return { error: String((e as Error).message) };
  }
}

function assertSame(template: unknown, scope: Record<string, unknown>, label = JSON.stringify(template)): void {
  // Fresh copies each time: the library writes into a resolved object it walks into.
  const expected = outcome(() => replacePlaceholders(structuredClone(template) as any, structuredClone(scope)));
  // Twice: the first call compiles, the second reuses the compiled renderer.
  for (const round of [1, 2]) {
    assert.deepStrictEqual(
      outcome(() => renderValue(template, structuredClone(scope))),
      expected,
      `${label} (call ${round})`,
    );
  }
}

const scopes: Record<string, unknown>[] = [
  {
    context: {
      org_id: 'org 1/2',
      site: 'datadoghq.eu',
      empty: '',
      zero: 0,
      negZero: -0,
      num: ' 42 ',
      float: '3.5x',
      t: 'true',
      f: ' false ',
      nullText: 'null',
      nil: null,
      json: '{"a":[1,2]}',
      badJson: '{a',
      obj: { a: '{{context.org_id}}', n: 1 },
      list: ['a', null, ['b', 'c'], 3],
      dollar: 'x$&y$1$$',
      nested: { deep: { value: 'v' } },
    },
    query: { limit: 10, cursor: undefined },
    id: 'rec-1',
    body: { name: 'n' },
  },
  { context: {}, query: {} },
  { context: { org_id: 7, empty: '', obj: [1, 2] }, id: 0 },
];

const paths = [
  'context.org_id',
  'context.site',
  'context.empty',
  'context.zero',
  'context.negZero',
  'context.num',
  'context.float',
  'context.t',
  'context.f',
  'context.nullText',
  'context.nil',
  'context.json',
  'context.badJson',
  'context.obj',
  'context.list',
  'context.dollar',
  'context.nested.deep.value',
  'context.nested.deep',
  'context.missing',
  'context.missing.deeper',
  'query.limit',
  'query.cursor',
  'id',
  'body',
  'context.toString',
  'context.constructor',
  'context.__proto__',
  'context.list.0',
  'context.list.-1',
  'context.*',
  'context.org_id context.site',
];
const types = ['', ':str', ':int', ':num', ':bool', ':json', ':any', ':null', ':undefined', ':ignore-empty-str', ':date'];

test('a single placeholder, every path and type, whole string and inside text, with and without a default', () => {
  for (const scope of scopes) {
    for (const path of paths) {
      for (const type of types) {
        for (const tail of ['', '?:fallback', '?:12:int', '?: true :bool']) {
          const inner = `${path}${type}${tail}`;
          assertSame(`{{${inner}}}`, scope);
          assertSame(`https://api.test/{{${inner}}}/x?y={{${inner}}}`, scope);
        }
      }
    }
  }
});

test('alternatives, spaces, repeats, unknown syntax and text that only looks like a placeholder', () => {
  const templates = [
    '{{context.missing|context.org_id}}',
    '{{context.empty|context.site:ignore-empty-str}}',
    '{{context.empty:ignore-empty-str|context.site}}',
    '{{ context.missing | context.nil:null }}',
    '{{context.missing:undefined|context.missing2}}',
    'a{{context.missing:undefined}}b',
    '{{context.org_id}}-{{context.org_id}}-{{context.site}}',
    '{{context.dollar}}{{context.org_id}}',
    '{{context.missing}}{{context.org_id}}',
    '{{context.org_id}',
    '{{}}',
    '{{ }}',
    '{{context.a..b}}',
    '{{context.a$b}}',
    '{{CONTEXT.ORG_ID}}',
    'no placeholder',
    '{context.org_id}',
    '{{{context.org_id}}}',
    'Bearer {{credentials.oauth.token.access_token|credentials.access_token|credentials.api_key}}',
  ];
  for (const scope of [...scopes, { credentials: { api_key: 'k' } }]) for (const t of templates) assertSame(t, scope);
});

test('objects and arrays: cloned, strings replaced, and the library kept for what the compiler does not cover', () => {
  const templates: unknown[] = [
    { limit: '{{query.limit:int}}', org: '{{context.org_id}}', n: 3, b: false, z: null, u: undefined, list: ['{{id}}', 1, { x: '{{context.site}}' }] },
    { whole: '{{context.obj:any}}', other: '{{context.list:json}}' },
    { text: '{{context.obj}}', nested: { deeper: { k: '{{context.missing:undefined}}' } } },
    { $truto_merge: '{{context.obj:any}}', keep: 1 },
    { a: { $truto_merge: ['{{body:any}}', { extra: '{{id}}' }], own: 'x' } },
    ['{{id}}', ['{{context.org_id}}'], { q: '{{query.limit}}' }, '{{context.obj:any}}'],
    ['{{id}}', 5],
    [null],
    [],
    {},
    { date: new Date(0), s: '{{id}}' },
    { '2': '{{id}}', a: 'b', '1': '{{context.site}}' },
    { wildcard: '{{context.*}}', plain: '{{id}}' },
  ];
  for (const scope of scopes) for (const t of templates) assertSame(t, scope);
  const template = { q: { page: '{{id}}' } };
  const first = renderValue(template, { id: 'a' }) as typeof template;
  first.q.page = 'mutated';
  assert.deepEqual(renderValue(template, { id: 'b' }), { q: { page: 'b' } }, 'each call returns a fresh copy');
  assert.deepEqual(template, { q: { page: '{{id}}' } }, 'the template is never changed');
});

test('random templates: the compiled renderer and the library agree', () => {
  let seed = 12345;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const pick = <T>(xs: T[]) => xs[rand(xs.length)];
  const placeholder = () => {
    const alts = Array.from({ length: 1 + rand(3) }, () => `${pick(paths.slice(0, 24))}${pick(types.slice(0, 10))}`);
    return `{{${alts.join(pick(['|', ' | ']))}${pick(['', '', '?:d', '?:1:int'])}}}`;
  };
  const text = () => Array.from({ length: 1 + rand(4) }, () => pick(['/v1/', placeholder(), '-', '?a=', placeholder()])).join('');
  const value = (depth: number): unknown => {
    const r = rand(depth > 2 ? 3 : 6);
    if (r === 0) return placeholder();
    if (r === 1) return text();
    if (r === 2) return pick([1, true, null, 'plain']);
    if (r === 3) return Array.from({ length: rand(3) }, () => value(depth + 1));
    return Object.fromEntries(Array.from({ length: rand(4) }, (_, i) => [`k${i}`, value(depth + 1)]));
  };
  for (let i = 0; i < 1500; i++) {
    const template =
      rand(3) === 0
        ? text()
        : Object.fromEntries([
            ['a', value(0)],
            ['b', value(0)],
          ]);
    for (const scope of scopes) assertSame(template, scope);
  }
});

test('renderPath encodes each value and names a missing one', () => {
  const scope = { context: { org_id: 'a b/c', site: 'eu' }, id: 'x?y' };
  assert.equal(renderPath('/orgs/{{context.org_id}}/items/{{id}}', scope, 'Acme items.get'), '/orgs/a%20b%2Fc/items/x%3Fy');
  assert.throws(
    () => renderPath('/orgs/{{context.missing|context.other}}/x', scope, 'Acme items.list'),
    /Acme items\.list needs context\.missing, which is not set/,
  );
  assert.throws(() => renderPath('/orgs/{{context.missing:undefined}}', scope, 'x'), /needs context\.missing/);
});
