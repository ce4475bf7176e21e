import {
  diag,
  DiagLogLevel,
  isValidSpanId,
  isValidTraceId,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  createTraceState,
  type Attributes,
  type Context,
  type Span,
  type SpanContext,
  type Tracer,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
  type Sampler,
} from '@opentelemetry/sdk-trace';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';
import type { Logger } from '../logger.ts';
import type { IncomingRequest, RequestOutcome, RequestSpan, Tracing, UpstreamAttemptStart, UpstreamSpan } from './types.ts';

/**
 * The OpenTelemetry implementation of the tracing seam (tracing.ts), imported only when an OTLP
 * endpoint is configured. The SDK's plain TracerProvider with a BatchSpanProcessor and the
 * OTLP/HTTP (JSON) exporter, which reads the standard OTEL_EXPORTER_OTLP_* variables itself.
 *
 * Nothing is registered globally (no global provider, propagator nor context manager): every
 * span is started with an explicit parent context, built here from the incoming `traceparent` or
 * from the request's server span (docs/decisions.md "Operations").
 *
 * What a span may carry: methods, route patterns, statuses, hosts, ids Tessera assigned, names
 * from the catalog, error codes. Never a header, a query string, a URL path, a body or a message.
 */
export function createOtelTracing(env: NodeJS.ProcessEnv, logger: Logger): Tracing {
  // Export failures reach the log once per batch, not the console (the SDK's default is silence).
  diag.setLogger(
    {
      error: (message: string) => logger.warn({ otel: message }, 'opentelemetry'),
      warn: (message: string) => logger.warn({ otel: message }, 'opentelemetry'),
      info: () => {},
      debug: () => {},
      verbose: () => {},
    },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
  const fromEnv = detectResources({ detectors: [envDetector] });
  const serviceName = env.OTEL_SERVICE_NAME?.trim() || (fromEnv.attributes[ATTR_SERVICE_NAME] as string | undefined) || 'tessera';
  const provider = new TracerProvider({
    resource: defaultResource()
      .merge(fromEnv)
      .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName })),
    sampler: samplerFromEnv(env),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter: new OTLPTraceExporter(),
        scheduledDelayMillis: positive(env.OTEL_BSP_SCHEDULE_DELAY),
        exportTimeoutMillis: positive(env.OTEL_BSP_EXPORT_TIMEOUT),
        maxQueueSize: positive(env.OTEL_BSP_MAX_QUEUE_SIZE),
        maxExportBatchSize: positive(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE),
      }),
    ],
  });
  const tracer = provider.getTracer('tessera');
  logger.info({ service_name: serviceName }, 'OpenTelemetry traces on (OTLP/HTTP)');
  return {
    enabled: true,
    startRequest: (request) => startRequest(tracer, request),
    close: async () => {
      // A collector that is down must not hold the exit: the drain already took its time.
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, positive(env.OTEL_BSP_EXPORT_TIMEOUT) ?? 5000);
      });
      await Promise.race([provider.shutdown().catch((e: Error) => logger.warn({ otel: e.message }, 'opentelemetry: flush failed')), timeout]);
      clearTimeout(timer);
    },
  };
}

function startRequest(tracer: Tracer, request: IncomingRequest): RequestSpan {
  const parent = remoteParent(request.traceparent, request.tracestate);
  const span = tracer.startSpan(
    request.method,
    { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: request.method, 'tessera.request_id': request.requestId } },
    parent,
  );
  const asParent = trace.setSpan(ROOT_CONTEXT, span);
  return {
    startUpstream: (attempt) => startUpstream(tracer, asParent, attempt),
    end: (outcome) => endRequest(span, request.method, outcome),
  };
}

