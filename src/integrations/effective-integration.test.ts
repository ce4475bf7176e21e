import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IntegrationDefinition } from './definition-schema.ts';
import { effectiveIntegration } from './effective-integration.ts';

const def = { name: 'x', base_url: 'https://base.example', headers: { a: '1', b: '1' } } as unknown as IntegrationDefinition;

test('definition ← environment override ← account override, deep-merged, the account winning', () => {
  const merged = effectiveIntegration(
    def,
    { integration_override: { headers: { b: 'account' } } },
    { base_url: 'https://env.example', headers: { a: 'env', b: 'env' } },
  );
  assert.equal((merged as unknown as { base_url: string }).base_url, 'https://env.example');
  assert.deepEqual((merged as unknown as { headers: Record<string, string> }).headers, { a: 'env', b: 'account' });
});

test('no override at either layer is the definition itself', () => {
  assert.equal(effectiveIntegration(def, {}), def);
  assert.equal(effectiveIntegration(def, { integration_override: {} }, {}), def);
});
