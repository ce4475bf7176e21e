import { Hono } from 'hono';
import { getPath } from 'hono/utils/url';
import { errors } from '../errors/catalogue.ts';
import type { AppServices } from '../services/app-services.ts';
import { authenticate } from '../services/tokens.ts';
import { errorResponse, sendJson } from './respond.ts';
import { integratedAccountRoutes } from './routes/integrated-account/integrated-account.ts';
import { integrationRoutes } from './routes/integration/integration.ts';
import { unifiedRoutes } from './routes/unified/unified.ts';
import { proxyRoutes } from './routes/proxy/proxy.ts';
import { customRoutes } from './routes/custom/custom.ts';
import { idempotency } from './idempotency.ts';
import { requestBodyLimit } from './body-limit.ts';
import { collapseLeadingSlashes, refuseControlCharactersInPath } from './path-guard.ts';
import { rateLimit } from './rate-limit.ts';
import { createMetrics, metricsHandler } from './metrics.ts';
import { engineObserver, observeRequests } from './request-log.ts';
import { environmentMappingRoutes } from './routes/environment-unified-model-resource-method/environment-unified-model-resource-method.ts';
import { capabilitiesRoutes } from './routes/capabilities/capabilities.ts';
import { openapiRoutes } from './routes/openapi/openapi.ts';
import { readyRoutes } from './routes/ready/ready.ts';
import { ROUTE_DOCS } from './openapi/route-docs.ts';
import { oauth2Routes } from './routes/oauth2/oauth2.ts';
import { unifiedMetaRoutes } from './routes/unified/meta.ts';
import type { HttpEnv } from './types.ts';
import { methodsForPath } from './method-not-allowed.ts';
import { noopTracing, type Tracing } from '../observability/tracing.ts';
import { confineAccountTokens } from './account-token-scope.ts';
import { accountTokenRoutes } from './routes/integrated-account/account-token.ts';
import { apiTokenRoutes } from './routes/api-token/api-token.ts';
import { batchRequestRoutes } from './routes/batch-request/batch-request.ts';
import { connectAccountRoutes } from './routes/connect-account/connect-account.ts';
import { environmentIntegrationRoutes } from './routes/environment-integration/environment-integration.ts';
import { environmentRoutes } from './routes/environment/environment.ts';
import { integratedAccountToolsRoutes } from './routes/integrated-account/tools.ts';
import { mcpRoutes } from './routes/mcp/mcp.ts';
import { linkTokenRoutes } from './routes/link-token/link-token.ts';
import { logRoutes } from './routes/log/log.ts';
import { unifiedModelRoutes } from './routes/unified-model/unified-model.ts';
import { webhookRoutes } from './routes/webhook/webhook.ts';
import { consoleRoutes } from './routes/console/console.ts';

/**
 * The HTTP surface. Routes mirror URL paths under routes/; everything else is middleware.
 * `tracing`: OpenTelemetry spans when main.ts loaded them (observability/tracing.ts); none by default.
 */
export function createHttpApp(services: AppServices, tracing: Tracing = noopTracing) {
  // Routed as if the leading slashes were one: Truto's SDK sends `//unified/…` when its base URL ends in `/`.
  const app = new Hono<HttpEnv>({ getPath: (req) => collapseLeadingSlashes(getPath(req)) });

  // This app's own registry (metrics.ts); the engine reports upstream calls and token refreshes to
  // it through EngineServices.observer, which this app therefore owns.
  const metrics = createMetrics();
  services.engineServices.observer = engineObserver(metrics);
  // Outermost: request id, the one log line per request and the HTTP metrics (request-log.ts).
  app.use('*', observeRequests(services, metrics, tracing));

  // Before anything reads a body (idempotency hashes it, routes parse it) and before any lookup.
  app.use('*', requestBodyLimit(services.config.maxBodyBytes));
  app.use('*', refuseControlCharactersInPath());

  // Liveness: cheap, no I/O. Readiness (database, key, draining) is /ready, public too.
  app.get('/health', (c) => sendJson(c, 200, { status: 'ok' }));
  // TESSERA_METRICS: `on` public like /health (scrapers rarely hold tokens), `token` behind the
  // API token check below, `off` not served.
  if (services.config.metrics === 'on') app.get('/metrics', metricsHandler(metrics));
  app.route('/', readyRoutes());
  // Public like /health; generated from the routes registered on this app when it is requested.
  app.route(
    '/',
    openapiRoutes(() => app.routes, ROUTE_DOCS),
  );
  app.route('/oauth2', oauth2Routes()); // before the token middleware: /callback is reached by a browser
  app.route('/connect-account', connectAccountRoutes()); // a browser page: the link token is its credential
  app.route('/console', consoleRoutes()); // the web console (docs/console.md): a public page whose API calls carry the token

  app.use('*', async (c, next) => {
    c.set('principal', await authenticate(services.store, c.req.header('authorization')));
    await next();
  });
  // An integrated-account token reaches its account's data plane and /integrated-account/me only.
  app.use('*', confineAccountTokens());
  if (services.config.metrics === 'token') app.get('/metrics', metricsHandler(metrics));
  app.use(
    '*',
    rateLimit((scope) => metrics.rateLimitRejections.inc({ scope })),
  );

  app.use('/unified/*', idempotency());
  app.use('/proxy/*', idempotency());
  app.use('/custom/*', idempotency());
  // A batch may hold writes: a retried batch with the same key replays its answer instead of writing twice.
  app.use('/batch-request', idempotency());
  // Meta before the data plane: /unified/{m}/{r}/meta/{method} must never reach it (docs/contract.md §3.1).
  app.route('/unified', unifiedMetaRoutes());
  app.route('/unified', unifiedRoutes());
  app.route('/proxy', proxyRoutes());
  app.route('/custom', customRoutes());
  app.route('/batch-request', batchRequestRoutes());
  app.route('/', capabilitiesRoutes());
  app.route('/integrated-account', accountTokenRoutes());
  app.route('/integrated-account', integratedAccountToolsRoutes());
  app.route('/integrated-account', mcpRoutes());
  app.route('/integrated-account', integratedAccountRoutes());
  app.route('/environment', environmentRoutes());
  app.route('/api-token', apiTokenRoutes());
  app.route('/environment-integration', environmentIntegrationRoutes());
  app.route('/link-token', linkTokenRoutes());
  app.route('/webhook', webhookRoutes());
  app.route('/log', logRoutes());
  app.route('/unified-model', unifiedModelRoutes());
  app.route('/integration', integrationRoutes());
  app.route('/environment-unified-model-resource-method', environmentMappingRoutes());

  const methodsFor = methodsForPath(app.routes);
  app.notFound((c) => {
    const allowed = methodsFor(c.req.path);
    if (allowed.length === 0) return errorResponse(c, errors.notFound(`No route for ${c.req.method} ${c.req.path}`, 'TESSERA_ROUTE_NOT_FOUND'));
    const refusal = errors.methodNotAllowed(`${c.req.method} is not allowed on ${c.req.path}; allowed: ${allowed.join(', ')}`);
    return errorResponse(c, Object.assign(refusal, { headers: { ...refusal.headers, allow: allowed.join(', ') } }));
  });
  // The request's log line (request-log.ts) carries the error's code and message, and its stack for a 5xx.
  app.onError((e, c) => errorResponse(c, e));
  return app;
}
