import fs from 'node:fs';
import type { Catalog } from '../../integrations/catalog.ts';
import type { UnifiedModel } from '../../models/index.ts';
import { ADMIN_ERRORS, errorResponses, QUERY_PARAMETERS, SHARED_SCHEMAS, withErrors } from './components.ts';
import { ok, VERBS, type DocContext, type Json, type RouteDoc, type RouteDocs, type Verb } from './route-doc.ts';
import { DATA_PLANE_SHAPES, unifiedPaths, type PublishedRoute } from './unified-paths.ts';

/**
 * The OpenAPI 3.1 document of this server, generated on every request from what is running:
 * the routes registered on the Hono app, the descriptions their route modules declare, the
 * unified models, and the bundled mapping rows (which model/resource/method some integration
 * maps). Nothing here lists paths by hand: a route that is not registered is not published, and a
 * registered route with no description is still published with a generic operation, so the
 * document can never silently miss an endpoint.
 */

export interface RouteInfo {
  method: string;
  path: string;
  /** Hono's handler; for an ALL route it tells middleware `(c, next)` from an endpoint `(c)`. */
  handler?: (...args: never[]) => unknown;
}

export interface OpenApiInput {
  catalog: Catalog;
  models: Record<string, UnifiedModel>;
  routes: RouteInfo[];
  /** The descriptions declared by the route modules (see route-docs.ts). */
  docs: RouteDocs[];
  serverUrl?: string;
}

function packageVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

// ---------------------------------------------------------------------------------------------
// Routes: Hono patterns → OpenAPI templates

/** `/a/:id/b/:x?` → ['/a/{id}/b', '/a/{id}/b/{x}']; `*` and `:p{regex}` become `{path}` / `{p}`. */
export function honoPathToTemplates(path: string): string[] {
  let templates = [''];
  for (const segment of path.split('/').filter(Boolean)) {
    const optional = /^:[^{}]+\?$/.test(segment);
    let rendered: string;
    if (segment === '*') rendered = '{path}';
    else if (segment.startsWith(':'))
      rendered = `{${segment
        .slice(1)
        .replace(/\?$/, '')
        .replace(/\{.*\}$/, '')}}`;
    else rendered = segment;
    templates = optional ? [...templates, ...templates.map((t) => `${t}/${rendered}`)] : templates.map((t) => `${t}/${rendered}`);
  }
  return templates.map((t) => t || '/');
}

/** The template with parameter names erased: routes with the same shape are one OpenAPI path. */
export function shapeOf(template: string): string {
  return template.replace(/\{[^}]+\}/g, '{}');
}

