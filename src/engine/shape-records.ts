import type { JsonSchema } from '../models/types.ts';
import { getPath } from './pagination.ts';

/**
 * What happens to mapped records before they are sent (docs/contract.md §5.9 step 8): key
 * extraction for `truto_key_by`, `normalized` shaping, `truto_ignore_remote_data`,
 * `truto_exclude_fields`.
 */
export interface ShapeOptions {
  normalized?: JsonSchema;
  ignoreRemoteData?: boolean;
  excludeFields?: string[];
}

export function shapeRecord(record: Record<string, unknown>, options: ShapeOptions): Record<string, unknown> {
  let out = record;
  if (options.normalized) out = normalizeObject(out, options.normalized, true) as Record<string, unknown>;
  if (options.ignoreRemoteData && 'remote_data' in out) {
    out = { ...out };
    delete out.remote_data;
  }
  if (options.excludeFields?.length) out = excludeFields(out, options.excludeFields);
  return out;
}

export function keyRecords(records: Record<string, unknown>[], keys: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  records.forEach((record, i) => {
    const key = keys[i];
    if (key === undefined || key === null || key === '') return;
    out[String(key)] = record;
  });
  return out;
}

export function keyOf(record: unknown, path: string): unknown {
  return getPath(record, path);
}

/** Removes top-level keys and dotted paths (`organization.name`); paths into arrays apply to each element. */
export function excludeFields(record: Record<string, unknown>, paths: string[]): Record<string, unknown> {
  const out = { ...record };
  for (const path of paths) removePath(out, path.split('.'));
  return out;
}

function removePath(target: unknown, parts: string[]): void {
  if (target === null || typeof target !== 'object') return;
  if (Array.isArray(target)) {
    for (let i = 0; i < target.length; i++) {
      if (target[i] && typeof target[i] === 'object') {
        target[i] = Array.isArray(target[i]) ? [...target[i]] : { ...target[i] };
        removePath(target[i], parts);
      }
    }
    return;
  }
  const obj = target as Record<string, unknown>;
  const [head, ...rest] = parts;
  if (!(head in obj)) return;
  if (!rest.length) {
    delete obj[head];
    return;
  }
  const child = obj[head];
  if (child && typeof child === 'object') {
    obj[head] = Array.isArray(child) ? [...child] : { ...child };
    removePath(obj[head], rest);
  }
}

/**
 * `normalized`: schema-complete and schema-strict. Unknown keys dropped, missing properties null,
 * keys in schema order, date-times as `toISOString()`, numeric strings coerced; enum values
 * outside the schema kept (Truto returns raw values it cannot map).
 */
function normalizeObject(value: unknown, schema: JsonSchema, topLevel = false): unknown {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value ?? null;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, propSchema] of Object.entries(props)) {
    if (topLevel && key === 'remote_data') continue;
    out[key] = key in src ? normalizeValue(src[key], propSchema) : null;
  }
  return out;
}

function normalizeValue(value: unknown, schema: JsonSchema): unknown {
  if (value === undefined || value === null) return null;
  const type = schema.type;
  if (type === 'object' && schema.properties) return normalizeObject(value, schema);
  if (type === 'object') return value;
  if (type === 'array') {
    if (!Array.isArray(value)) return value;
    const items = schema.items as JsonSchema | undefined;
    return items ? value.map((v) => normalizeValue(v, items)) : value;
  }
  if (type === 'string' && schema.format === 'date-time') return toIsoDateTime(value);
  if ((type === 'number' || type === 'integer') && typeof value === 'string' && value.trim() !== '' && !Number.isNaN(Number(value))) {
    return Number(value);
  }
  return value;
}

export function toIsoDateTime(value: unknown): unknown {
  if (typeof value === 'number') return new Date(value).toISOString();
  if (typeof value !== 'string') return value;
  const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00.000Z`) : new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}
