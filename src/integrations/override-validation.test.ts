import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compiledExpressionCount } from '../engine/expressions/evaluate.ts';
import { validateIntegrationOverride, validateMappingOverride, validateOverride } from './override-validation.ts';

const refusedAt = (fn: () => void, path: string) =>
  assert.throws(fn, (e: { code?: string; details?: { failures?: { path: string }[] } }) => {
    assert.equal(e.code, 'TESSERA_VALIDATION_FAILED');
    assert.equal(e.details?.failures?.[0]?.path, path);
    return true;
  });

test('an error step’s message is JSONata and is checked like the other slots', () => {
  const steps = (message: unknown) => ({ before: [{ type: 'error', config: { status: 400, message } }] });
  validateOverride(steps('"a message: " & query.x'), 'config');
  refusedAt(() => validateOverride(steps('"unterminated'), 'config'), 'config.before.0.config.message');
  // steps.ts would evaluate String(value): anything but a string is refused.
  refusedAt(() => validateOverride({ before: [{ type: 'transform', config: { expression: ['1'] } }] }, 'config'), 'config.before.0.config.expression');
});

test('an expression longer than 32 KiB is refused', () => {
  refusedAt(() => validateOverride({ response_mapping: `"${'x'.repeat(40_000)}"` }, 'config'), 'config.response_mapping');
});

test('data sent upstream is not JSONata: a provider’s query.filter is left alone', () => {
  validateMappingOverride({ query: { filter: "status eq 'active'" } }, 'config', { resource: 'users', method: 'list' });
});

test('validating leaves nothing in the compiled-expression cache', () => {
  const before = compiledExpressionCount();
  for (let i = 0; i < 200; i++) {
    try {
      validateOverride({ response_mapping: `{ "v${i}": record.a${i} }`, filter: '(' }, 'config');
    } catch {
      // refused: its valid sibling must not be cached either
    }
  }
  assert.equal(compiledExpressionCount(), before);
});

test('an integration_override’s expressions must compile', () => {
  validateIntegrationOverride({ error_expression: '{ "message": body.error }', rate_limit: { is_rate_limited: 'status = 429' } });
  refusedAt(() => validateIntegrationOverride({ rate_limit: { is_rate_limited: 'status = ' } }), 'integration_override.rate_limit.is_rate_limited');
});
