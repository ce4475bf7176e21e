import { mergeMappingLayers } from '../engine/merge-mapping.ts';
import { checkExpression, ExpressionError } from '../engine/expressions/evaluate.ts';
import { errors } from '../errors/catalogue.ts';
import { mappingConfigSchema, type MappingConfig } from './definition-schema.ts';

/**
 * Mapping overrides (an environment's rows, an account's `unified_model_override`) are checked
 * against the definitions they override, here beside the definition schema: the merged result
 * must be a valid mapping and every expression must compile. Errors name the path.
 */
const EXPRESSION_KEY = /(_mapping|_expression|^match$|^filter$|^run_if$|^expression$)/;

/** Rejects an override whose JSONata does not compile, naming the path and the position. */
export function validateOverride(override: Record<string, unknown>, prefix = 'unified_model_override') {
  const walk = (value: unknown, at: string[]): void => {
    if (Array.isArray(value)) return value.forEach((v, i) => walk(v, [...at, String(i)]));
    if (!value || typeof value !== 'object') return;
    for (const [k, v] of Object.entries(value)) {
      if (typeof v === 'string' && EXPRESSION_KEY.test(k)) {
        try {
          checkExpression(v);
        } catch (e) {
          if (e instanceof ExpressionError) {
            throw errors.validation(`${[prefix, ...at, k].join('.')}: invalid JSONata: ${e.message}`, [
              { path: [prefix, ...at, k].join('.'), message: e.message },
            ]);
          }
          throw e;
        }
      } else walk(v, [...at, k]);
    }
  };
  walk(override, []);
}

/** An override is checked as what it produces: merged over the mapping it overrides. */
export function validateMappingOverride(config: Record<string, unknown>, where: string, base?: MappingConfig) {
  validateOverride(config, where);
  const parsed = mappingConfigSchema.safeParse(mergeMappingLayers([base, config as Partial<MappingConfig>]));
  if (!parsed.success) {
    const failures = parsed.error.issues.map((i) => ({ path: [where, ...i.path.map(String)].join('.'), message: i.message }));
    throw errors.validation(`Invalid mapping override: ${failures.map((f) => `${f.path}: ${f.message}`).join('; ')}`, failures);
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `{model: {resource: {method: partial mapping}}}`, each leaf checked against what it overrides. */
export function validateAccountOverride(
  override: Record<string, unknown>,
  baseMapping: (model: string, resource: string, method: string) => MappingConfig | undefined,
) {
  validateOverride(override);
  for (const [model, resources] of Object.entries(override)) {
    if (!isObject(resources)) throw errors.badRequest(`unified_model_override.${model} must be an object of resources`);
    for (const [resource, methods] of Object.entries(resources)) {
      if (!isObject(methods)) throw errors.badRequest(`unified_model_override.${model}.${resource} must be an object of methods`);
      for (const [method, config] of Object.entries(methods)) {
        if (!isObject(config)) throw errors.badRequest(`unified_model_override.${model}.${resource}.${method} must be a mapping object`);
        validateMappingOverride(config, `unified_model_override.${model}.${resource}.${method}`, baseMapping(model, resource, method));
      }
    }
  }
}
