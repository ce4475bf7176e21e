import type { UnifiedModel, UnifiedResource } from './types.ts';
import { usageMetering } from './usage-metering/index.ts';

export const UNIFIED_MODELS: Record<string, UnifiedModel> = {
  [usageMetering.name]: usageMetering,
};

/** Own entries only: a model or resource named `constructor` or `__proto__` is unknown, not Object's. */
export function findUnifiedModel(model: string): UnifiedModel | undefined {
  return Object.hasOwn(UNIFIED_MODELS, model) ? UNIFIED_MODELS[model] : undefined;
}

export function findUnifiedResource(model: string, resource: string): UnifiedResource | undefined {
  const found = findUnifiedModel(model);
  return found && Object.hasOwn(found.resources, resource) ? found.resources[resource] : undefined;
}

export type { UnifiedModel, UnifiedResource, JsonSchema } from './types.ts';
