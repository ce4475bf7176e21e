import replacePlaceholders from '@truto/replace-placeholders';
import { errors } from '../errors/catalogue.ts';

/**
 * `{{…}}` placeholders in definitions (docs/contract.md §11.5), with the semantics of Truto's own
 * library (@truto/replace-placeholders). Paths get each substituted value URL-encoded; a
 * placeholder that resolves to nothing in a path is an error that names it, never a request to a
 * literal `{{context.org_id}}`.
 *
 * The library re-parses every placeholder and deep-walks (and clones) the whole template on each
 * call, which showed in the request profile. Templates are compiled once here (per string, and
 * per template object: templates are definitions and mappings, never mutated once loaded) into
 * renderers that do the same steps in the same order. Whatever the compiler does not reproduce
 * exactly (`$truto_merge`, wildcard paths, non-JSON values, a placeholder resolving to an object
 * inside an object, which the library walks into) is handed to the library itself.
 */
const PLACEHOLDER = /\{\{([^{}]+)\}\}/g;

export type PlaceholderScope = Record<string, unknown>;

type Render = (scope: PlaceholderScope) => unknown;

/** One shared empty template: renderers are compiled per template object, so a fresh `{}` per call would compile anew. */
export const NO_VALUES: Record<string, never> = Object.freeze({});

export function renderValue<T>(template: T, scope: PlaceholderScope): T {
  if (template === undefined || template === null) return template;
  if (typeof template === 'string') return renderString(template, scope) as T;
  if (typeof template !== 'object') return replacePlaceholders(template as any, scope) as T;
  let render = compiledObjects.get(template);
  if (!render) compiledObjects.set(template, (render = compileTop(template)));
  return render(scope) as T;
}

export function renderPath(template: string, scope: PlaceholderScope, what: string): string {
  return template.replace(PLACEHOLDER, (whole, inner: string) => {
    const value = renderString(whole, scope);
    if (value === undefined || value === null || value === '' || (typeof value === 'string' && value.includes('{{'))) {
      throw errors.badRequest(
        `${what} needs ${inner.split(/[|?:]/)[0]}, which is not set; set it on the integrated account's context or pass it in the request`,
      );
    }
    return encodeURIComponent(String(value));
  });
}

/** Drops keys whose rendered value is undefined or an unresolved placeholder (optional query params). */
export function dropUnresolved(values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined) continue;
    if (typeof v === 'string' && /^\{\{[^{}]+\}\}$/.test(v)) continue;
    out[k] = v;
  }
  return out;
}

// ---- strings: the library's replace(), with the parsing done once ----

/** The library's own patterns. */
const LIB_PLACEHOLDER = /{{([\w-./|:?\s]+)}}/gi;
const TYPE_SPLIT = /:(?=[\w\s]+)/gm;
/** A path wild-wild-path reads as plain property names (no index, wildcard, regexp, union, escape). */
const SIMPLE_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const FORBIDDEN_PROPS = new Set(['__proto__', 'prototype', 'constructor']);

interface Alternative {
  read: Render;
  type: string;
}
interface CompiledMatch {
  match: string;
  alternatives: Alternative[];
  defaultStr?: string;
  isNullAllowed: boolean;
  ignoreEmptyString: boolean;
  setUndefined: boolean;
  isWholeString: boolean;
}

/** null: no placeholder the library knows; 'library': a path only wild-wild-path reads right (wildcards, indices, unions). */
const compiledStrings = new Map<string, CompiledMatch[] | null | 'library'>();
/** Distinct template strings are few (definitions, mappings); the bound only caps client-sent ones. */
const MAX_STRINGS = 5000;
const compiledObjects = new WeakMap<object, Render>();

function renderString(str: string, scope: PlaceholderScope): unknown {
  if (!str.includes('{{')) return str;
  let matches = compiledStrings.get(str);
  if (matches === undefined) {
    if (compiledStrings.size >= MAX_STRINGS) compiledStrings.clear();
    compiledStrings.set(str, (matches = compileString(str)));
  }
  if (matches === null) return str;
  return matches === 'library' ? replacePlaceholders(str, scope) : runString(str, matches, scope);
}

