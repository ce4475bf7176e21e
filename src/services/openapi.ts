import fs from 'node:fs';
import { z } from 'zod';
import { REASON_PHRASES } from '../errors/catalogue.ts';
import { RESPONSE_FORMATS } from '../http/query.ts';
import type { Catalog } from '../integrations/catalog.ts';
import type { JsonSchema, UnifiedModel } from '../models/index.ts';
import { authorizeBody } from './oauth2-connect.ts';
import { capabilitiesResponseSchema, CAPABILITY_TYPES, metaResponseSchema, orderMethods, STANDARD_METHODS } from './discovery.ts';
import { createAccountBody, patchAccountBody } from './integrated-accounts.ts';

/**
 * The OpenAPI 3.1 document of this server, generated on every request from what is running:
 * the routes registered on the Hono app, the unified models, and the bundled mapping rows (which
 * model/resource/method some integration maps). Nothing here lists paths by hand: a route that is
 * not registered is not published, and a registered route with no description below is still
 * published with a generic operation, so the document can never silently miss an endpoint.
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
  serverUrl?: string;
}

type Json = Record<string, unknown>;
type Verb = 'get' | 'post' | 'put' | 'patch' | 'delete';
const VERBS: Verb[] = ['get', 'post', 'put', 'patch', 'delete'];

const ref = (kind: 'schemas' | 'parameters' | 'responses', name: string) => ({ $ref: `#/components/${kind}/${name}` });
const jsonContent = (schema: unknown) => ({ 'application/json': { schema } });

function packageVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** A JSON Schema from zod, without `$schema` (the document's dialect applies). */
function fromZod(schema: z.ZodType, io: 'input' | 'output' = 'output'): Json {
  const out = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as Json;
  delete out.$schema;
  return out;
}

function pascal(s: string): string {
  return s
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');
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
    else if (segment.startsWith(':')) rendered = `{${segment.slice(1).replace(/\?$/, '').replace(/\{.*\}$/, '')}}`;
    else rendered = segment;
    templates = optional ? [...templates, ...templates.map((t) => `${t}/${rendered}`)] : templates.map((t) => `${t}/${rendered}`);
  }
  return templates.map((t) => t || '/');
}

/** The template with parameter names erased: routes with the same shape are one OpenAPI path. */
export function shapeOf(template: string): string {
  return template.replace(/\{[^}]+\}/g, '{}');
}

interface NormalizedRoute {
  verb: Verb;
  template: string;
  shape: string;
}

function normalizeRoutes(routes: RouteInfo[]): NormalizedRoute[] {
  const seen = new Set<string>();
  const out: NormalizedRoute[] = [];
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
// Shared components

const ERROR_RESPONSES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  409: 'Conflict',
  422: 'UnprocessableEntity',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Validation failure, a missing required parameter or field, or an invalid next_cursor.',
  401: 'Missing, unknown, expired or revoked token; or the integrated account needs re-authentication.',
  403: 'Forbidden or missing scopes (also from the upstream provider).',
  404: 'Not found, or not visible to this token; or a method the integration does not map.',
  405: 'Writes to a read-only (sandbox) integrated account, or a change to a read-only field.',
  409: 'Conflict: a reused Idempotency-Key with a different request, a stale version, or an upstream conflict.',
  422: 'The upstream provider rejected the request.',
  429: 'Rate limited, by this server or by the upstream provider. Retry after Retry-After seconds.',
  500: 'Server failure.',
  502: 'The upstream gave no clean response.',
  503: 'The integrated account is blocked, or the upstream is unavailable.',
  504: 'The upstream timed out.',
};

const DATA_PLANE_ERRORS = [400, 401, 403, 404, 405, 409, 422, 429, 500, 502, 503, 504];
const ADMIN_ERRORS = [400, 401, 404, 429, 500];

