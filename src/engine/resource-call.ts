import qs from 'qs';
import { TesseraError, errors, INSIGHT_TEXT, reasonPhrase } from '../errors/catalogue.ts';
import type { AuthorizationDefinition, IntegrationDefinition, ResourceMethodDefinition } from '../integrations/definition-schema.ts';
import { BudgetExhausted } from '../upstream/interceptors/budget.ts';
import { RetryExhausted } from '../upstream/interceptors/retry.ts';
import { UpstreamNetworkError, type UpstreamRequest, type UpstreamResponse } from '../upstream/types.ts';
import { evaluate, requestBudget } from './expressions/evaluate.ts';
import { ensureFreshToken } from './oauth2/index.ts';
import { downloadRecords } from './download-links.ts';
import { createPaginator, getPath, type PageState } from './pagination.ts';
import { dropUnresolved, NO_VALUES, renderPath, renderValue, type PlaceholderScope } from './placeholders.ts';
import type { Execution } from './types.ts';

/**
 * One call to one resource method of an integration, as its definition describes it: URL and
 * placeholders, authorization, query serialisation, one page of pagination, and the provider's
 * error turned into the contract's remote error.
 */
export interface ResourceCall {
  resource: string;
  method: string;
  id?: string;
  /** The outbound query (already mapped): merged over the method's own `query`. */
  query?: Record<string, unknown>;
  /** Added last, overriding mapped keys (docs/contract.md §5.7). */
  remoteQuery?: Record<string, unknown>;
  body?: unknown;
  headers?: Record<string, string>;
  pageState?: PageState;
  limit?: number;
  role: UpstreamRequest['role'];
  /** Values placeholders may read besides context/credentials/query/id/body. */
  extraScope?: Record<string, unknown>;
  /**
   * `/custom/{path}`: a path under the base URL taken verbatim from the client, never rendered
   * as a template (a client must not be able to make us substitute context values into a URL).
   */
  rawPath?: { method: string; path: string };
}

export interface ResourceCallResult {
  request: UpstreamRequest;
  response: UpstreamResponse;
  /** The body at `response_path`. */
  data: unknown;
  /** For paginated or list methods: the records of this page. */
  records: unknown[];
  /** The next page's state; null when this was the last page or the method does not paginate. */
  nextState: PageState | null;
  /** The provider returned the same paging state it was given. */
  looping: boolean;
}

export function findMethod(integration: IntegrationDefinition, resource: string, method: string): ResourceMethodDefinition {
  const methods = Object.hasOwn(integration.resources, resource) ? integration.resources[resource] : undefined;
  const def = methods && Object.hasOwn(methods, method) ? methods[method] : undefined;
  if (!def) throw errors.methodNotSupported(`Resource ${resource} has no method ${method} on integration ${integration.name}`);
  return def;
}

const ARRAY_FORMAT = { comma: 'comma', brackets: 'brackets', indices: 'indices', repeat: 'repeat' } as const;

/**
 * The upstream query string in the integration's array format. The comma format can only join
 * scalars (`f=a,b`): a parameter holding an array of objects (`remote_query[f][0][a]=1`) would go
 * out as `f=[object Object]`, so such a parameter is written with indices (`f[0][a]=1`) instead,
 * the one form that keeps which key belongs to which element.
 */
export function serialiseQuery(query: Record<string, unknown>, format: keyof typeof ARRAY_FORMAT): string {
  const options = { arrayFormat: ARRAY_FORMAT[format], encodeValuesOnly: true, skipNulls: true } as const;
  if (format !== 'comma' || !Object.values(query).some(holdsObjectInArray)) return qs.stringify(query, options);
  return Object.entries(query)
    .map(([key, value]) => qs.stringify({ [key]: value }, holdsObjectInArray(value) ? { ...options, arrayFormat: 'indices' } : options))
    .filter(Boolean)
    .join('&');
}

function holdsObjectInArray(value: unknown): boolean {
  if (Array.isArray(value)) return value.some((item) => (item !== null && typeof item === 'object') || holdsObjectInArray(item));
  return value !== null && typeof value === 'object' && Object.values(value).some(holdsObjectInArray);
}