function compileString(str: string): CompiledMatch[] | null | 'library' {
  const found = str.match(LIB_PLACEHOLDER);
  if (!found) return null;
  const paths = found.flatMap((match) =>
    match
      .slice(2, -2)
      .split('?:')[0]
      .split('|')
      .map((part) => part.split(TYPE_SPLIT)[0].trim()),
  );
  if (!paths.every((path) => SIMPLE_PATH.test(path))) return 'library';
  return found.map((match) => {
    const [matchStr, defaultStr] = match.slice(2, -2).split('?:');
    const parts = matchStr.split('|');
    return {
      match,
      alternatives: parts.map((part) => {
        const [path, ...typeParts] = part.split(TYPE_SPLIT);
        return { read: compileRead(path.trim()), type: (typeParts[0] || 'str').trim() };
      }),
      defaultStr,
      isNullAllowed: parts.some((part) => part.includes(':null')),
      ignoreEmptyString: parts.some((part) => part.includes(':ignore-empty-str')),
      setUndefined: parts.some((part) => part.includes(':undefined')),
      isWholeString: match === str,
    };
  });
}

/** wild-wild-path's `get` for a plain path: inherited properties count, a few names never do. */
function compileRead(path: string): Render {
  const props = path.split('.');
  if (props.some((p) => FORBIDDEN_PROPS.has(p))) return () => undefined;
  return (scope) => {
    let value: unknown = scope;
    for (const prop of props) {
      if (value === null || (typeof value !== 'object' && typeof value !== 'function') || !(prop in value)) return undefined;
      value = (value as Record<string, unknown>)[prop];
    }
    return value;
  };
}

function runString(str: string, matches: CompiledMatch[], scope: PlaceholderScope): unknown {
  let result: any = str;
  for (const m of matches) {
    let value: unknown = undefined;
    for (const alt of m.alternatives) {
      const tempValue = alt.read(scope);
      if (tempValue === '' && m.ignoreEmptyString) continue;
      if (tempValue !== undefined) {
        value = typeCast(tempValue, alt.type, m.isWholeString);
        break;
      }
    }
    if (value === undefined && m.defaultStr) {
      const [defaultValue, defaultType] = m.defaultStr.split(TYPE_SPLIT);
      value = typeCast(defaultValue, defaultType || 'str', m.isWholeString);
    } else if (value === undefined) {
      if (m.setUndefined) value = m.isWholeString ? undefined : '';
      else if (m.isNullAllowed) value = null;
      else value = m.match;
    }
    result = m.isWholeString ? value : result.replace(m.match, value);
  }
  return result;
}

function typeCast(value: any, type: string, isWholeString: boolean): unknown {
  if (value === undefined || value === null) return value;
  let valueToCheck = value;
  if (typeof value === 'string' && type !== 'str') valueToCheck = value.trim();
  if (
    valueToCheck instanceof Blob ||
    valueToCheck instanceof ReadableStream ||
    valueToCheck instanceof WritableStream ||
    valueToCheck instanceof TransformStream
  )
    return valueToCheck;
  let castValue: number;
  switch (type) {
    case 'ignore-empty-str':
    case 'undefined':
    case 'any':
      return valueToCheck;
    case 'null':
      if (valueToCheck === 'null' || valueToCheck === null) return null;
      return isWholeString ? valueToCheck : 'null';
    case 'int':
      castValue = parseInt(valueToCheck);
      return isNaN(castValue) ? valueToCheck : castValue;
    case 'num':
      castValue = parseFloat(valueToCheck);
      return isNaN(castValue) ? valueToCheck : castValue;
    case 'str':
      return lodashToString(value);
    case 'bool':
      if (valueToCheck === 'true' || valueToCheck === true) return true;
      if (valueToCheck === 'false' || valueToCheck === false) return false;
      return valueToCheck;
    case 'json':
      if (isWholeString) {
        if (isLodashPlainObject(valueToCheck) || Array.isArray(valueToCheck)) return valueToCheck;
        try {
          return JSON.parse(valueToCheck);
        } catch {
          return valueToCheck;
        }
      }
      return valueToCheck;
    default:
      throw new Error(`Unsupported type: ${type}`);
  }
}