const errorEnvelopeSchema: Json = {
  title: 'ErrorEnvelope',
  description: 'Every 4xx and 5xx response (truto-contract.md §8.1).',
  type: 'object',
  properties: {
    statusCode: { type: 'integer', description: 'Same as the HTTP status' },
    error: { type: 'string', description: 'HTTP reason phrase', examples: ['Not Found'] },
    message: { type: 'string', description: 'Human text; for remote errors, taken from the provider body (may be empty)' },
    details: { description: 'For validation errors: {failures: [{path, message}]}' },
    truto_is_remote_error: { type: 'boolean', const: true, description: 'The error came from the upstream provider' },
    raw_response: { description: 'The upstream body: parsed JSON if possible, else text; null when there was none' },
    truto_error_insight: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: { description: { type: 'string' }, value: {} },
        required: ['description'],
      },
    },
  },
  required: ['statusCode', 'error', 'message'],
};

function errorResponses(): Json {
  const out: Json = {};
  for (const [code, name] of Object.entries(ERROR_RESPONSES)) {
    const status = Number(code);
    out[name] = {
      description: `${REASON_PHRASES[status] ?? 'Error'}. ${ERROR_DESCRIPTIONS[status] ?? ''}`.trim(),
      ...(status === 429
        ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } } } }
        : {}),
      content: jsonContent(ref('schemas', 'ErrorEnvelope')),
    };
  }
  return out;
}

function withErrors(codes: number[], success: Json): Json {
  const out: Json = { ...success };
  for (const code of codes) out[String(code)] = ref('responses', ERROR_RESPONSES[code]);
  return out;
}

const QUERY_PARAMETERS: Json = {
  IntegratedAccountId: {
    name: 'integrated_account_id',
    in: 'query',
    required: true,
    description: 'The integrated account (connection) to call. Missing: 400 with missing_required_query_parameters.',
    schema: { type: 'string', format: 'uuid' },
  },
  TrutoResponseFormat: {
    name: 'truto_response_format',
    in: 'query',
    description:
      'unified (default): mapped records with remote_data. raw: the upstream body (lists: unmapped upstream records in the list envelope). ' +
      'normalized: schema-complete, schema-strict records. stream: NDJSON lines (lists). debug: {result, debug}.',
    schema: { type: 'string', enum: [...RESPONSE_FORMATS], default: 'unified' },
  },
  TrutoExcludeFields: {
    name: 'truto_exclude_fields',
    in: 'query',
    description: 'Fields (or dotted paths) removed from each record. Also accepted as x[]=a&x[]=b, x[0]=a, or a repeated key.',
    style: 'form',
    explode: false,
    schema: { type: 'array', items: { type: 'string' } },
  },
  TrutoIgnoreRemoteData: {
    name: 'truto_ignore_remote_data',
    in: 'query',
    description: 'Leave remote_data out of each record.',
    schema: { type: 'boolean', default: false },
  },
  TrutoKeyBy: {
    name: 'truto_key_by',
    in: 'query',
    description: 'Turn result into an object keyed by this field or dotted path (lists only).',
    schema: { type: 'string' },
  },
  TrutoIgnoreLimit: {
    name: 'truto_ignore_limit',
    in: 'query',
    description: 'Follow every upstream page and return all records at once (up to a safety cap; then is_partial_response).',
    schema: { type: 'boolean', default: false },
  },
  TrutoSkipApiCall: {
    name: 'truto_skip_api_call',
    in: 'query',
    description: 'Dry run: validate and plan, but do not call the upstream (header X-Tessera-Skipped-Api-Call: true).',
    schema: { type: 'boolean', default: false },
  },
  RemoteQuery: {
    name: 'remote_query',
    in: 'query',
    description: 'Upstream query parameters passed through untouched, as remote_query[foo]=bar; they win over mapped ones.',
    style: 'deepObject',
    explode: true,
    schema: { type: 'object', additionalProperties: true },
  },
  Limit: {
    name: 'limit',
    in: 'query',
    description: 'Page size, translated to the upstream by the mapping.',
    schema: { type: 'integer', minimum: 1 },
  },
  NextCursor: {
    name: 'next_cursor',
    in: 'query',
    description: 'The opaque cursor from the previous page; empty means the first page.',
    schema: { type: 'string' },
  },
};

