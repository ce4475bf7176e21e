import type { RequestLogRecord } from '../logger.ts';
import { UpstreamNetworkError, type Interceptor, type UpstreamCallRecord } from '../upstream/types.ts';
import { requestSpanOf } from './tracing.ts';

/**
 * A client span around each attempt of an upstream call, and its `traceparent` on the request
 * sent. Placed just inside the trace interceptor (create-execution.ts), so retries are attempts of
 * their own and `calls` already holds the earlier ones when an attempt starts.
 *
 * Empty when the request has no span (tracing off, background work, the CLI): then nothing is
 * wrapped and the send path is exactly what it was.
 */
export function upstreamSpans(log: RequestLogRecord | undefined, integration: string, calls: UpstreamCallRecord[]): Interceptor[] {
  const requestSpan = requestSpanOf(log);
  if (!requestSpan) return [];
  const interceptor: Interceptor = (next) => async (request) => {
    const method = request.method.toUpperCase();
    // Counted as the trace interceptor counts (the same URL and method), before this attempt is recorded.
    const attempt = calls.filter((c) => c.requestUrl === request.url && c.method === method).length + 1;
    const span = requestSpan.startUpstream({ integration, method, url: request.url, role: request.role, attempt });
    try {
      const response = await next({ ...request, headers: { ...request.headers, traceparent: span.traceparent } });
      span.end({ status: response.status });
      return response;
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      span.end({ status: null, error: e instanceof UpstreamNetworkError ? e.kind : typeof code === 'string' ? code : 'error' });
      throw e;
    }
  };
  return [interceptor];
}
