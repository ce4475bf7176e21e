import { createRequire } from 'node:module';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import { errors } from '../errors/catalogue.ts';
import type { JsonSchema } from '../models/types.ts';

/**
 * The unified query of one integration's method, checked against the mapping's `query_schema`
 * before anything is sent: a parameter the integration cannot honour, or a value it cannot take,
 * is a 400 that names the parameter and says what the integration accepts. Array parameters are
 * normalised first (`x[]=a&x[]=b`, `x=a,b`, repeated `x`), so mappings always see arrays.
 */
const compiled = new Map<string, ValidateFunction>();

/** ajv (CommonJS) is required on the first check, not at start: a cold start pays for every import, /health included. */
let ajv: Ajv | undefined;
function validators(): Ajv {
  if (!ajv) {
    const require = createRequire(import.meta.url);
    const { Ajv: AjvClass } = require('ajv') as typeof import('ajv');
    const formats = require('ajv-formats') as { default: (ajv: Ajv) => Ajv };
    ajv = formats.default(new AjvClass({ allErrors: true, strict: false, coerceTypes: true }));
  }
  return ajv;
}

function validatorFor(schema: JsonSchema): ValidateFunction {
  const key = JSON.stringify(schema);
  let fn = compiled.get(key);
  if (!fn) {
    fn = validators().compile({ ...schema, type: 'object' });
    compiled.set(key, fn);
  }
  return fn;
}

function asArray(value: unknown): unknown[] {
  const items = Array.isArray(value) ? value : value !== null && typeof value === 'object' ? Object.values(value) : [value];
  return items.flatMap((v) =>
    typeof v === 'string'
      ? v
          .split(',')
          .map((p) => p.trim())
          .filter(Boolean)
      : [v],
  );
}

function describeAllowed(schema: Record<string, any> | undefined): string {
  const target = schema?.type === 'array' ? schema.items : schema;
  if (Array.isArray(target?.enum)) return `; allowed: ${target.enum.join(', ')}`;
  if (target?.format) return `; expected a ${target.format}`;
  return '';
}

export interface QueryCheck {
  /** The integration's mapping `query_schema` (JSON Schema of an object). */
  schema: JsonSchema | undefined;
  /** Parameters the unified model defines for this resource: passing one the integration lacks is an error, not silence. */
  modelParameters: string[];
  integration: string;
  target: string;
}

/** Returns the query with array parameters normalised; throws a 400 naming the parameter otherwise. */
export function checkUnifiedQuery(query: Record<string, unknown>, check: QueryCheck): Record<string, unknown> {
  if (!check.schema) return query;
  const properties = (check.schema.properties ?? {}) as Record<string, Record<string, any>>;
  const accepted = Object.keys(properties);
  for (const name of Object.keys(query)) {
    if (!(name in properties) && check.modelParameters.includes(name)) {
      throw errors.invalidQuery(
        `${name} is not supported by ${check.integration} for ${check.target}; it accepts: ${accepted.join(', ') || '(no parameters)'}`,
      );
    }
  }
  const normalised: Record<string, unknown> = { ...query };
  for (const [name, prop] of Object.entries(properties)) {
    if (prop.type === 'array' && normalised[name] !== undefined) normalised[name] = asArray(normalised[name]);
  }
  const candidate = Object.fromEntries(Object.entries(normalised).filter(([k]) => k in properties));
  const validate = validatorFor(check.schema);
  if (!validate(candidate)) {
    const first = validate.errors![0] as ErrorObject;
    const name = first.instancePath.split('/')[1] ?? (first.params as { missingProperty?: string }).missingProperty ?? '(query)';
    throw errors.invalidQuery(`${name} ${first.message ?? 'is invalid'}${describeAllowed(properties[name])} (${check.integration}, ${check.target})`);
  }
  // Ajv coerced scalars in place (e.g. "5" → 5 for an integer parameter).
  return { ...normalised, ...candidate };
}
