import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTesseraError } from '../errors/catalogue.ts';
import { parseJsonBody } from './json-body.ts';

function rejection(text: string): string {
  try {
    parseJsonBody(text);
  } catch (e) {
    assert.ok(isTesseraError(e), `not a TesseraError: ${String(e)}`);
    assert.equal(e.status, 400);
    assert.equal(e.code, 'TESSERA_INVALID_BODY');
    return e.message;
  }
  assert.fail(`accepted ${JSON.stringify(text.slice(0, 60))}`);
}

test('valid JSON parses exactly as JSON.parse does; an empty body is no body', () => {
  const samples = [
    '{}',
    '[]',
    ' {"a": [1, -2.5e3, true, false, null, "x\\"y\\\\z\\u00e9\\n"], "b": {"c": {}}} ',
    '"str"',
    '0',
    '1e999',
    '{"\\ud800": "lone surrogate"}',
    '{"constructor": {"name": "x"}}',
    '{"prototype": 1}',
  ];
  for (const s of samples) assert.deepEqual(parseJsonBody(s), JSON.parse(s), s);
  assert.equal(parseJsonBody(''), undefined);
  assert.equal(parseJsonBody(' \n\t'), undefined);
});

test('a syntax error names what was expected and its position', () => {
  const cases: [string, RegExp][] = [
    ['{', /expected a property name in double quotes at position 1/],
    ['{"a":}', /expected a value at position 5/],
    ['[1,]', /expected a value at position 3/],
    ['nul', /expected a value at position 0/],
    ['{"a":1}garbage', /unexpected data after the JSON value at position 7/],
    ['\ufeff{}', /at position 0/],
    ['{"a" 1}', /expected ':' after the property name at position 5/],
    ['{"a":1 "b":2}', /expected ',' or '}' at position 7/],
    ['[1 2]', /expected ',' or '\]' at position 3/],
    ['{"a":"x\u0001"}', /control character in a string \(escape it\) at position 7/],
    ['"abc', /unterminated string at position 0/],
    ['"\\x"', /invalid escape at position 1/],
    ['"\\u12"', /invalid \\u escape at position 1/],
    ["{'a':1}", /expected a property name/],
    ['[', /unexpected end of input at position 1/],
    ['{"a":1}}', /unexpected data after the JSON value at position 7/],
  ];
  for (const [text, message] of cases) assert.match(rejection(text), message, text);
});

test('nesting deeper than the limit is refused before anything is built, however deep', () => {
  assert.deepEqual(parseJsonBody('['.repeat(64) + ']'.repeat(64)), JSON.parse('['.repeat(64) + ']'.repeat(64)));
  assert.match(rejection('['.repeat(65) + ']'.repeat(65)), /nested deeper than 64 levels \(at position 64\)/);
  assert.match(rejection('{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)), /nested deeper than 64 levels/);
  assert.match(rejection('['.repeat(500_000)), /nested deeper than 64 levels/);
  // Brackets inside strings are text, not nesting.
  assert.deepEqual(parseJsonBody(`{"a":"${'['.repeat(10_000)}"}`), { a: '['.repeat(10_000) });
  assert.throws(() => parseJsonBody('[[[1]]]', { maxDepth: 2, maxKeysPerObject: 10 }), /nested deeper than 2 levels/);
});

test('an object with too many keys is refused', () => {
  const keys = (n: number) => `{${Array.from({ length: n }, (_, i) => `"k${i}":1`).join(',')}}`;
  assert.equal(Object.keys(parseJsonBody(keys(10_000)) as object).length, 10_000);
  assert.match(rejection(keys(10_001)), /more than 10000 keys/);
  // The limit is per object: many small objects are fine.
  assert.equal((parseJsonBody(`[${Array.from({ length: 20_000 }, () => '{"a":1}').join(',')}]`) as unknown[]).length, 20_000);
});

test('U+0000 and prototype-reaching property names are refused, escaped or not', () => {
  assert.match(rejection('{"a":"x\\u0000y"}'), /U\+0000 is not accepted in strings at position 7/);
  assert.match(rejection('{"a\\u0000":1}'), /U\+0000/);
  assert.match(rejection('{"a":"\u0000"}'), /control character/);
  assert.match(rejection('{"__proto__":{"polluted":true}}'), /property name "__proto__" \(at position 1\)/);
  assert.match(rejection('{"x":{"\\u005f_proto__":1}}'), /"__proto__"/);
  assert.match(rejection('{"constructor":{"prototype":{"polluted":true}}}'), /"prototype"/);
  assert.match(rejection('[{"constructor":{"a":1,"prototype":1}}]'), /"prototype"/);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('on random near-JSON text the scanner accepts exactly what JSON.parse accepts', () => {
  // A fixed-seed generator, so a failure reproduces.
  let seed = 42;
  const rand = (n: number) => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n;
  const pieces = ['{', '}', '[', ']', ',', ':', '"a"', '"', '\\', '\\n', '\\u00e9', '1', '-', '0', '.5', 'e3', 'true', 'nul', ' ', '\n', 'x', '"k":', '\u0001'];
  for (let i = 0; i < 30_000; i++) {
    const text = Array.from({ length: 1 + rand(12) }, () => pieces[rand(pieces.length)]).join('');
    let native = true;
    try {
      JSON.parse(text);
    } catch {
      native = false;
    }
    let ours = true;
    try {
      parseJsonBody(text);
    } catch {
      ours = false;
    }
    if (!text.trim()) continue;
    assert.equal(ours, native, `disagree on ${JSON.stringify(text)}`);
  }
});