const PARAMS_BY_METHOD: Record<string, string[]> = {
  list: ['IntegratedAccountId', 'TrutoResponseFormat', 'TrutoExcludeFields', 'TrutoIgnoreRemoteData', 'TrutoKeyBy', 'TrutoIgnoreLimit', 'TrutoSkipApiCall', 'RemoteQuery', 'Limit', 'NextCursor'],
  get: ['IntegratedAccountId', 'TrutoResponseFormat', 'TrutoExcludeFields', 'TrutoIgnoreRemoteData', 'TrutoSkipApiCall', 'RemoteQuery'],
  create: ['IntegratedAccountId', 'TrutoResponseFormat', 'TrutoExcludeFields', 'TrutoIgnoreRemoteData', 'TrutoSkipApiCall', 'RemoteQuery'],
  update: ['IntegratedAccountId', 'TrutoResponseFormat', 'TrutoExcludeFields', 'TrutoIgnoreRemoteData', 'TrutoSkipApiCall', 'RemoteQuery'],
  delete: ['IntegratedAccountId', 'TrutoResponseFormat', 'TrutoSkipApiCall', 'RemoteQuery'],
  custom: ['IntegratedAccountId', 'TrutoResponseFormat', 'TrutoSkipApiCall', 'RemoteQuery'],
};
const STANDARD_QUERY_NAMES = new Set(Object.values(QUERY_PARAMETERS).map((p) => (p as { name: string }).name));

const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header',
  description: 'A repeated key returns the first response (24 h); the same key with a different request gets 409.',
  schema: { type: 'string' },
};

const adminListSchema = (items: unknown): Json => ({
  type: 'object',
  properties: { result: { type: 'array', items }, next_cursor: { type: ['string', 'null'] }, limit: { type: 'integer' } },
  required: ['result', 'next_cursor', 'limit'],
});

const integratedAccountSchema: Json = {
  title: 'IntegratedAccount',
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    tenant_id: { type: 'string' },
    environment_id: { type: 'string' },
    environment_integration_id: { type: ['string', 'null'] },
    integration: {
      type: 'object',
      properties: { id: { type: 'string' }, name: { type: 'string' }, category: { type: 'string' } },
      required: ['id', 'name', 'category'],
    },
    status: { type: 'string', enum: ['active', 'connecting', 'post_install_error', 'validation_error', 'needs_reauth'] },
    is_sandbox: { type: 'boolean', description: 'Read-only: writes through /unified and /proxy get 405' },
    is_blocked: { type: 'boolean' },
    authentication_method: { type: 'string' },
    region: { type: 'string', enum: ['wnam', 'enam', 'apac', 'eu'] },
    context: { type: 'object', additionalProperties: true, description: 'Credentials are returned as "********"' },
    last_error: { type: ['string', 'null'] },
    unified_model_override: { type: 'object', additionalProperties: true },
    integration_override: { type: 'object', additionalProperties: true },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'tenant_id', 'environment_id', 'integration', 'status', 'is_sandbox', 'authentication_method', 'context', 'created_at', 'updated_at'],
};

const integrationSchema: Json = {
  title: 'Integration',
  type: 'object',
  description: 'An integration definition; its config is never returned.',
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    label: { type: 'string' },
    category: { type: 'string' },
    is_beta: { type: 'boolean' },
    sharing: { type: 'string', enum: ['deny', 'ask', 'allow'] },
    can_install: { type: 'boolean' },
    logo: { type: ['string', 'null'] },
    credentials: { type: 'object', additionalProperties: true },
    resources: { type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } },
    version: { type: 'integer' },
  },
  required: ['id', 'name', 'label', 'category'],
};

// ---------------------------------------------------------------------------------------------
// Operations for the routes that are not the unified data plane

