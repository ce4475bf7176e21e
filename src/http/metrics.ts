import type { Context, Handler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { RouteDocs } from './openapi/route-doc.ts';
import type { HttpEnv } from './types.ts';

/**
 * Prometheus metrics of one running Tessera (GET /metrics, docs/architecture.md "Observability").
 *
 * Each app has its own registry, never prom-client's global one: tests run several servers in one
 * process, and two apps must not count into (or refuse to re-register) the same series.
 *
 * Labels are bounded by construction: route patterns (never raw paths, which hold ids), integration
 * names from the catalog, statuses, roles, scopes. Never an account id, a URL or anything from a
 * credential.
 */
export interface TesseraMetrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  upstreamRequests: Counter<'integration' | 'status' | 'role'>;
  upstreamDuration: Histogram<'integration'>;
  upstreamRetries: Counter<'integration'>;
  rateLimitRejections: Counter<'scope'>;
  oauthRefreshes: Counter<'integration' | 'outcome'>;
  activeStreams: Gauge;
}

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export function createMetrics(options: { processMetrics?: boolean } = {}): TesseraMetrics {
  const registry = new Registry();
  // Process metrics are collected on scrape (prom-client 15 starts no timer), so they cost nothing unscraped.
  if (options.processMetrics !== false) collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    httpRequests: new Counter({
      name: 'tessera_http_requests_total',
      help: 'Requests answered, by HTTP method, route pattern and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: 'tessera_http_request_duration_seconds',
      help: 'Time to answer a request (to its last byte for NDJSON streams), by HTTP method and route pattern',
      labelNames: ['method', 'route'] as const,
      buckets: SECONDS,
      registers,
    }),
    upstreamRequests: new Counter({
      name: 'tessera_upstream_requests_total',
      help: 'Attempts of calls to providers (each retry counts), by integration, status (or timeout/network/refusal) and role',
      labelNames: ['integration', 'status', 'role'] as const,
      registers,
    }),
    upstreamDuration: new Histogram({
      name: 'tessera_upstream_request_duration_seconds',
      help: 'Duration of each attempt of a call to a provider, by integration',
      labelNames: ['integration'] as const,
      buckets: SECONDS,
      registers,
    }),
    upstreamRetries: new Counter({
      name: 'tessera_upstream_retries_total',
      help: 'Attempts after the first of the same upstream call, by integration',
      labelNames: ['integration'] as const,
      registers,
    }),
    rateLimitRejections: new Counter({
      name: 'tessera_rate_limit_rejections_total',
      help: "Requests refused with 429 by Tessera's own limits, by scope (token, account)",
      labelNames: ['scope'] as const,
      registers,
    }),
    oauthRefreshes: new Counter({
      name: 'tessera_oauth_token_refreshes_total',
      help: 'OAuth2 token requests (refresh or client credentials), by integration and outcome (success, failure)',
      labelNames: ['integration', 'outcome'] as const,
      registers,
    }),
    activeStreams: new Gauge({
      name: 'tessera_active_streams',
      help: 'NDJSON streams (truto_response_format=stream) being written',
      registers,
    }),
  };
}

/**
 * The route pattern that answered, e.g. `/unified/:model/:resource`: the handler's own path, or,
 * when middleware answered first (401, 429, 413), the handler the path would have reached. A
 * request no route matches is `unmatched`, so a scan of random paths adds one series, not many.
 */
export function routeOf(c: Context): string {
  // Middleware is registered as an ALL route and takes `next`; an `app.all` handler (/custom/*) does not.
  const isHandler = (r: { method: string; handler: { length: number } }) => r.method !== 'ALL' || r.handler.length < 2;
  const routes = matchedRoutes(c);
  const answered = routes[c.req.routeIndex];
  if (answered && isHandler(answered)) return answered.path;
  return routes.filter(isHandler).at(-1)?.path ?? 'unmatched';
}

/** GET /metrics: the registry in Prometheus' text format. */
export function metricsHandler(metrics: TesseraMetrics): Handler<HttpEnv> {
  return async () => new Response(await metrics.registry.metrics(), { status: 200, headers: { 'content-type': metrics.registry.contentType } });
}

/** GET /metrics is registered inline in app.ts (where TESSERA_METRICS places it); its description. */
export const metricsDocs: RouteDocs = {
  operations: [
    {
      method: 'get',
      path: '/metrics',
      operationId: 'metrics',
      summary: 'Prometheus metrics',
      description:
        'Prometheus text exposition format. Public by default like /health; with TESSERA_METRICS=token it needs an API token, with `off` it is not served.',
      tags: ['System'],
      public: true,
      success: { '200': { description: 'The metrics of this process', content: { 'text/plain': { schema: { type: 'string' } } } } },
      errors: [500],
    },
  ],
};
