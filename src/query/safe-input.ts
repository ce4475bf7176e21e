import { z } from 'zod';
import { errors } from '../errors/catalogue.ts';

/**
 * Checks for values a client controls before they reach a lookup or the store: ids, names and
 * free-text fields. Kept beside the query parser because http, services and the CLI all need
 * the same answers (one UUID rule, one list of refused characters).
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value);
}

/**
 * The one spelling of an id: ids may arrive upper-case (RFC 4122 says compare case-insensitively)
 * while the store keeps them lower-case, so every reader normalises here, once, and rate limits,
 * lookups and logs all see the same key. Undefined when the value is not a UUID at all.
 */
export function normaliseUuid(value: unknown): string | undefined {
  return isUuid(value) ? value.toLowerCase() : undefined;
}

/**
 * True when `name` is a property every plain object inherits (`__proto__`, `constructor`,
 * `toString`, …): `obj[name]` would find it on an object that never defined it, so a name like
 * this can never be a model, resource, method or integration.
 */
export function isInheritedName(name: string): boolean {
  return name in Object.prototype;
}

/** `obj[key]` only when `obj` itself defines `key`: never an inherited member. */
export function ownValue<T>(obj: Record<string, T> | undefined | null, key: string): T | undefined {
  return obj && typeof obj === 'object' && Object.hasOwn(obj, key) ? obj[key] : undefined;
}

// C0 controls and DEL: never part of an id, a name or a tenant, and U+0000 is refused outright
// by Postgres text columns.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

export function hasControlCharacters(value: string): boolean {
  return CONTROL.test(value);
}

export interface TextRule {
  /** In characters (UTF-16 units), as varchar(n) counts closely enough for ASCII-heavy values. */
  maxLength: number;
}

/** The reason `value` is not acceptable as a stored or looked-up string, or undefined. */
export function textProblem(value: string, rule: TextRule): string | undefined {
  if (value.length > rule.maxLength) return `must be at most ${rule.maxLength} characters (got ${value.length})`;
  if (hasControlCharacters(value)) return 'must not contain control characters (U+0000 to U+001F, U+007F)';
  return undefined;
}

/** A query filter that is compared with stored values: a string within the rule, or a 400. */
export function queryText(value: unknown, name: string, rule: TextRule): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw errors.invalidQuery(`${name} must be a single string, got ${describe(value)}`);
  const problem = textProblem(value, rule);
  if (problem) throw errors.invalidQuery(`${name} ${problem}`);
  return value;
}

/** The longest name Tessera stores (integration, model, resource and method columns are varchar(128)). */
export const NAME_RULE: TextRule = { maxLength: 128 };

/** A body field that is stored or looked up: 1..maxLength characters, no control characters. */
export function storedText(rule: TextRule) {
  return z
    .string()
    .min(1, 'required')
    .max(rule.maxLength)
    .refine((v) => !hasControlCharacters(v), 'must not contain control characters');
}

/** A body field naming a model, resource, method or integration: storedText, and never `constructor` & co. */
export function nameText() {
  return storedText(NAME_RULE).refine((v) => !isInheritedName(v), 'is not a name Tessera can hold');
}

export function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value !== null && typeof value === 'object') return 'an object';
  return JSON.stringify(value)?.slice(0, 80) ?? String(value);
}
