import { UpstreamNetworkError, type Send, type UpstreamResponse } from './types.ts';

/** The innermost sender: one fetch with a per-attempt timeout, the body parsed by content type. */
export function httpSender(timeoutMs: number): Send {
  return async (request) => {
    const started = performance.now();
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    let res: Response;
    try {
      res = await fetch(request.url, { method: request.method.toUpperCase(), headers: request.headers, body: request.body, signal, redirect: 'manual' });
    } catch (e) {
      if (timeout.aborted) throw new UpstreamNetworkError(`The upstream did not answer within ${timeoutMs} ms`, 'timeout');
      if (request.signal?.aborted) throw e;
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new UpstreamNetworkError(`Could not reach the upstream: ${cause?.code ?? cause?.message ?? (e as Error).message}`, 'network');
    }
    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      headers[k] = v;
    });
    const contentType = res.headers.get('content-type') ?? '';
    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      if (timeout.aborted) throw new UpstreamNetworkError(`The upstream did not answer within ${timeoutMs} ms`, 'timeout');
      throw new UpstreamNetworkError(`The upstream connection failed mid-response: ${(e as Error).message}`, 'network');
    }
    let body: unknown = text.length ? text : null;
    if (text.length && /[/+]json\b/i.test(contentType)) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    const response: UpstreamResponse = { status: res.status, headers, body, contentType, durationMs: performance.now() - started };
    return response;
  };
}

export function compose(send: Send, interceptors: ((next: Send) => Send)[]): Send {
  // The first interceptor in the list is the outermost.
  return interceptors.reduceRight((next, interceptor) => interceptor(next), send);
}
