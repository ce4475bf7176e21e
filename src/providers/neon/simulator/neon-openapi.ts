/**
 * Neon's own OpenAPI description, from the pinned `@neondatabase/api-client` (2.7.3), turned into
 * Ajv validators for the contract tests (docs/providers/neon.md §11). Test support only: the
 * simulator itself never reads the spec.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { createOpenApiAjv, openApiToJsonSchema } from '../../../simulator-kit/openapi-schema.ts';
import { parse as parseYaml } from 'yaml';

export type Json = Record<string, any>;

const require = createRequire(import.meta.url);
const SPEC_FILE = join(dirname(require.resolve('@neondatabase/api-client/package.json')), 'public-v2-for-users.gen.yaml');
export const spec = parseYaml(readFileSync(SPEC_FILE, 'utf8')) as Json;
const SPEC_ID = 'neon-spec';

export const toJsonSchema = (node: unknown) => openApiToJsonSchema(node, SPEC_ID);
export const createAjv = createOpenApiAjv;

export const ajv = createAjv();
ajv.addSchema({ $id: SPEC_ID, components: toJsonSchema(spec.components) as Json });

const operations = new Map<string, { method: string; path: string; op: Json; pathParams: Json[] }>();
for (const [path, item] of Object.entries(spec.paths as Json)) {
  for (const [method, op] of Object.entries(item as Json)) {
    if (typeof op === 'object' && op !== null && 'operationId' in op) {
      operations.set((op as Json).operationId, { method: method.toUpperCase(), path, op: op as Json, pathParams: (item as Json).parameters ?? [] });
    }
  }
}

export function operation(operationId: string) {
  const found = operations.get(operationId);
  assert.ok(found, `operationId ${operationId} is not in the spec`);
  return found;
}

export const resolveRef = (node: Json): Json =>
  typeof node.$ref === 'string'
    ? resolveRef(
        (node.$ref as string)
          .slice(2)
          .split('/')
          .reduce<Json>((at, part) => at[part], spec),
      )
    : node;

const validators = new Map<string, ValidateFunction>();
/** The validator of one documented response of an operation (default: the 200). */
export function responseValidator(operationId: string, status = '200'): ValidateFunction {
  const cacheKey = `${operationId}:${status}`;
  if (!validators.has(cacheKey)) {
    const response = resolveRef(operation(operationId).op.responses[status]);
    const schema = response.content['application/json'].schema;
    validators.set(cacheKey, ajv.compile(toJsonSchema(schema) as Json));
  }
  return validators.get(cacheKey)!;
}

export function requestBodyValidator(operationId: string): ValidateFunction {
  const schema = operation(operationId).op.requestBody.content['application/json'].schema;
  return ajv.compile(toJsonSchema(schema) as Json);
}

export const generalError = ajv.compile({ $ref: `${SPEC_ID}#/components/schemas/GeneralError` });

export function errorsOf(validate: ValidateFunction, body: unknown): ErrorObject[] {
  return validate(body) ? [] : [...(validate.errors ?? [])];
}

export function assertValid(validate: ValidateFunction, body: unknown, what: string): void {
  const errors = errorsOf(validate, body);
  assert.deepEqual(errors, [], `${what} does not match Neon's spec: ${JSON.stringify(errors, null, 2)}`);
}

/** One parameter of an operation, $refs resolved (its `schema` too). */
export function operationParam(operationId: string, name: string): Json {
  const { op, pathParams } = operation(operationId);
  const param = [...pathParams, ...(op.parameters ?? [])].map(resolveRef).find((p) => p.name === name);
  assert.ok(param, `spec has no ${name} parameter on ${operationId}`);
  return { ...param, schema: resolveRef(param.schema) };
}

/** Whether the spec accepts a raw query-string value, with Ajv coercing it as a server would. */
export function specAcceptsQueryValue(operationId: string, name: string): (raw: string) => boolean {
  const coercing = createAjv({ coerceTypes: true });
  const validate = coercing.compile({ type: 'object', properties: { v: operationParam(operationId, name).schema }, required: ['v'] });
  return (raw) => validate({ v: raw });
}
