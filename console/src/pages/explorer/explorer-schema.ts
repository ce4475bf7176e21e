import { httpVerb, needsId, STANDARD_METHODS } from './snippets.ts';

/**
 * The explorer's form comes from what the server publishes: GET /openapi.json gives each unified
 * operation's parameters (the Truto ones by $ref, the resource's own inline, each with the
 * integrations that support it), so a parameter added on the server shows up here unchanged.
 */

type Json = Record<string, unknown>;

export interface OpenApiDoc {
  paths: Record<string, Record<string, { parameters?: Json[] }>>;
  components?: { parameters?: Record<string, Json> };
}

export type ParamKind = 'string' | 'integer' | 'boolean' | 'enum' | 'array' | 'object';

export interface ParamSpec {
  name: string;
  in: 'query' | 'path';
  description: string;
  kind: ParamKind;
  options?: string[];
  required: boolean;
  defaultValue?: string;
}

/** Set by the account select, so never rendered as an input. */
const IMPLIED = new Set(['integrated_account_id']);

function resolve(doc: OpenApiDoc, p: Json): Json | undefined {
  const ref = p.$ref;
  if (typeof ref !== 'string') return p;
  const name = ref.replace('#/components/parameters/', '');
  return doc.components?.parameters?.[name];
}

function kindOf(schema: Json): Pick<ParamSpec, 'kind' | 'options'> {
  if (Array.isArray(schema.enum)) return { kind: 'enum', options: schema.enum.map(String) };
  switch (schema.type) {
    case 'integer':
    case 'number':
      return { kind: 'integer' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'array':
      return { kind: 'array' };
    case 'object':
      return { kind: 'object' };
    default:
      return { kind: 'string' };
  }
}

const SUPPORTED_BY = /\s*\(supported by: ([^)]*)\)\s*$/;

/** The integrations a resource-specific parameter names in its description; undefined = all. */
export function supportedBy(description: string): string[] | undefined {
  const m = SUPPORTED_BY.exec(description);
  return m ? m[1].split(',').map((s) => s.trim()) : undefined;
}

/**
 * The parameters of one method of a unified resource, for one integration: query parameters and
 * the record id, without integrated_account_id and without parameters the integration does not
 * support. Empty when the document has no such operation (the caller then offers none).
 */
export function paramsFor(doc: OpenApiDoc, model: string, resource: string, method: string, integration: string): ParamSpec[] {
  const base = `/unified/${model}/${resource}`;
  const standard = (STANDARD_METHODS as readonly string[]).includes(method);
  const path = !standard ? `${base}/${method}` : needsId(method) ? `${base}/{id}` : base;
  const operation = doc.paths[path]?.[httpVerb(method).toLowerCase()] ?? (!standard ? doc.paths[base]?.post : undefined);
  const out: ParamSpec[] = [];
  for (const raw of operation?.parameters ?? []) {
    const p = resolve(doc, raw);
    if (!p || (p.in !== 'query' && p.in !== 'path') || typeof p.name !== 'string' || IMPLIED.has(p.name)) continue;
    const description = typeof p.description === 'string' ? p.description : '';
    const only = supportedBy(description);
    if (only && !only.includes(integration)) continue;
    const schema = (p.schema ?? {}) as Json;
    out.push({
      name: p.name,
      in: p.in,
      description: description.replace(SUPPORTED_BY, '') || (typeof schema.description === 'string' ? schema.description : ''),
      ...kindOf(schema),
      required: p.required === true,
      defaultValue: schema.default === undefined ? undefined : String(schema.default),
    });
  }
  return out;
}

/**
 * The form's text values as the query object the call sends: numbers and booleans typed, arrays
 * from comma-separated text, objects (remote_query) from `key=value` lines. Empty fields are left
 * out, so the server applies its defaults.
 */
export function toQuery(params: ParamSpec[], values: Record<string, string>): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  for (const p of params) {
    if (p.in !== 'query') continue;
    const text = (values[p.name] ?? '').trim();
    if (!text) continue;
    switch (p.kind) {
      case 'integer':
        query[p.name] = /^-?\d+$/.test(text) ? Number(text) : text;
        break;
      case 'boolean':
        query[p.name] = text === 'true' ? true : text === 'false' ? false : text;
        break;
      case 'array':
        query[p.name] = text
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        break;
      case 'object': {
        const entries = text
          .split('\n')
          .map((line) => line.trim())
          .filter(Boolean)
          .map((line) => {
            const eq = line.indexOf('=');
            return eq === -1 ? [line, ''] : [line.slice(0, eq).trim(), line.slice(eq + 1)];
          });
        if (entries.length) query[p.name] = Object.fromEntries(entries);
        break;
      }
      default:
        query[p.name] = text;
    }
  }
  return query;
}
