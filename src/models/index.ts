import type { UnifiedModel, UnifiedResource } from './types.ts';
import { usageMetering } from './usage-metering/index.ts';

export const UNIFIED_MODELS: Record<string, UnifiedModel> = {
  [usageMetering.name]: usageMetering,
};

export function findUnifiedResource(model: string, resource: string): UnifiedResource | undefined {
  return UNIFIED_MODELS[model]?.resources[resource];
}

export type { UnifiedModel, UnifiedResource, JsonSchema } from './types.ts';
