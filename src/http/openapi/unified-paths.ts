import type { Catalog } from '../../integrations/catalog.ts';
import type { JsonSchema, UnifiedModel } from '../../models/index.ts';
import { orderMethods, STANDARD_METHODS } from '../../services/discovery.ts';
import { DATA_PLANE_ERRORS, IDEMPOTENCY_KEY, PARAMS_BY_METHOD, STANDARD_QUERY_NAMES, withErrors } from './components.ts';
import { jsonContent, ok, pascal, ref, type Json, type Verb } from './route-doc.ts';

/**
 * The unified data plane (routes/unified/unified.ts) is not described once for its generic
 * `/unified/{model}/{resource}[/{id}]` routes but once per (model, resource) that some bundled
 * integration maps, with that resource's record schema — that is what a client generator needs.
 * A method is published only when the route that would serve it is registered.
 */

/** Shapes (see shapeOf) of the generic data-plane routes that the paths below stand for. */
export const DATA_PLANE_SHAPES = ['/unified/{}/{}', '/unified/{}/{}/{}'];

/** A registered route, reduced to what the document needs. */
export interface PublishedRoute {
  verb: Verb;
  template: string;
  shape: string;
}

/** method → integrations that map it, per `${model}/${resource}`. */
function mappedMethods(catalog: Catalog): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  for (const file of catalog.mappings.values()) {
    const key = `${file.model}/${file.resource}`;
    const methods = out.get(key) ?? new Map<string, string[]>();
    for (const method of Object.keys(file.methods)) methods.set(method, [...(methods.get(method) ?? []), file.integration]);
    out.set(key, methods);
  }
  return out;
}

/** Query parameters an integration's mapping declares in its query_schema, beyond the standard ones. */
function mappingQueryParameters(catalog: Catalog, model: string, resource: string, method: string): unknown[] {
  const found = new Map<string, { schema: unknown; description?: string; integrations: string[]; required: boolean }>();
  for (const file of catalog.mappings.values()) {
    if (file.model !== model || file.resource !== resource) continue;
    const schema = file.methods[method]?.query_schema as { properties?: Record<string, Json>; required?: string[] } | undefined;
    for (const [name, prop] of Object.entries(schema?.properties ?? {})) {
      if (STANDARD_QUERY_NAMES.has(name)) continue;
      const entry = found.get(name) ?? {
        schema: prop,
        description: typeof prop.description === 'string' ? prop.description : undefined,
        integrations: [],
        required: false,
      };
      entry.integrations.push(file.integration);
      found.set(name, entry);
    }
  }
  return [...found.entries()].map(([name, e]) => ({
    name,
    in: 'query',
    description: `${e.description ? `${e.description} ` : ''}(supported by: ${e.integrations.join(', ')})`,
    schema: e.schema,
  }));
}

function recordSchemaName(model: UnifiedModel, resource: string, taken: Set<string>): string {
  const title = model.resources[resource].schema.title;
  let name = typeof title === 'string' && /^[A-Za-z0-9._-]+$/.test(title) ? title : `${pascal(model.name)}${pascal(resource)}`;
  if (taken.has(name)) name = `${pascal(model.name)}${pascal(resource)}`;
  taken.add(name);
  return name;
}

/** The record schema as a component: `$id` dropped so references resolve against the document. */
function componentSchema(schema: JsonSchema): Json {
  const { $id: _id, $schema: _schema, ...rest } = schema as Json;
  return rest;
}

/** The body of create/update: the record's properties, none required, without id and remote_data. */
function writeSchema(name: string, schema: JsonSchema): Json {
  const props = { ...((schema as { properties?: Json }).properties ?? {}) };
  delete props.id;
  delete props.remote_data;
  return {
    title: `${name}Input`,
    description: 'Unified fields to write; an integration may accept more (see its meta request_body_schema).',
    type: 'object',
    properties: props,
    additionalProperties: true,
  };
}

/** The list envelope of one resource's records. */
function listSchema(name: string, record: unknown): Json {
  return {
    title: `${name}List`,
    type: 'object',
    properties: {
      result: {
        description: 'An array of records; with truto_key_by, an object of records keyed by that field.',
        oneOf: [
          { type: 'array', items: record },
          { type: 'object', additionalProperties: record },
        ],
      },
      next_cursor: { type: ['string', 'null'] },
      prev_cursor: { type: 'null' },
      result_count: { type: 'integer', minimum: 0 },
      is_partial_response: { type: 'boolean', const: true },
    },
    required: ['result', 'next_cursor', 'prev_cursor', 'result_count'],
  };
}

export interface UnifiedPathsInput {
  catalog: Catalog;
  models: Record<string, UnifiedModel>;
}

/**
 * The concrete data-plane paths. Adds each record schema (and its list and write schemas) to
 * `schemas`, and a tag per model that has at least one published operation to `tags`.
 */
