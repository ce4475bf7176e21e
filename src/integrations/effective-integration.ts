import { markUntrusted } from '../engine/expressions/provenance.ts';
import { deepMergeReplacingArrays } from '../engine/merge-mapping.ts';
import type { IntegrationDefinition } from './definition-schema.ts';

/**
 * The integration as one account sees it: definition ← the environment's override (its
 * environment-integration, docs/platform.md) ← the account's `integration_override`, each
 * deep-merged over the last, with the overrides' expressions marked untrusted (they run in the
 * sandbox).
 */
export function effectiveIntegration(
  def: IntegrationDefinition,
  account: { integration_override?: Record<string, unknown> },
  environmentOverride?: Record<string, unknown>,
): IntegrationDefinition {
  let out = def;
  for (const layer of [environmentOverride, account.integration_override]) {
    if (layer && Object.keys(layer).length) out = deepMergeReplacingArrays(out, markUntrusted(layer)) as IntegrationDefinition;
  }
  return out;
}
