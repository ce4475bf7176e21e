import type { MappingConfig } from '../integrations/definition-schema.ts';

/**
 * base ← environment ← integrated account (docs/contract.md §12.3): objects deep-merge; arrays,
 * strings and every other value replace whole. `null` in a later layer removes the key.
 */
export function deepMergeReplacingArrays(base: unknown, override: unknown): unknown {
  if (override === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(override)) {
    // A stored override is JSON from a client: an own `__proto__` key must not reach a prototype.
    if (k === '__proto__') continue;
    if (v === null) delete out[k];
    else out[k] = deepMergeReplacingArrays(out[k], v);
  }
  return out;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export function mergeMappingLayers(layers: (Partial<MappingConfig> | undefined)[]): MappingConfig | undefined {
  let merged: unknown;
  let any = false;
  for (const layer of layers) {
    if (!layer) continue;
    any = true;
    merged = merged === undefined ? layer : deepMergeReplacingArrays(merged, layer);
  }
  return any ? (merged as MappingConfig) : undefined;
}
