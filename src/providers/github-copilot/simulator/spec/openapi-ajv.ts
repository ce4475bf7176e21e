import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { ErrorObject, ValidateFunction } from 'ajv';
import { createOpenApiAjv, openApiToJsonSchema } from '../../../../simulator-kit/openapi-schema.ts';
import { SLICE_FILE } from './extract-openapi-slice.ts';

/**
 * Validators for the vendored slice of GitHub's OpenAPI description (docs/providers/sources.md
 * §0), for contract tests: an operation's documented response schema per status, converted from
 * OpenAPI 3.0 to JSON Schema (`nullable` becomes a `null` type; local `#/components/…` refs are
 * resolved against the slice).
 */
type Json = Record<string, any>;

export const spec = JSON.parse(readFileSync(SLICE_FILE, 'utf8')) as Json;
const SPEC_ID = 'github-spec';

const toJsonSchema = (node: unknown) => openApiToJsonSchema(node, SPEC_ID);
const ajv = createOpenApiAjv();
ajv.addSchema({ $id: SPEC_ID, components: toJsonSchema(spec.components) as Json });

export const resolveRef = (node: Json): Json =>
  typeof node.$ref === 'string'
    ? resolveRef(
        (node.$ref as string)
          .slice(2)
          .split('/')
          .reduce<Json>((at, part) => at[part], spec),
      )
    : node;

const operations = new Map<string, { path: string; op: Json }>();
for (const [path, item] of Object.entries(spec.paths as Json)) operations.set(item.get.operationId, { path, op: item.get });

export function operation(operationId: string): { path: string; op: Json } {
  const found = operations.get(operationId);
  assert.ok(found, `operationId ${operationId} is not in the spec slice`);
  return found;
}

const validators = new Map<string, ValidateFunction>();
/** The validator of an operation's documented response for `status`; fails if GitHub documents no such status. */
export function responseValidator(operationId: string, status: number): ValidateFunction {
  const key = `${operationId}:${status}`;
  if (!validators.has(key)) {
    const declared = operation(operationId).op.responses[String(status)];
    assert.ok(declared, `${operationId} does not document a ${status} response (it documents ${Object.keys(operation(operationId).op.responses).join(', ')})`);
    const schema = resolveRef(declared).content?.['application/json']?.schema;
    assert.ok(schema, `${operationId} ${status} has no JSON schema`);
    validators.set(key, ajv.compile(toJsonSchema(schema) as Json));
  }
  return validators.get(key)!;
}

export const basicError = ajv.compile({ $ref: `${SPEC_ID}#/components/schemas/basic-error` });

export function errorsOf(validate: ValidateFunction, body: unknown): ErrorObject[] {
  return validate(body) ? [] : [...(validate.errors ?? [])];
}

export function assertValid(validate: ValidateFunction, body: unknown, what: string): void {
  const errors = errorsOf(validate, body);
  assert.deepEqual(errors, [], `${what} does not match GitHub's spec: ${JSON.stringify(errors, null, 2)}`);
}