function normalizeRoutes(routes: RouteInfo[]): PublishedRoute[] {
  const seen = new Set<string>();
  const out: PublishedRoute[] = [];
  for (const route of routes) {
    // Middleware (app.use) is registered as an ALL route, like app.all; only middleware takes `next`.
    if (route.path === '/*' || route.path === '*') continue;
    const method = route.method.toLowerCase();
    if (method === 'all' && (route.handler?.length ?? 0) >= 2) continue;
    const verbs: Verb[] = method === 'all' ? VERBS : (VERBS as string[]).includes(method) ? [method as Verb] : [];
    for (const template of honoPathToTemplates(route.path)) {
      for (const verb of verbs) {
        const shape = shapeOf(template);
        const key = `${verb} ${shape}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ verb, template, shape });
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Operations declared by the route modules

/** Each declared operation by `${verb} ${shape}`, the key a registered route is looked up by. */
function operationsByKey(docs: RouteDocs[], ctx: DocContext): Map<string, RouteDoc> {
  const out = new Map<string, RouteDoc>();
  for (const { operations } of docs) {
    for (const op of typeof operations === 'function' ? operations(ctx) : operations) {
      const key = `${op.method} ${shapeOf(op.path)}`;
      // Two descriptions of one operation would publish whichever came last: refuse instead.
      if (out.has(key)) throw new Error(`OpenAPI: ${key} is described twice (${out.get(key)!.operationId}, ${op.operationId})`);
      out.set(key, op);
    }
  }
  return out;
}

function pathParameters(template: string, described: RouteDoc['params'] = {}): unknown[] {
  return [...template.matchAll(/\{([^}]+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    description: described[name]?.description ?? name,
    schema: described[name]?.schema ?? { type: 'string' },
  }));
}

function buildOperation(doc: RouteDoc): Json {
  return {
    operationId: doc.operationId,
    summary: doc.summary,
    ...(doc.description ? { description: doc.description } : {}),
    tags: doc.tags,
    ...(doc.public ? { security: [] } : {}),
    parameters: [...pathParameters(doc.path, doc.params), ...(doc.parameters ?? [])],
    ...(doc.requestBody ? { requestBody: doc.requestBody } : {}),
    responses: withErrors(doc.errors ?? ADMIN_ERRORS, doc.success),
  };
}

/** The operation of a registered route whose module describes nothing for it. */
function genericOperation(verb: Verb, template: string): Json {
  return buildOperation({
    method: verb,
    path: template,
    operationId: `${verb}_${template
      .replace(/[{}]/g, '')
      .replace(/[^A-Za-z0-9]+/g, '_')
      .replace(/^_|_$/g, '')}`,
    summary: `${verb.toUpperCase()} ${template}`,
    description: 'A registered route without a published description.',
    tags: ['Other'],
    success: ok('OK', {}),
  });
}

// ---------------------------------------------------------------------------------------------

export function buildOpenApiDocument(input: OpenApiInput): Json {
  const routes = normalizeRoutes(input.routes);
  const ctx: DocContext = {
    models: input.models,
    integrations: [...input.catalog.integrations.keys()],
    proxyResources: [...new Set([...input.catalog.integrations.values()].flatMap((d) => Object.keys(d.resources)))],
  };
  const described = operationsByKey(input.docs, ctx);

  const schemas: Json = { ...SHARED_SCHEMAS };
  for (const doc of input.docs) {
    for (const [name, schema] of Object.entries(doc.schemas ?? {})) {
      // References are by name: a second schema under one name would silently retarget them.
      if (name in schemas) throw new Error(`OpenAPI: component schema ${name} is declared twice`);
      schemas[name] = schema;
    }
  }
  const tags: Json[] = [
    { name: 'System', description: 'Health and this document' },
    { name: 'Discovery', description: 'Meta and capabilities' },
  ];

  const paths: Record<string, Json> = unifiedPaths(input, routes, schemas, tags);
  const templateByShape = new Map<string, string>();
  const operationIds = new Set<string>();
  const usedTags = new Set<string>(tags.map((t) => t.name as string));
  for (const route of routes) {
    if (DATA_PLANE_SHAPES.includes(route.shape)) continue;
    const doc = described.get(`${route.verb} ${route.shape}`);
    // Same shape, one template: OpenAPI forbids two paths that differ only in parameter names.
    const template = doc?.path ?? templateByShape.get(route.shape) ?? route.template;
    templateByShape.set(route.shape, template);
    const op = doc ? buildOperation(doc) : genericOperation(route.verb, template);
    let id = op.operationId as string;
    for (let n = 2; operationIds.has(id); n++) id = `${op.operationId as string}_${n}`;
    operationIds.add(id);
    op.operationId = id;
    for (const t of op.tags as string[]) usedTags.add(t);
    paths[template] = { ...(paths[template] ?? {}), [route.verb]: op };
  }
  for (const name of ['Integrated accounts', 'Integrations', 'Proxy', 'Custom', 'Other']) {
    if (usedTags.has(name) && !tags.some((t) => t.name === name)) tags.push({ name });
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'Tessera',
      version: packageVersion(),
      description:
        "Self-hosted unified API engine speaking Truto's wire contract. Unified paths are listed for every model, resource and method " +
        'that at least one bundled integration maps; x-tessera-integrations names those integrations. Per-account capabilities: ' +
        'GET /integrated-account/{id}/capabilities.',
    },
    ...(input.serverUrl ? { servers: [{ url: input.serverUrl }] } : {}),
    security: [{ bearerAuth: [] }],
    tags,
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token of one environment: Authorization: Bearer <token>' },
      },
      parameters: QUERY_PARAMETERS,
      responses: errorResponses(),
      schemas,
    },
  };
}
