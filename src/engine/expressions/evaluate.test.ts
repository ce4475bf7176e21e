import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkExpression, compiledExpressionCount, evaluate, ExpressionError } from './evaluate.ts';

/** The compiled-expression cache is bounded, and checking an expression never fills it. */
test('checking parses only: nothing stays in the compiled cache', () => {
  const before = compiledExpressionCount();
  for (let i = 0; i < 1000; i++) checkExpression(`{ "n": ${i} + record.x_${i} }`);
  assert.equal(compiledExpressionCount(), before);
  assert.throws(() => checkExpression('{ "n": '), ExpressionError);
  assert.throws(() => checkExpression(['1'] as unknown as string), /must be a JSONata string/);
});

test('the compiled cache holds at most 2,000 expressions, the most recently used', async () => {
  for (let i = 0; i < 2100; i++) assert.equal(await evaluate(`${i} + 1`, {}, { label: 'n' }), i + 1);
  assert.equal(compiledExpressionCount(), 2000);
  assert.equal(await evaluate('2099 + 1', {}, { label: 'n' }), 2100);
});

test('a source that is not a string is a mapping failure, not a crash', async () => {
  await assert.rejects(evaluate(42 as unknown as string, {}, { label: 'odd' }), { code: 'TESSERA_MAPPING_FAILED', message: /must be a JSONata string/ });
});
