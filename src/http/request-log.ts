import { randomUUID } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { redactUrl } from '../engine/redact.ts';
import type { EngineObserver } from '../engine/types.ts';
import { recordUpstreamAttempt, type RequestLogRecord } from '../logger.ts';
import { bindRequestSpan, noopTracing, type Tracing } from '../observability/tracing.ts';
import type { AppServices } from '../services/app-services.ts';
import { dataPlaneRow, loggedPath, requestTypeOf } from '../services/request-log-row.ts';
import { routeOf, type TesseraMetrics } from './metrics.ts';
import { collapseLeadingSlashes } from './path-guard.ts';
import { toTesseraError } from './respond.ts';
import type { HttpEnv } from './types.ts';

/**
 * One log line per request (docs/architecture.md "Observability"), written when the response is
 * complete (for an NDJSON stream, when its last line is written or the client goes away):
 *
 *   { request_id, method, path, route, status, ms, account_id?, integration?, model?, resource?,
 *     resource_method?, upstream: [{ method, url, status, error?, ms, attempt, role }],
 *     upstream_calls, error?: { code, message, stack? (5xx only) }, stream?, msg: 'request' }
 *
 * Every other line written while the request runs carries the same request_id, passed explicitly
 * (the execution's requestId, the middleware's child logger).
 */

/** A client's own id is reused when it is safe to echo and to log: short, no spaces or quotes. */
const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Probes and scrapes would drown the log at info: they log at debug unless they fail. */
const QUIET_ROUTES = new Set(['/health', '/ready', '/metrics']);

export function requestId(header: string | undefined): string {
  return header !== undefined && CLIENT_REQUEST_ID.test(header) ? header : randomUUID();
}

/** The outermost middleware: request id, the request's log scope, its metrics and its log line. */
export function observeRequests(services: AppServices, metrics: TesseraMetrics, tracing: Tracing = noopTracing): MiddlewareHandler<HttpEnv> {
  return async (c, next) => {
    const started = performance.now();
    const id = requestId(c.req.header('x-request-id'));
    c.set('services', services);
    c.set('requestId', id);
    const record: RequestLogRecord = { request_id: id, upstream: [], upstream_calls: 0 };
    c.set('requestLog', record);
    // Its server span, found from the record by the engine's upstream spans (observability/tracing.ts); none without OTel.
    const span = tracing.enabled
      ? tracing.startRequest({ method: c.req.method, traceparent: c.req.header('traceparent'), tracestate: c.req.header('tracestate'), requestId: id })
      : undefined;
    if (span) bindRequestSpan(record, span);
    await next();

    const route = routeOf(c);
    const finish = (stream?: 'complete' | 'cancelled' | 'failed') => {
      const seconds = (performance.now() - started) / 1000;
      const status = c.res.status;
      metrics.httpRequests.inc({ method: c.req.method, route, status: String(status) });
      metrics.httpDuration.observe({ method: c.req.method, route }, seconds);
      const { request_id: _, ...described } = record;
      const line = {
        request_id: id,
        method: c.req.method,
        path: c.req.path,
        route,
        status,
        ms: Math.round(seconds * 1000),
        ...described,
        ...(stream ? { stream } : {}),
        ...errorOf(c, status),
      };
      if (status >= 500 || stream === 'failed') services.logger.error(line, 'request');
      else if (QUIET_ROUTES.has(route) && status < 400) services.logger.debug(line, 'request');
      else services.logger.info(line, 'request');
      span?.end({ route, status, log: record, errorCode: line.error?.code, stream });
      persist(c, services, status, seconds * 1000, line.error);
    };

    // Only a stream's body is touched: reading `body` makes @hono/node-server rebuild its light
    // Response from the original headers, so the request id is set after, on what goes out.
    const body = /^application\/x-ndjson/.test(c.res.headers.get('content-type') ?? '') ? c.res.body : null;
    if (body) {
      metrics.activeStreams.inc();
      const wrapped = onEnd(body, (outcome) => {
        metrics.activeStreams.dec();
        finish(outcome);
      });
      c.res = new Response(wrapped, { status: c.res.status, headers: c.res.headers });
    }
    c.res.headers.set('x-request-id', id);
    if (!body) finish();
  };
}

/**
 * GET /log's row (docs/logs.md) for a data-plane request that got past authentication: handed to
 * the writer's buffer, never awaited, so the store's speed is not the request's.
 */
function persist(c: Context<HttpEnv>, services: AppServices, status: number, ms: number, error: { code: string; message: string } | undefined): void {
  const principal = c.get('principal');
  if (!principal || !services.requestLogs.enabled) return;
  const path = collapseLeadingSlashes(c.req.path);
  const type = requestTypeOf(path);
  if (!type) return;
  const url = c.req.url;
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  services.requestLogs.add(
    dataPlaneRow({
      environmentId: principal.environmentId,
      type,
      method: c.req.method,
      path: loggedPath(path, query, services.engineServices.isSecret),
      status,
      durationMs: ms,
      ...(error ? { error: { code: error.code, message: error.message } } : {}),
      line: c.get('requestLog'),
    }),
  );
}

/** The reason of a failure, as the client saw it; the stack only for a 5xx, and only here. */
function errorOf(c: Context, status: number): { error?: { code: string; message: string; stack?: string } } {
  if (!c.error) return {};
  const err = toTesseraError(c.error);
  const stack = status >= 500 ? c.error.stack : undefined;
  return { error: { code: err.code, message: err.message, ...(stack ? { stack } : {}) } };
}

/** The same bytes, and a call when they run out, fail, or the reader cancels (client gone). */
function onEnd(body: ReadableStream<Uint8Array>, done: (outcome: 'complete' | 'cancelled' | 'failed') => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let ended = false;
  const end = (outcome: 'complete' | 'cancelled' | 'failed') => {
    if (ended) return;
    ended = true;
    done(outcome);
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const chunk = await reader.read();
        if (chunk.done) {
          controller.close();
          end('complete');
        } else controller.enqueue(chunk.value);
      } catch (e) {
        controller.error(e);
        end('failed');
      }
    },
    async cancel(reason) {
      end('cancelled');
      await reader.cancel(reason);
    },
  });
}

/** The engine's observer: each upstream attempt into the metrics and the request's log line. */
export function engineObserver(metrics: TesseraMetrics): EngineObserver {
  return {
    upstreamAttempt(a, log) {
      const status = a.status === null ? (a.error ?? 'error').toLowerCase() : String(a.status);
      metrics.upstreamRequests.inc({ integration: a.integration, status, role: a.role });
      metrics.upstreamDuration.observe({ integration: a.integration }, a.durationMs / 1000);
      if (a.attempt > 1) metrics.upstreamRetries.inc({ integration: a.integration });
      recordUpstreamAttempt(log, {
        method: a.method,
        // Query parameters named like credentials and URL passwords masked (docs/security.md).
        url: redactUrl(a.requestUrl),
        status: a.status,
        ...(a.error ? { error: a.error } : {}),
        ms: a.durationMs,
        attempt: a.attempt,
        role: a.role,
      });
    },
    tokenRefresh(integration, outcome) {
      metrics.oauthRefreshes.inc({ integration, outcome });
    },
  };
}
