import type { SideLoadConfig } from '../integrations/definition-schema.ts';
import { evaluate, requestBudget } from './expressions/evaluate.ts';
import { NO_VALUES, renderValue } from './placeholders.ts';
import { callResource } from './resource-call.ts';
import { runIntegrationSteps } from './steps.ts';
import type { Execution, UnifiedCall } from './types.ts';

/** A mapping's `side_load`s, fetched alongside the main call; each may be cached per account for `cache_ttl_seconds`. */
export async function sideLoads(exec: Execution, sideLoads: Record<string, SideLoadConfig> | undefined, call: UnifiedCall): Promise<Record<string, unknown>> {
  const entries = Object.entries(sideLoads ?? {});
  if (!entries.length) return {};
  await runIntegrationSteps(exec);
  const results = await Promise.all(entries.map(([key, config]) => sideLoad(exec, key, config, call)));
  return Object.fromEntries(entries.map(([key], i) => [key, results[i]]));
}

export async function sideLoad(exec: Execution, key: string, config: SideLoadConfig, call: UnifiedCall): Promise<unknown> {
  const scope = { context: exec.context, query: call.query, id: call.id, before: exec.before };
  const id = config.id === undefined ? undefined : renderValue(config.id, scope);
  const query = renderValue(config.query ?? NO_VALUES, scope);
  const cacheKey = config.cache_ttl_seconds
    ? `side_load:${exec.account.id}:${config.resource}:${config.method}:${id ?? ''}:${JSON.stringify(query)}:${config.response_mapping ?? ''}`
    : undefined;
  if (cacheKey) {
    const hit = await exec.services.cache.get(cacheKey);
    if (hit !== undefined) return hit;
  }
  const result = await callResource(exec, { resource: config.resource, method: config.method, id, query, role: 'side_load' });
  const value = config.response_mapping
    ? await evaluate(
        config.response_mapping,
        { response: result.data, body: result.data, context: exec.context, query: call.query },
        { label: `side_load ${key}`, budget: requestBudget(exec) },
      )
    : result.data;
  if (cacheKey) await exec.services.cache.set(cacheKey, value, config.cache_ttl_seconds!);
  return value;
}