function endRequest(span: Span, method: string, outcome: RequestOutcome): void {
  const { log } = outcome;
  span.updateName(`${method} ${outcome.route}`);
  const attributes: Attributes = {
    [ATTR_HTTP_ROUTE]: outcome.route,
    [ATTR_HTTP_RESPONSE_STATUS_CODE]: outcome.status,
    'tessera.upstream_calls': log.upstream_calls,
  };
  if (log.integration) attributes['tessera.integration'] = log.integration;
  if (log.account_id) attributes['tessera.integrated_account_id'] = log.account_id;
  if (log.model) attributes['tessera.unified_model'] = log.model;
  if (log.resource) attributes['tessera.resource'] = log.resource;
  if (log.resource_method) attributes['tessera.resource_method'] = log.resource_method;
  if (outcome.errorCode) attributes['tessera.error_code'] = outcome.errorCode;
  if (outcome.stream) attributes['tessera.stream'] = outcome.stream;
  span.setAttributes(attributes);
  // A server span fails on a 5xx (a 4xx is the client's), or when its stream broke off.
  if (outcome.status >= 500 || outcome.stream === 'failed') {
    span.setAttribute(ATTR_ERROR_TYPE, outcome.errorCode ?? String(outcome.status));
    span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

function startUpstream(tracer: Tracer, parent: Context, a: UpstreamAttemptStart): UpstreamSpan {
  // Only where the call went, never its path or query; a URL that does not parse (the sender
  // will refuse it) costs the span its host, not the request.
  const url = URL.canParse(a.url) ? new URL(a.url) : undefined;
  const attributes: Attributes = {
    [ATTR_HTTP_REQUEST_METHOD]: a.method,
    'tessera.integration': a.integration,
    'tessera.upstream.role': a.role,
    'tessera.upstream.attempt': a.attempt,
  };
  if (url) {
    attributes[ATTR_URL_SCHEME] = url.protocol.slice(0, -1);
    attributes[ATTR_SERVER_ADDRESS] = url.hostname;
    attributes[ATTR_SERVER_PORT] = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  }
  if (a.attempt > 1) attributes[ATTR_HTTP_REQUEST_RESEND_COUNT] = a.attempt - 1;
  const span = tracer.startSpan(url ? `${a.method} ${url.hostname}` : a.method, { kind: SpanKind.CLIENT, attributes }, parent);
  return {
    traceparent: formatTraceparent(span.spanContext()),
    end: ({ status, error }) => {
      if (status !== null) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      // A client span fails on any 4xx or 5xx, or with no answer at all.
      if (status === null || status >= 400) {
        span.setAttribute(ATTR_ERROR_TYPE, error ?? String(status ?? 'error'));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
      span.end();
    },
  };
}

/** W3C Trace Context, version 00 (and later versions read as 00, as the spec asks). */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/** The incoming `traceparent` as a remote parent; the root context when absent or invalid. */
export function remoteParent(traceparent: string | undefined, tracestate: string | undefined): Context {
  const m = traceparent ? TRACEPARENT.exec(traceparent.trim()) : null;
  if (!m) return ROOT_CONTEXT;
  const [, version, traceId, spanId, flags, rest] = m;
  if (version === 'ff' || (version === '00' && rest !== undefined)) return ROOT_CONTEXT;
  if (!isValidTraceId(traceId) || !isValidSpanId(spanId)) return ROOT_CONTEXT;
  const parent: SpanContext = { traceId, spanId, traceFlags: parseInt(flags, 16) & 1, isRemote: true };
  if (tracestate) parent.traceState = createTraceState(tracestate);
  return trace.setSpanContext(ROOT_CONTEXT, parent);
}

export function formatTraceparent(sc: SpanContext): string {
  return `00-${sc.traceId}-${sc.spanId}-0${sc.traceFlags & 1}`;
}

/** OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG, as the spec names them; parent-based always-on by default. */
export function samplerFromEnv(env: NodeJS.ProcessEnv): Sampler {
  const ratio = Number(env.OTEL_TRACES_SAMPLER_ARG ?? 1);
  const ratioSampler = () => new TraceIdRatioBasedSampler(Number.isFinite(ratio) && ratio >= 0 && ratio <= 1 ? ratio : 1);
  switch (env.OTEL_TRACES_SAMPLER?.trim()) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratioSampler();
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratioSampler() });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

function positive(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && Number.isFinite(n) && n > 0 ? n : undefined;
}
