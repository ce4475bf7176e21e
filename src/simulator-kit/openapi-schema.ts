import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

/**
 * Contract tests check simulators against providers' OpenAPI 3.0 descriptions with Ajv. These
 * are the two steps every one of them needs: OpenAPI schemas as JSON Schema, and an Ajv that
 * accepts OpenAPI's keywords and formats.
 */
type Json = Record<string, any>;

/**
 * OpenAPI 3.0 → JSON Schema: `nullable: true` becomes a `null` type (or an anyOf around a
 * $ref/allOf), examples are dropped, and local `#/components/…` refs are made absolute against
 * the spec document registered under `specId`.
 */
export function openApiToJsonSchema(node: unknown, specId: string): unknown {
  if (Array.isArray(node)) return node.map((n) => openApiToJsonSchema(n, specId));
  if (typeof node !== 'object' || node === null) return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'nullable' || key === 'example' || key === 'examples') continue;
    out[key] = key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `${specId}${value}` : openApiToJsonSchema(value, specId);
  }
  if ((node as Json).nullable !== true) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

export function createOpenApiAjv(extra: { coerceTypes?: boolean } = {}): Ajv {
  // Strict off: specs carry OpenAPI-only keywords (discriminator, deprecated, x-*).
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, ...extra });
  addFormatsModule.default(ajv);
  // OpenAPI's numeric and binary formats say nothing JSON Schema can check beyond `type`.
  for (const format of ['int32', 'int64', 'uint32', 'uint64', 'float', 'double', 'byte', 'binary', 'password']) ajv.addFormat(format, true);
  return ajv;
}
