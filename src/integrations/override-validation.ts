import { mergeMappingLayers } from '../engine/merge-mapping.ts';
import { checkExpression, ExpressionError } from '../engine/expressions/evaluate.ts';
import { forEachExpressionSlot } from '../engine/expressions/slots.ts';
import { errors } from '../errors/catalogue.ts';
import { mappingConfigSchema, type MappingConfig } from './definition-schema.ts';

/**
 * Mapping overrides (an environment's rows, an account's `unified_model_override`) are checked
 * against the definitions they override, here beside the definition schema: the merged result
 * must be a valid mapping and every expression must compile. Errors name the path. The slots
 * checked are exactly the ones marked untrusted when the override is used (expressions/slots.ts).
 * Checking only parses: nothing of a refused request stays in the compiled-expression cache.
 */
/** Longer than any bundled expression by far; an override's expression is a mapping, not a payload. */
const MAX_EXPRESSION_CHARS = 32 * 1024;

/** Rejects an override whose JSONata does not compile, naming the path and the position. */
export function validateOverride(override: Record<string, unknown>, prefix = 'unified_model_override') {
  forEachExpressionSlot(override, ({ path, value }) => {
    const at = [prefix, ...path].join('.');
    const refuse = (message: string) => errors.validation(`${at}: invalid JSONata: ${message}`, [{ path: at, message }]);
    if (typeof value !== 'string') throw refuse('must be a JSONata string');
    if (value.length > MAX_EXPRESSION_CHARS) throw refuse(`longer than ${MAX_EXPRESSION_CHARS} characters`);
    try {
      checkExpression(value);
    } catch (e) {
      if (e instanceof ExpressionError) throw refuse(e.message);
      throw e;
    }
  });
}

/** An account's `integration_override`: its expressions (steps, error and pagination expressions…) must compile too. */
export function validateIntegrationOverride(override: Record<string, unknown>, prefix = 'integration_override') {
  validateOverride(override, prefix);
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
