import { UpstreamNetworkError, type Interceptor, type UpstreamCallRecord } from '../types.ts';

/** Told of each attempt as it ends (metrics, the request log); `error` says why one has no status. */
export type AttemptHook = (call: UpstreamCallRecord, error?: string) => void;

/** Records every attempt (URL, status, duration) for `debug.calls` and the request log. */
export function traceInterceptor(calls: UpstreamCallRecord[], onAttempt?: AttemptHook): Interceptor {
  return (next) => async (request) => {
    // Records keep the method upper-cased; requests may carry it in any case.
    const method = request.method.toUpperCase();
    const attempt = calls.filter((c) => c.requestUrl === request.url && c.method === method).length + 1;
    const started = performance.now();
    try {
      const response = await next(request);
      const call: UpstreamCallRecord = {
        requestUrl: request.url,
        method,
        status: response.status,
        durationMs: round(response.durationMs),
        role: request.role,
        attempt,
      };
      calls.push(call);
      onAttempt?.(call);
      return response;
    } catch (e) {
      // Network failures, and the sender's own refusals (egress, size, redirect, deadline): an attempt without a status.
      const code = String((e as { code?: unknown }).code);
      if (e instanceof UpstreamNetworkError || /^TESSERA_(UPSTREAM|EGRESS)_/.test(code)) {
        const call: UpstreamCallRecord = {
          requestUrl: request.url,
          method,
          status: null,
          durationMs: round(performance.now() - started),
          role: request.role,
          attempt,
        };
        calls.push(call);
        onAttempt?.(call, e instanceof UpstreamNetworkError ? e.kind : code);
      }
      throw e;
    }
  };
}

const round = (ms: number) => Math.round(ms * 10) / 10;