export async function callResource(exec: Execution, call: ResourceCall): Promise<ResourceCallResult> {
  if (exec.integration.credentials.format === 'oauth2') await ensureFreshToken(exec);
  const { integration } = exec;
  const def: ResourceMethodDefinition = call.rawPath
    ? { path: call.rawPath.path, method: call.rawPath.method as ResourceMethodDefinition['method'], body_format: 'raw', pagination: null }
    : findMethod(integration, call.resource, call.method);
  // URL, path, query, headers and body render against the context without its secrets, whoever
  // wrote them (the shipped definition or an override, in any placeholder syntax); only the
  // authorization below, which no override can replace, reads the credentials.
  const scope: PlaceholderScope = {
    context: exec.context,
    query: call.query ?? {},
    id: call.id,
    body: call.body,
    before: exec.before,
    ...call.extraScope,
  };
  // Both may name account values (a regional site, a customer instance): `https://api.{{context.site}}`.
  const baseUrl = String(renderValue(def.base_url ?? integration.base_url, scope)).replace(/\/+$/, '');
  if (baseUrl.includes('{{'))
    throw errors.badRequest(
      `${integration.label}: the base URL needs ${baseUrl.match(/\{\{([^}|]+)/)?.[1] ?? 'a value'}, which the integrated account's context does not set`,
    );
  const path = call.rawPath ? call.rawPath.path : renderPath(def.path, scope, `${integration.label} ${call.resource}.${call.method}`);
  let url = `${baseUrl}${path.startsWith('/') ? '' : '/'}${path}`;

  const paginator = def.pagination === null ? undefined : createPaginator(def.pagination ?? integration.pagination);
  const query: Record<string, unknown> = {
    ...(call.rawPath ? {} : dropUnresolved(renderValue(integration.query, scope))),
    ...dropUnresolved(renderValue(def.query ?? NO_VALUES, scope)),
    ...call.query,
  };
  if (paginator?.limitParam && call.limit !== undefined && query[paginator.limitParam] === undefined) query[paginator.limitParam] = call.limit;
  Object.assign(query, call.remoteQuery);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...renderValue(integration.headers, scope), ...renderValue(def.headers ?? NO_VALUES, scope), ...call.headers })) {
    if (v !== null && v !== undefined) headers[k.toLowerCase()] = String(v);
  }
  // Paging expressions see the unified limit as query.limit even when the provider calls it otherwise.
  const pageCtx = { limit: call.limit, query: call.limit === undefined ? query : { limit: call.limit, ...query }, url, budget: requestBudget(exec) };
  if (paginator) {
    const page = await paginator.request(call.pageState, pageCtx);
    Object.assign(query, page.query);
    Object.assign(headers, page.headers);
    if (page.url) url = page.url;
  }
  let bodyValue = call.body === undefined && def.body !== undefined ? renderValue(def.body, scope) : call.body;
  if (def.query_in_body) {
    // POST-for-read: what a GET would put in the URL (mapped query, limit, page state) is the body.
    const fixed = bodyValue !== null && typeof bodyValue === 'object' && !Array.isArray(bodyValue) ? bodyValue : {};
    bodyValue = { ...fixed, ...query };
  } else {
    const qsText = serialiseQuery(query, def.query_array_format ?? integration.query_array_format);
    if (qsText && !call.pageState?.url) url += (url.includes('?') ? '&' : '?') + qsText;
  }

  let body: string | undefined;
  if (bodyValue !== undefined && !def.ignore_body && def.method !== 'get') {
    if (def.body_format === 'form') {
      body = qs.stringify(bodyValue);
      headers['content-type'] ??= 'application/x-www-form-urlencoded';
    } else if (def.body_format === 'raw') {
      body = typeof bodyValue === 'string' ? bodyValue : JSON.stringify(bodyValue);
      if (typeof bodyValue !== 'string') headers['content-type'] ??= 'application/json';
    } else {
      body = JSON.stringify(bodyValue);
      headers['content-type'] ??= 'application/json';
    }
  }
  if (!def.no_auth) {
    const authScope = { ...scope, context: exec.credentials, credentials: exec.credentials };
    Object.assign(headers, await authorizationHeaders(def.authorization ?? integration.authorization, authScope, url));
  }
  if (exec.idempotencyKey && def.method !== 'get') headers['idempotency-key'] = exec.idempotencyKey;

  const request: UpstreamRequest = {
    method: def.method,
    url,
    headers,
    body,
    // A POST that only reads (query_in_body) is as safe to repeat as a GET.
    retryable: def.method === 'get' || def.query_in_body === true || exec.idempotencyKey !== undefined,
    role: call.role,
    signal: exec.signal,
  };

  let response: UpstreamResponse;
  try {
    response = await exec.send(request);
  } catch (e) {
    throw await toRemoteError(exec, e);
  }
  if (call.role === 'main') exec.lastMain = { request, response };
  if (response.status < 200 || response.status >= 300) throw await remoteError(exec, def, response);
  if (!call.rawPath) {
    const problem = unexpectedBody(def, response);
    if (problem) {
      const raw = typeof response.body === 'string' ? response.body.slice(0, 1000) : response.body;
      throw errors.upstreamInvalidResponse(`${integration.label} answered ${call.resource}.${call.method} with ${response.status} and ${problem}`, raw);
    }
  }

  const data = getPath(response.body, def.response_path);
  let records = Array.isArray(data) ? data : data === undefined || data === null ? [] : [data];
  if (def.download && !call.rawPath) {
    const what = { label: `${integration.label} ${call.resource}.${call.method}`, role: call.role };
    records = await downloadRecords(exec, def.download, data, what).catch(async (e: unknown) => {
      throw await toRemoteError(exec, e);
    });
  }
  let nextState: PageState | null = null;
  let looping = false;
  if (paginator) {
    nextState = await paginator.next(response, records, call.pageState, pageCtx);
    if (nextState && call.pageState && JSON.stringify(nextState) === JSON.stringify(call.pageState)) {
      looping = true;
      nextState = null;
    }
  }
  return { request, response, data, records, nextState, looping };
}