export function unifiedPaths(input: UnifiedPathsInput, routes: PublishedRoute[], schemas: Json, tags: Json[]): Record<string, Json> {
  const has = (verb: Verb, shape: string) => routes.some((r) => r.verb === verb && r.shape === shape);
  const [collection, item] = DATA_PLANE_SHAPES;
  const paths: Record<string, Json> = {};
  const put = (path: string, verb: Verb, op: Json) => {
    paths[path] = { ...(paths[path] ?? {}), [verb]: op };
  };
  const taken = new Set<string>(Object.keys(schemas));
  const mapped = mappedMethods(input.catalog);

  for (const model of Object.values(input.models)) {
    const tag = `Unified: ${model.name}`;
    let used = false;
    for (const [resource, info] of Object.entries(model.resources)) {
      const methods = mapped.get(`${model.name}/${resource}`);
      if (!methods?.size) continue;
      const name = recordSchemaName(model, resource, taken);
      schemas[name] = componentSchema(info.schema);
      const record = ref('schemas', name);
      const base = `/unified/${model.name}/${resource}`;
      const opId = (method: string, suffix = '') => `unified_${model.name}_${resource}_${method}${suffix}`.replace(/[^A-Za-z0-9_]/g, '_');
      const idParam = { name: 'id', in: 'path', required: true, description: `${info.label} id (URL-encoded)`, schema: { type: 'string' } };
      const common = (method: string, kind: string, integrations: string[]) => ({
        tags: [tag],
        'x-tessera-integrations': integrations,
        parameters: [
          ...(kind === 'get' || kind === 'update' || kind === 'delete' ? [idParam] : []),
          ...PARAMS_BY_METHOD[kind].map((p) => ref('parameters', p)),
          ...mappingQueryParameters(input.catalog, model.name, resource, method),
          ...(kind === 'create' || kind === 'update' || kind === 'custom' ? [IDEMPOTENCY_KEY] : []),
        ],
      });
      const writeName = `${name}Input`;
      const writeBody = () => {
        schemas[writeName] ??= writeSchema(name, info.schema);
        return { required: true, content: jsonContent(ref('schemas', writeName)) };
      };
      for (const method of orderMethods(methods.keys())) {
        const integrations = methods.get(method) ?? [];
        const label = `${model.label} ${resource}`;
        if (method === 'list' && has('get', collection)) {
          schemas[`${name}List`] ??= listSchema(name, record);
          put(base, 'get', {
            operationId: opId('list'),
            summary: `List ${label}`,
            description: info.description,
            ...common(method, 'list', integrations),
            responses: withErrors(DATA_PLANE_ERRORS, {
              '200': {
                description: `A page of ${resource}`,
                content: {
                  ...jsonContent(ref('schemas', `${name}List`)),
                  // truto_response_format=stream: one record per line.
                  'application/x-ndjson': { schema: record },
                },
              },
            }),
          });
        } else if (method === 'create' && has('post', collection)) {
          put(base, 'post', {
            operationId: opId('create'),
            summary: `Create a ${info.label.toLowerCase()}`,
            ...common(method, 'create', integrations),
            requestBody: writeBody(),
            responses: withErrors(DATA_PLANE_ERRORS, ok(`The created ${info.label.toLowerCase()}`, record)),
          });
        } else if (method === 'get' && has('get', item)) {
          put(`${base}/{id}`, 'get', {
            operationId: opId('get'),
            summary: `Get a ${info.label.toLowerCase()}`,
            ...common(method, 'get', integrations),
            responses: withErrors(DATA_PLANE_ERRORS, ok(`The ${info.label.toLowerCase()}`, record)),
          });
        } else if (method === 'update') {
          for (const verb of ['patch', 'put'] as const) {
            if (!has(verb, item)) continue;
            put(`${base}/{id}`, verb, {
              operationId: opId('update', verb === 'put' ? '_put' : ''),
              summary: `Update a ${info.label.toLowerCase()}${verb === 'put' ? ' (alias of PATCH)' : ''}`,
              ...common(method, 'update', integrations),
              requestBody: writeBody(),
              responses: withErrors(DATA_PLANE_ERRORS, ok(`The updated ${info.label.toLowerCase()}`, record)),
            });
          }
        } else if (method === 'delete' && has('delete', item)) {
          put(`${base}/{id}`, 'delete', {
            operationId: opId('delete'),
            summary: `Delete a ${info.label.toLowerCase()}`,
            ...common(method, 'delete', integrations),
            responses: withErrors(DATA_PLANE_ERRORS, ok('Deleted', ref('schemas', 'DeleteResult'))),
          });
        } else if (!(STANDARD_METHODS as readonly string[]).includes(method) && has('post', item)) {
          put(`${base}/${method}`, 'post', {
            operationId: opId(method),
            summary: `${method} (custom method of ${label})`,
            ...common(method, 'custom', integrations),
            requestBody: { content: jsonContent({ type: 'object', additionalProperties: true }) },
            responses: withErrors(DATA_PLANE_ERRORS, ok('The custom method result', ref('schemas', 'CustomMethodResult'))),
          });
        } else continue;
        used = true;
      }
    }
    if (used) tags.push({ name: tag, description: `${model.label}: ${model.description}` });
  }
  return paths;
}
