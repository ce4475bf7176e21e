import replacePlaceholders from '@truto/replace-placeholders';
import { errors } from '../errors/catalogue.ts';

/**
 * `{{…}}` placeholders in definitions (docs/contract.md §11.5), via Truto's own library. Paths
 * get each substituted value URL-encoded; a placeholder that resolves to nothing in a path is an
 * error that names it, never a request to a literal `{{context.org_id}}`.
 */
const PLACEHOLDER = /\{\{([^{}]+)\}\}/g;

export type PlaceholderScope = Record<string, unknown>;

export function renderValue<T>(template: T, scope: PlaceholderScope): T {
  if (template === undefined || template === null) return template;
  return replacePlaceholders(template as any, scope) as T;
}

export function renderPath(template: string, scope: PlaceholderScope, what: string): string {
  return template.replace(PLACEHOLDER, (whole, inner: string) => {
    const value = replacePlaceholders(whole, scope);
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