/** lodash's toString (null and undefined never reach it here). */
function lodashToString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(lodashToString) + '';
  if (typeof value === 'symbol') return value.toString();
  const result = (value as any) + '';
  return result === '0' && 1 / (value as number) === -Infinity ? '-0' : result;
}

function isLodashPlainObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Object.prototype.toString.call(value) !== '[object Object]') return false;
  const proto = Object.getPrototypeOf(value);
  if (proto === null) return true;
  const ctor = Object.prototype.hasOwnProperty.call(proto, 'constructor') && proto.constructor;
  return typeof ctor === 'function' && ctor instanceof ctor && Function.prototype.toString.call(ctor) === Function.prototype.toString.call(Object);
}

// ---- objects and arrays: the library's traversal, unrolled once per template ----

/** Thrown while compiling or rendering: the library renders this template itself. */
class UseLibrary extends Error {}
const USE_LIBRARY = new UseLibrary();

function compileTop(template: object): Render {
  try {
    const render = compileTopNode(template, new Set());
    return (scope) => {
      try {
        return render(scope);
      } catch (e) {
        if (e === USE_LIBRARY) return replacePlaceholders(template as any, scope);
        throw e;
      }
    };
  } catch (e) {
    if (e !== USE_LIBRARY) throw e;
    return (scope) => replacePlaceholders(template as any, scope);
  }
}

const isDenseArray = (value: unknown[]) => Object.keys(value).length === value.length;
const isSimpleObject = (value: object) => Object.getPrototypeOf(value) === Object.prototype;

/** The library's top level: strings replaced (an object result kept as is), arrays mapped item by item, objects traversed. */
function compileTopNode(node: unknown, ancestors: Set<object>): Render {
  if (typeof node === 'string') return (scope) => renderString(node, scope);
  if (Array.isArray(node)) {
    if (!isDenseArray(node)) throw USE_LIBRARY;
    const items = node.map((item) => compileTopNode(item, ancestors));
    return (scope) => items.map((item) => item(scope));
  }
  if (node !== null && typeof node === 'object' && isSimpleObject(node)) return compileTraversed(node, ancestors);
  // Anything else is the library's "Invalid type" error: let it say so.
  throw USE_LIBRARY;
}

/** A node inside a traversed object: cloned, strings replaced; a string that becomes an object would be walked into. */
function compileTraversed(node: unknown, ancestors: Set<object>): Render {
  if (typeof node === 'string') {
    if (!node.includes('{{')) return () => node;
    return (scope) => {
      const value = renderString(node, scope);
      if (value !== null && typeof value === 'object') throw USE_LIBRARY;
      return value;
    };
  }
  if (node === null || node === undefined || typeof node === 'number' || typeof node === 'boolean') return () => node;
  if (typeof node !== 'object' || ancestors.has(node)) throw USE_LIBRARY;
  ancestors.add(node);
  try {
    if (Array.isArray(node)) {
      if (!isDenseArray(node)) throw USE_LIBRARY;
      const items = node.map((item) => compileTraversed(item, ancestors));
      return (scope) => items.map((item) => item(scope));
    }
    if (!isSimpleObject(node) || '$truto_merge' in node || Object.hasOwn(node, '__proto__')) throw USE_LIBRARY;
    const entries = Object.keys(node).map((key) => [key, compileTraversed((node as Record<string, unknown>)[key], ancestors)] as const);
    return (scope) => {
      const out: Record<string, unknown> = {};
      for (const [key, render] of entries) out[key] = render(scope);
      return out;
    };
  } finally {
    ancestors.delete(node);
  }
}
