import { UpstreamNetworkError, type Interceptor, type UpstreamCallRecord } from '../types.ts';

/** Told of each attempt as it ends (metrics, the request log); `error` says why one has no status. */
export type AttemptHook = (call: UpstreamCallRecord, error?: string) => void;

/** Records every attempt (URL, status, duration) for `debug.calls` and the request log. */
export function traceInterceptor(calls: UpstreamCallRecord[], onAttempt?: AttemptHook): Interceptor {
  return (next) => async (request) => {
    // Records keep the method upper-cased; requests may carry it in any case.
    const method = request.method.toUpperCase();
    const attempt = priorAttempts(calls, method, request.url) + 1;
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

/**
 * Attempts per method and URL so far, counted incrementally: a list of many pages used to
 * re-scan every earlier record per attempt. The tally catches up on whatever was pushed to
 * `calls` since (by this interceptor or anyone else), so it always equals a count over the array.
 */
interface Tally {
  seen: number;
  counts: Map<string, number>;
}
const tallies = new WeakMap<UpstreamCallRecord[], Tally>();

function priorAttempts(calls: UpstreamCallRecord[], method: string, url: string): number {
  let tally = tallies.get(calls);
  if (!tally || tally.seen > calls.length) tallies.set(calls, (tally = { seen: 0, counts: new Map() }));
  for (; tally.seen < calls.length; tally.seen++) {
    const c = calls[tally.seen];
    const key = `${c.method} ${c.requestUrl}`;
    tally.counts.set(key, (tally.counts.get(key) ?? 0) + 1);
  }
  return tally.counts.get(`${method} ${url}`) ?? 0;
}

const round = (ms: number) => Math.round(ms * 10) / 10;
