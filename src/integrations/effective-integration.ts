import { markUntrusted } from '../engine/expressions/provenance.ts';
import { deepMergeReplacingArrays } from '../engine/merge-mapping.ts';
import type { IntegrationDefinition } from './definition-schema.ts';

/**
 * The integration as one account sees it: its `integration_override` deep-merged over the
 * definition, with the override's expressions marked untrusted (they run in the sandbox).
 */
export function effectiveIntegration(def: IntegrationDefinition, account: { integration_override?: Record<string, unknown> }): IntegrationDefinition {
  const override = account.integration_override;
  if (!override || !Object.keys(override).length) return def;
  return deepMergeReplacingArrays(def, markUntrusted(override)) as IntegrationDefinition;
}
