import type { Logger, RequestLogRecord } from '../logger.ts';
import type { RequestSpan, Tracing } from './types.ts';

export type { IncomingRequest, RequestOutcome, RequestSpan, Tracing, UpstreamAttemptStart, UpstreamSpan } from './types.ts';

/**
 * Distributed tracing, optional (docs/deploy.md "OpenTelemetry"). The server sees only this seam:
 * a server span per request and a client span per upstream attempt. Without
 * OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) it is `noopTracing`, and the
 * OpenTelemetry packages are never imported.
 *
 * Spans are handed down explicitly, never through AsyncLocalStorage or an async_hooks context
 * manager (whose promise hooks doubled JSONata's cost, logger.ts): a request's span is bound to its
 * log record, which already travels from the HTTP layer to the engine (ExecutionInput.log).
 */

/** The default: nothing is created, nothing is imported. */
export const noopTracing: Tracing = {
  enabled: false,
  startRequest: () => undefined,
  close: async () => {},
};

/** A request's span, found from the log record the layers below already receive. */
const spans = new WeakMap<RequestLogRecord, RequestSpan>();

export function bindRequestSpan(log: RequestLogRecord, span: RequestSpan): void {
  spans.set(log, span);
}

export function requestSpanOf(log: RequestLogRecord | undefined): RequestSpan | undefined {
  return log ? spans.get(log) : undefined;
}

/** Whether the environment asks for traces: an OTLP endpoint is set and the SDK is not disabled. */
export function tracingRequested(env: NodeJS.ProcessEnv): boolean {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return false;
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim() || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim());
}

/**
 * The tracing the environment asks for: the OpenTelemetry implementation (./otel.ts, imported
 * only here and only then) or the no-op.
 */
export async function loadTracing(env: NodeJS.ProcessEnv, logger: Logger): Promise<Tracing> {
  if (!tracingRequested(env)) return noopTracing;
  const { createOtelTracing } = await import('./otel.ts');
  return createOtelTracing(env, logger);
}