interface OperationSpec {
  /** The OpenAPI template; its parameter names win over the route's. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  public?: boolean;
  params?: Record<string, { description: string; schema?: Json }>;
  parameters?: unknown[];
  requestBody?: Json;
  success: Json;
  errors?: number[];
}

interface Context {
  models: Record<string, UnifiedModel>;
  integrations: string[];
  proxyResources: string[];
}

const ok = (description: string, schema: unknown): Json => ({ '200': { description, content: jsonContent(schema) } });

const capabilityFilters = (): unknown[] => [
  { name: 'type', in: 'query', description: 'Restrict the response to one surface.', schema: { type: 'string', enum: [...CAPABILITY_TYPES], default: 'all' } },
  { name: 'methods', in: 'query', description: 'Keep only proxy methods with these names, e.g. list,get.', style: 'form', explode: false, schema: { type: 'array', items: { type: 'string' } } },
  { name: 'resource', in: 'query', description: 'Keep only this resource (proxy and unified).', schema: { type: 'string' } },
  { name: 'has_description', in: 'query', description: 'true (default): only proxy methods with a description; false: all of them.', schema: { type: 'boolean', default: true } },
];

function operationSpecs(ctx: Context): Record<string, OperationSpec> {
  const modelParam = { description: 'Unified model (kebab-case)', schema: { type: 'string', enum: Object.keys(ctx.models) } };
  const allResources = [...new Set(Object.values(ctx.models).flatMap((m) => Object.keys(m.resources)))];
  const resourceParam = { description: 'Unified resource (snake_case)', schema: { type: 'string', enum: allResources } };
  const methodParam = { description: 'list, get, create, update, delete, or a custom method name', schema: { type: 'string' } };
  const proxyResource = {
    description: `The integration's own resource name${ctx.proxyResources.length ? ` (bundled integrations define: ${ctx.proxyResources.join(', ')})` : ''}`,
  };
  const proxyCommon = [ref('parameters', 'IntegratedAccountId')];
  const proxyOp = (verb: string, summary: string, extra: Partial<OperationSpec> = {}): OperationSpec => ({
    path: '',
    operationId: '',
    summary,
    tags: ['Proxy'],
    parameters: proxyCommon,
    errors: DATA_PLANE_ERRORS,
    success: ok(`${verb} result`, {}),
    ...extra,
  });
  const listEnvelope = ref('schemas', 'ProxyList');
  const anyBody = { content: jsonContent({ type: 'object', additionalProperties: true }) };

  const specs: Record<string, Omit<OperationSpec, 'path'> & { path: string }> = {
    'get /health': {
      path: '/health',
      operationId: 'health',
      summary: 'Liveness check',
      tags: ['System'],
      public: true,
      success: ok('The server is up', { type: 'object', properties: { status: { type: 'string', const: 'ok' } }, required: ['status'] }),
      errors: [500],
    },
    'get /openapi.json': {
      path: '/openapi.json',
      operationId: 'openapi',
      summary: 'This OpenAPI document',
      description: 'Generated on each request from the registered routes, the unified models and the bundled mappings.',
      tags: ['System'],
      public: true,
      success: ok('An OpenAPI 3.1 document', { type: 'object', additionalProperties: true }),
      errors: [500],
    },
    'get /unified/meta/{}/{}': {
      path: '/unified/meta/{model}/{integration}',
      operationId: 'unifiedModelDocs',
      summary: 'Document one unified model on one integration',
      description: 'Every resource of the model with its fields and the methods the integration maps; format=md or html renders it for people.',
      tags: ['Discovery'],
      params: {
        model: modelParam,
        integration: { description: 'Integration name', schema: { type: 'string', enum: ctx.integrations } },
      },
      parameters: [{ name: 'format', in: 'query', schema: { type: 'string', enum: ['json', 'md', 'html'], default: 'json' } }],
      success: ok('The model on the integration (JSON; text/markdown or text/html with format)', { type: 'object', required: ['integration', 'model', 'resources'], properties: { integration: { type: 'object' }, model: { type: 'object' }, resources: { type: 'array', items: { type: 'object' } } } }),
      errors: ADMIN_ERRORS,
    },
    'get /unified/{}/{}/meta/{}': {
      path: '/unified/{model}/{resource}/meta/{method}',
      operationId: 'unifiedMethodMeta',
      summary: 'Describe a unified method as one integrated account would run it',
      description: "The mapping is the integration's base mapping deep-merged with the account's unified_model_override.",
      tags: ['Discovery'],
      params: { model: modelParam, resource: resourceParam, method: methodParam },
      parameters: [ref('parameters', 'IntegratedAccountId')],
      success: ok('The method', ref('schemas', 'UnifiedMethodMeta')),
      errors: ADMIN_ERRORS,
    },
    'get /unified/{}/{}/{}/meta/{}': {
      path: '/unified/{model}/{resource}/{integration}/meta/{method}',
      operationId: 'unifiedMethodMetaForIntegration',
      summary: 'Describe a unified method of one integration (base mapping)',
      tags: ['Discovery'],
      params: {
        model: modelParam,
        resource: resourceParam,
        integration: { description: 'Integration name', schema: { type: 'string', enum: ctx.integrations } },
        method: methodParam,
      },
      success: ok('The method, with response_schema', ref('schemas', 'UnifiedMethodMeta')),
      errors: ADMIN_ERRORS,
    },
    'get /integrated-account': {
      path: '/integrated-account',
      operationId: 'listIntegratedAccounts',
      summary: 'List integrated accounts',
      tags: ['Integrated accounts'],
      parameters: [
        { name: 'tenant_id', in: 'query', schema: { type: 'string' } },
        { name: 'environment_id', in: 'query', schema: { type: 'string' } },
        { name: 'integration.name', in: 'query', schema: { type: 'string' } },
        { name: 'status', in: 'query', schema: { type: 'string' } },
        { name: 'is_sandbox', in: 'query', schema: { type: 'boolean' } },
        { name: 'created_at', in: 'query', description: 'created_at[gt|gte|lt|lte]=<ISO 8601>', style: 'deepObject', explode: true, schema: { type: 'object', additionalProperties: { type: 'string', format: 'date-time' } } },
        { name: 'updated_at', in: 'query', description: 'updated_at[gt|gte|lt|lte]=<ISO 8601>', style: 'deepObject', explode: true, schema: { type: 'object', additionalProperties: { type: 'string', format: 'date-time' } } },
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, default: 5000 } },
        ref('parameters', 'NextCursor'),
      ],
      success: ok('A page of accounts', ref('schemas', 'IntegratedAccountList')),
      errors: ADMIN_ERRORS,
    },
    'post /oauth2/authorize': {
      path: '/oauth2/authorize',
      operationId: 'startOAuth2Authorization',
      summary: 'Start connecting an authorization-code account',
      description: 'Returns the provider URL to send the user to; the provider redirects back to /oauth2/callback. Pass integrated_account_id to reconnect an existing account (docs/oauth2.md).',
      tags: ['Integrated accounts'],
      requestBody: { required: true, content: jsonContent(fromZod(authorizeBody, 'input')) },
      success: ok('Where to send the user', {
        type: 'object',
        required: ['authorize_url', 'state', 'redirect_uri', 'expires_at'],
        properties: { authorize_url: { type: 'string' }, state: { type: 'string' }, redirect_uri: { type: 'string' }, expires_at: { type: 'string' } },
      }),
      errors: ADMIN_ERRORS,
    },
    'get /oauth2/callback': {
      path: '/oauth2/callback',
      operationId: 'completeOAuth2Authorization',
      summary: "The provider's redirect: exchanges the code and creates or reconnects the account",
      description: 'Called by the browser, without an API token: the sealed state is the credential. Redirects to return_url when one was given.',
      tags: ['Integrated accounts'],
      public: true,
      parameters: [
        { name: 'code', in: 'query', schema: { type: 'string' } },
        { name: 'state', in: 'query', required: true, schema: { type: 'string' } },
        { name: 'error', in: 'query', schema: { type: 'string' } },
      ],
      success: { ...ok('The connected account', ref('schemas', 'IntegratedAccount')), '302': { description: 'Redirect to return_url with integrated_account_id and status' } },
      errors: [400, 500, 502],
    },
    'post /integrated-account': {
      path: '/integrated-account',
      operationId: 'createIntegratedAccount',
      summary: 'Import an integrated account',
      description: "The account starts as connecting, runs the integration's validation action, and ends active or validation_error.",
      tags: ['Integrated accounts'],
      requestBody: { required: true, content: jsonContent(ref('schemas', 'IntegratedAccountCreate')) },
      success: ok('The account', ref('schemas', 'IntegratedAccount')),
      errors: ADMIN_ERRORS,
    },
    'get /integrated-account/{}': {
      path: '/integrated-account/{id}',
      operationId: 'getIntegratedAccount',
      summary: 'Get an integrated account',
      tags: ['Integrated accounts'],
      params: { id: { description: 'Integrated account id', schema: { type: 'string', format: 'uuid' } } },
      success: ok('The account', ref('schemas', 'IntegratedAccount')),
      errors: ADMIN_ERRORS,
    },
    'patch /integrated-account/{}': {
      path: '/integrated-account/{id}',
      operationId: 'updateIntegratedAccount',
      summary: 'Update an integrated account',
      description: 'context merges shallowly and keeps credentials; unified_model_override replaces the whole object and is checked (JSONata) when saved.',
      tags: ['Integrated accounts'],
      params: { id: { description: 'Integrated account id', schema: { type: 'string', format: 'uuid' } } },
      requestBody: { required: true, content: jsonContent(ref('schemas', 'IntegratedAccountPatch')) },
      success: ok('The account', ref('schemas', 'IntegratedAccount')),
      errors: [...ADMIN_ERRORS, 405],
    },
    'delete /integrated-account/{}': {
      path: '/integrated-account/{id}',
      operationId: 'deleteIntegratedAccount',
      summary: 'Delete an integrated account',
      tags: ['Integrated accounts'],
      params: { id: { description: 'Integrated account id', schema: { type: 'string', format: 'uuid' } } },
      success: ok('Deleted', ref('schemas', 'DeleteResult')),
      errors: ADMIN_ERRORS,
    },
    'get /integrated-account/{}/capabilities': {
      path: '/integrated-account/{id}/capabilities',
      operationId: 'integratedAccountCapabilities',
      summary: 'What one integrated account exposes (proxy, unified, auth)',
      tags: ['Discovery'],
      params: { id: { description: 'Integrated account id', schema: { type: 'string', format: 'uuid' } } },
      parameters: capabilityFilters(),
      success: ok('Capabilities', ref('schemas', 'CapabilitiesResponse')),
      errors: ADMIN_ERRORS,
    },
    'get /integration': {
      path: '/integration',
      operationId: 'listIntegrations',
      summary: 'List integrations',
      tags: ['Integrations'],
      success: ok('The integrations', ref('schemas', 'IntegrationList')),
      errors: ADMIN_ERRORS,
    },
    'get /integration/{}': {
      path: '/integration/{name}',
      operationId: 'getIntegration',
      summary: 'Get an integration',
      tags: ['Integrations'],
      params: { name: { description: 'Integration name (slug) or id', schema: { type: 'string', enum: ctx.integrations } } },
      success: ok('The integration', ref('schemas', 'Integration')),
      errors: ADMIN_ERRORS,
    },
    'get /integration/{}/capabilities': {
      path: '/integration/{name}/capabilities',
      operationId: 'integrationCapabilities',
      summary: 'What an integration supports (proxy, unified, auth)',
      tags: ['Discovery'],
      params: { name: { description: 'Integration name (slug) or id', schema: { type: 'string', enum: ctx.integrations } } },
      parameters: capabilityFilters(),
      success: ok('Capabilities', ref('schemas', 'CapabilitiesResponse')),
      errors: ADMIN_ERRORS,
    },
    'get /proxy/{}': proxyOp('List', 'List records of a native resource', {
      path: '/proxy/{resource}',
      operationId: 'proxyList',
      parameters: [...proxyCommon, ref('parameters', 'Limit'), ref('parameters', 'NextCursor')],
      success: ok('The upstream records in the list envelope', listEnvelope),
    }),
    'post /proxy/{}': proxyOp('Create', 'Create a record of a native resource', {
      path: '/proxy/{resource}',
      operationId: 'proxyCreate',
      parameters: [...proxyCommon, IDEMPOTENCY_KEY],
      requestBody: anyBody,
    }),
    'get /proxy/{}/{}': proxyOp('Get', 'Get a record of a native resource (the upstream body verbatim)', {
      path: '/proxy/{resource}/{id}',
      operationId: 'proxyGet',
    }),
    'patch /proxy/{}/{}': proxyOp('Update', 'Update a record of a native resource', {
      path: '/proxy/{resource}/{id}',
      operationId: 'proxyUpdate',
      parameters: [...proxyCommon, IDEMPOTENCY_KEY],
      requestBody: anyBody,
    }),
    'put /proxy/{}/{}': proxyOp('Update', 'Update a record of a native resource (alias of PATCH)', {
      path: '/proxy/{resource}/{id}',
      operationId: 'proxyUpdatePut',
      requestBody: anyBody,
    }),
    'delete /proxy/{}/{}': proxyOp('Delete', 'Delete a record of a native resource', {
      path: '/proxy/{resource}/{id}',
      operationId: 'proxyDelete',
    }),
    'post /proxy/{}/{}': proxyOp('Custom', 'Call a custom method of a native resource', {
      path: '/proxy/{resource}/{id}',
      operationId: 'proxyCustom',
      description: 'With POST, the last segment is the custom method name.',
      parameters: [...proxyCommon, IDEMPOTENCY_KEY],
      requestBody: anyBody,
    }),
  };
  for (const [name, spec] of Object.entries(specs)) {
    if (name.includes('/proxy/')) {
      spec.params = { resource: proxyResource, ...(spec.path.endsWith('{id}') ? { id: { description: 'Record id (URL-encoded), or with POST a custom method name' } } : {}) };
    }
  }
  for (const verb of VERBS) {
    specs[`${verb} /custom/{}`] = {
      path: '/custom/{path}',
      operationId: `custom${pascal(verb)}`,
      summary: `${verb.toUpperCase()} any upstream path with the integration's authorization`,
      description: 'The path (which may contain slashes) is appended to the integration base_url; integrated_account_id is stripped, the rest of the query and the body are forwarded; the response passes through.',
      tags: ['Custom'],
      params: { path: { description: 'Upstream path relative to the base URL' } },
      parameters: [ref('parameters', 'IntegratedAccountId')],
      ...(verb === 'get' || verb === 'delete' ? {} : { requestBody: anyBody }),
      success: { '200': { description: 'The upstream response, passed through', content: { '*/*': { schema: {} } } } },
      errors: DATA_PLANE_ERRORS,
    };
  }
  return specs;
}

