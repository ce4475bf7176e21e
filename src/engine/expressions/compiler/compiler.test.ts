import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluate, evaluateRecords, expressionsReady, FILTERED_OUT, isCompiled } from '../evaluate.ts';
import { builtinsReady, compileSource, NotCovered, setCompilerEnabled } from './index.ts';

/**
 * The compiler's own behaviour beyond the conformance corpus: what it refuses, its time box, and
 * how evaluate()/evaluateRecords use it (rerun by the interpreter, same errors, the switch).
 */
await builtinsReady;
await expressionsReady();

const far = () => Date.now() + 10_000;
const overrun = () => new Error('overran');

test('constructs outside its coverage are refused at compile time, whole', () => {
  for (const source of ['a^(b)', 'a#$i.b', 'a@$x.b', 'a.%.b', '$ ~> |a|{"b": 1}|', '$eval("1")', '$substring(?, 1)']) {
    assert.throws(() => compileSource(source), NotCovered, source);
  }
});

test('a lambda used as a regex matcher is refused at run time, so the caller can rerun it', () => {
  const expr = compileSource('$contains("abc", function($s){ undefined })');
  assert.throws(() => expr.run({}, far(), overrun), NotCovered);
});

test('a runaway compiled expression stops at its deadline', () => {
  const expr = compileSource('$count([1..5000000].($ + 1))');
  const started = Date.now();
  assert.throws(() => expr.run({}, Date.now() + 50, overrun), /overran/);
  assert.ok(Date.now() - started < 2000, `stopped after ${Date.now() - started} ms`);
  const recursion = compileSource('($f := function($n){ $map([1, 2], function($v){ $f($n + $v) }) }; $f(0))');
  assert.throws(() => recursion.run({}, Date.now() + 50, overrun));
});

test('evaluate() uses the compiled expression, with the bindings runExpression gives', async () => {
  const source = '{ "id": record.id, "n": $count($record.tags), "q": $$.query.limit, "s": $string(query.limit) }';
  assert.ok(isCompiled(source));
  const input = { record: { id: 'r1', tags: ['a', 'b'] }, query: { limit: 5 } };
  assert.deepEqual(await evaluate(source, input, { label: 't' }), { id: 'r1', n: 2, q: 5, s: '5' });
});

test('errors read as they did: the interpreter reruns a failed compiled evaluation', async () => {
  const source = 'record.a + "x"';
  assert.ok(isCompiled(source));
  setCompilerEnabled(false);
  const interpreted = await evaluate(source, { record: { a: 1 } }, { label: 'lbl' }).catch((e) => e);
  setCompilerEnabled(true);
  const compiled = await evaluate(source, { record: { a: 1 } }, { label: 'lbl' }).catch((e) => e);
  assert.equal(compiled.code, 'TESSERA_MAPPING_FAILED');
  assert.equal(compiled.message, interpreted.message);
  assert.match(compiled.message, /^Mapping lbl failed: .*T2002|right side/);
});

test('a compiled runaway is a mapping failure naming its time box', async () => {
  await assert.rejects(evaluate('$sum([1..5000000].($count([1..100])))', {}, { label: 'slow' }), {
    code: 'TESSERA_MAPPING_FAILED',
    message: /^Mapping slow failed: took longer than its time box \(1000 ms\)/,
  });
});

test('evaluateRecords: the synchronous lane gives what the interpreter gives, record by record', async () => {
  const p = {
    filter: '$not($exists(record.skip))',
    mapping: '{ "id": record.id, "tags": record.tags[], "org": context.org, "first": $substringBefore(record.name, " ") }',
    base: { context: { org: 'o1' }, query: {} },
    records: [
      { id: 1, name: 'Ada Lovelace', tags: ['x'] },
      { id: 2, skip: true },
      { id: 3, name: 'Grace' },
    ],
    recordKeys: ['record', 'response', 'body'],
    filterLabel: 'f',
    mappingLabel: 'm',
  };
  const compiled = await evaluateRecords(p);
  setCompilerEnabled(false);
  const interpreted = await evaluateRecords(p);
  setCompilerEnabled(true);
  assert.deepStrictEqual(JSON.parse(JSON.stringify(compiled)), JSON.parse(JSON.stringify(interpreted)));
  assert.equal(compiled[1], FILTERED_OUT);
  assert.deepEqual(JSON.parse(JSON.stringify(compiled[0])), { id: 1, tags: ['x'], org: 'o1', first: 'Ada' });
});

test('evaluateRecords: a record whose compiled run fails is evaluated again by the interpreter', async () => {
  const p = {
    mapping: '$contains(record.s, record.m ? function($x){ undefined } : "b")',
    base: {},
    records: [{ s: 'abc' }],
    recordKeys: ['record'],
    filterLabel: 'f',
    mappingLabel: 'm',
  };
  assert.deepEqual(await evaluateRecords(p), [true]);
});