async function authorizationHeaders(auth: AuthorizationDefinition, scope: PlaceholderScope, url: string): Promise<Record<string, string>> {
  switch (auth.format) {
    case 'bearer': {
      const template = auth.config.token ?? '{{credentials.oauth.token.access_token|credentials.access_token|credentials.api_key}}';
      const token = renderValue(template, scope);
      if (!token || String(token).includes('{{')) throw errors.badRequest('The integrated account has no credentials to authorize with');
      return { authorization: `Bearer ${token}` };
    }
    case 'basic': {
      const user = String(renderValue(auth.config.username, scope) ?? '');
      const password = String(renderValue(auth.config.password, scope) ?? '');
      return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
    }
    case 'header': {
      if ('expression' in auth.config) {
        const result = await evaluate(auth.config.expression, { url, requestOptions: {}, context: scope.credentials }, { label: 'authorization expression' });
        return Object.fromEntries(Object.entries(result ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
      }
      return { [auth.config.header_name.toLowerCase()]: String(renderValue(auth.config.header_value, scope)) };
    }
  }
}

/** Headers of a provider's error response that a client needs: when to retry, and how to trace it. */
export function forwardedHeaders(exec: Execution, headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  const requestIdHeader = exec.integration.request_id_header?.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k === 'retry-after' || k.startsWith('x-ratelimit-') || k.startsWith('ratelimit') || k === requestIdHeader) out[k] = v;
  }
  return out;
}

async function remoteError(exec: Execution, def: ResourceMethodDefinition, response: UpstreamResponse): Promise<TesseraError> {
  const expression = def.error_expression ?? exec.integration.error_expression;
  let message: string | undefined;
  let status = response.status;
  if (expression) {
    const out = await evaluate(
      expression,
      { response: { status, headers: response.headers, body: response.body }, headers: response.headers, status, data: response.body },
      { label: `${exec.integration.name} error_expression`, budget: requestBudget(exec) },
    );
    if (out && typeof out === 'object') {
      if (typeof out.message === 'string') message = out.message;
      if (Number.isInteger(out.status) && out.status >= 400 && out.status <= 599) status = out.status;
    }
  }
  message ??= defaultRemoteMessage(response.body) ?? reasonPhrase(status);
  const insight = status === 403 ? { forbidden_error: { description: INSIGHT_TEXT.forbidden_error, value: { missing_scopes: [] } } } : undefined;
  if (status === 401) await exec.services.markNeedsReauth(exec.account.id, message || 'The provider rejected the credentials', exec.requestId);
  return new TesseraError(status, message, { remote: { rawResponse: response.body, headers: forwardedHeaders(exec, response.headers) }, insight });
}

/**
 * What is wrong with a 2xx body the method cannot use, or undefined. A read (GET, POST-for-read)
 * or a method that names a `response_path` returns JSON records or an object; an empty or non-JSON
 * body there is a provider fault (an outage page, a proxy in the way), never "no records". Writes
 * may answer empty (204, a bare 200 on delete). `/custom` passes any body through.
 */
function unexpectedBody(def: ResourceMethodDefinition, response: UpstreamResponse): string | undefined {
  const expectsJson = def.method === 'get' || def.query_in_body === true || def.response_path !== undefined;
  if (!expectsJson) return undefined;
  // A report not (yet) produced answers 204: no links, so no records.
  if (def.download && response.status === 204) return undefined;
  if (response.body === null || response.body === undefined || response.body === '') return 'an empty body, where JSON was expected';
  if (typeof response.body === 'string') return `a body of type ${response.contentType.split(';')[0] || 'unknown'} that is not JSON, where JSON was expected`;
  return undefined;
}

function defaultRemoteMessage(body: unknown): string | undefined {
  if (typeof body === 'string') return body.slice(0, 500);
  if (!body || typeof body !== 'object') return undefined;
  const b = body as Record<string, any>;
  if (typeof b.message === 'string') return b.message;
  if (typeof b.error === 'string') return b.error;
  if (typeof b.error?.message === 'string') return b.error.message;
  return undefined;
}

async function toRemoteError(exec: Execution, e: unknown): Promise<unknown> {
  if (e instanceof BudgetExhausted) {
    return new TesseraError(429, e.message, { code: 'TESSERA_UPSTREAM_BUDGET_SPENT', headers: { 'retry-after': String(e.retryAfterSeconds) } });
  }
  if (e instanceof RetryExhausted) {
    const err = await remoteError(exec, { method: 'get', path: '', body_format: 'json' } as ResourceMethodDefinition, e.response);
    return new TesseraError(429, err.message, { remote: err.remote, headers: { ...err.headers, 'retry-after': String(e.retryAfterSeconds) } });
  }
  if (e instanceof UpstreamNetworkError) {
    return e.kind === 'timeout' ? errors.upstreamTimeout(e.message) : errors.upstreamUnreachable(e.message, e);
  }
  return e;
}