function pathParameters(template: string, described: OperationSpec['params'] = {}): unknown[] {
  return [...template.matchAll(/\{([^}]+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    description: described[name]?.description ?? name,
    schema: described[name]?.schema ?? { type: 'string' },
  }));
}

function buildOperation(spec: OperationSpec): Json {
  return {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: spec.tags,
    ...(spec.public ? { security: [] } : {}),
    parameters: [...pathParameters(spec.path, spec.params), ...(spec.parameters ?? [])],
    ...(spec.requestBody ? { requestBody: spec.requestBody } : {}),
    responses: withErrors(spec.errors ?? ADMIN_ERRORS, spec.success),
  };
}

// ---------------------------------------------------------------------------------------------
// The unified data plane: one concrete path per (model, resource) that some integration maps

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
      const entry = found.get(name) ?? { schema: prop, description: typeof prop.description === 'string' ? prop.description : undefined, integrations: [], required: false };
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

function unifiedPaths(input: OpenApiInput, routes: NormalizedRoute[], schemas: Json, tags: Json[]): Record<string, Json> {
  const has = (verb: Verb, shape: string) => routes.some((r) => r.verb === verb && r.shape === shape);
  const collection = '/unified/{}/{}';
  const item = '/unified/{}/{}/{}';
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
          schemas[`${name}List`] ??= {
            title: `${name}List`,
            type: 'object',
            properties: {
              result: {
                description: 'An array of records; with truto_key_by, an object of records keyed by that field.',
                oneOf: [{ type: 'array', items: record }, { type: 'object', additionalProperties: record }],
              },
              next_cursor: { type: ['string', 'null'] },
              prev_cursor: { type: 'null' },
              result_count: { type: 'integer', minimum: 0 },
              is_partial_response: { type: 'boolean', const: true },
            },
            required: ['result', 'next_cursor', 'prev_cursor', 'result_count'],
          };
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

// ---------------------------------------------------------------------------------------------

export function buildOpenApiDocument(input: OpenApiInput): Json {
  const routes = normalizeRoutes(input.routes);
  const integrations = [...input.catalog.integrations.keys()];
  const proxyResources = [...new Set([...input.catalog.integrations.values()].flatMap((d) => Object.keys(d.resources)))];
  const specs = operationSpecs({ models: input.models, integrations, proxyResources });

  const schemas: Json = {
    ErrorEnvelope: errorEnvelopeSchema,
    DeleteResult: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
    CustomMethodResult: { type: 'object', properties: { result: {} }, required: ['result'] },
    ProxyList: {
      type: 'object',
      properties: {
        result: { type: 'array', items: {} },
        next_cursor: { type: ['string', 'null'] },
        prev_cursor: { type: 'null' },
        result_count: { type: 'integer', minimum: 0 },
        is_partial_response: { type: 'boolean', const: true },
      },
      required: ['result', 'next_cursor', 'prev_cursor', 'result_count'],
    },
    UnifiedMethodMeta: fromZod(metaResponseSchema),
    CapabilitiesResponse: fromZod(capabilitiesResponseSchema),
    IntegratedAccount: integratedAccountSchema,
    IntegratedAccountList: adminListSchema(ref('schemas', 'IntegratedAccount')),
    IntegratedAccountCreate: fromZod(createAccountBody, 'input'),
    IntegratedAccountPatch: fromZod(patchAccountBody, 'input'),
    Integration: integrationSchema,
    IntegrationList: adminListSchema(ref('schemas', 'Integration')),
  };
  const tags: Json[] = [
    { name: 'System', description: 'Health and this document' },
    { name: 'Discovery', description: 'Meta and capabilities' },
  ];

  const paths: Record<string, Json> = unifiedPaths(input, routes, schemas, tags);
  const templateByShape = new Map<string, string>();
  const operationIds = new Set<string>();
  const usedTags = new Set<string>(tags.map((t) => t.name as string));
  for (const route of routes) {
    if (route.shape === '/unified/{}/{}' || route.shape === '/unified/{}/{}/{}') continue;
    const spec = specs[`${route.verb} ${route.shape}`];
    // Same shape, one template: OpenAPI forbids two paths that differ only in parameter names.
    const template = spec?.path ?? templateByShape.get(route.shape) ?? route.template;
    templateByShape.set(route.shape, template);
    const op = spec
      ? buildOperation(spec)
      : buildOperation({
          path: template,
          operationId: `${route.verb}_${template.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '')}`,
          summary: `${route.verb.toUpperCase()} ${template}`,
          description: 'A registered route without a published description.',
          tags: ['Other'],
          success: ok('OK', {}),
        });
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
