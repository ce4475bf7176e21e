import { UpstreamNetworkError, type Interceptor, type UpstreamCallRecord } from '../types.ts';

/** Records every attempt (URL, status, duration) for `debug.calls` and the request log. */
export function traceInterceptor(calls: UpstreamCallRecord[]): Interceptor {
  return (next) => async (request) => {
    const attempt = calls.filter((c) => c.requestUrl === request.url && c.method === request.method).length + 1;
    const started = performance.now();
    try {
      const response = await next(request);
      calls.push({
        requestUrl: request.url,
        method: request.method.toUpperCase(),
        status: response.status,
        durationMs: round(response.durationMs),
        role: request.role,
        attempt,
      });
      return response;
    } catch (e) {
      // Network failures, and the sender's own refusals (egress, size, redirect, deadline): an attempt without a status.
      if (e instanceof UpstreamNetworkError || /^TESSERA_(UPSTREAM|EGRESS)_/.test(String((e as { code?: unknown }).code))) {
        calls.push({
          requestUrl: request.url,
          method: request.method.toUpperCase(),
          status: null,
          durationMs: round(performance.now() - started),
          role: request.role,
          attempt,
        });
      }
      throw e;
    }
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;
