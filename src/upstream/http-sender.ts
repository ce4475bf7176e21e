import { fetch as undiciFetch, type Response } from 'undici';
import { errors } from '../errors/catalogue.ts';
import { egressCause, refusal, type EgressPolicy } from './egress-policy.ts';
import type { Deadline } from './interceptors/deadline.ts';
import { UpstreamNetworkError, type Send, type UpstreamResponse } from './types.ts';

const REACHING = 'Could not reach the upstream';
/** Failures before a connection exists: nothing was sent, so a write may safely be tried again. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export interface HttpSenderOptions {
  /** Per attempt (TESSERA_UPSTREAM_TIMEOUT_MS), never more than what is left of the deadline. */
  timeoutMs: number;
  /** TESSERA_UPSTREAM_MAX_RESPONSE_BYTES: the body is read in chunks and abandoned past it. */
  maxResponseBytes: number;
  egress: EgressPolicy;
  /** The integration whose shipped definition names the hosts this sender may call. */
  integration: string;
  deadline?: Deadline;
}

export const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that describe a body, dropped when a redirect turns the request into a GET (fetch spec). */
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location'];

interface Hop {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * The innermost sender: one attempt, through the egress policy's dispatcher (every connection
 * checked), following redirects only within the request's origin, the body read under a size
 * cap and parsed by content type.
 */
export function httpSender(options: HttpSenderOptions): Send {
  const { egress, integration, deadline, maxResponseBytes } = options;
  return async (request) => {
    const started = performance.now();
    const left = deadline ? deadline.remainingMs() : Infinity;
    if (left <= 0) throw deadline!.error();
    const limitMs = Math.min(options.timeoutMs, left);
    const timeout = AbortSignal.timeout(limitMs);
    // Aborted to let go of a body we refuse to read further.
    const abandon = new AbortController();
    const signal = AbortSignal.any([timeout, abandon.signal, ...(request.signal ? [request.signal] : [])]);
    const failed = (e: unknown, during: string): unknown => {
      if (timeout.aborted) {
        // Cut short by the request's deadline rather than the per-attempt timeout: say so.
        if (limitMs < options.timeoutMs) return deadline!.error();
        return new UpstreamNetworkError(`The upstream did not answer within ${options.timeoutMs} ms`, 'timeout');
      }
      if (request.signal?.aborted) return e;
      const egressRefusal = egressCause(e);
      if (egressRefusal) return egressRefusal;
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const notSent = during === REACHING && cause?.code !== undefined && NEVER_CONNECTED.has(cause.code);
      return new UpstreamNetworkError(`${during}: ${cause?.code ?? cause?.message ?? (e as Error).message}`, 'network', notSent);
    };

    const origin = new URL(request.url).origin;
    let hop: Hop = { method: request.method.toUpperCase(), url: request.url, headers: request.headers, body: request.body };
    let res: Response;
    for (let redirects = 0; ; redirects++) {
      const verdict = egress.checkUrl(hop.url, integration);
      if (!verdict.allowed) throw refusal(new URL(hop.url).host, verdict.reason!);
      try {
        res = await undiciFetch(hop.url, {
          method: hop.method,
          headers: hop.headers,
          body: hop.body,
          signal,
          redirect: 'manual',
          dispatcher: egress.dispatcher,
        });
      } catch (e) {
        throw failed(e, REACHING);
      }
      const location = REDIRECTS.has(res.status) ? res.headers.get('location') : null;
      if (location === null) break;
      await res.body?.cancel().catch(() => {});
      hop = nextHop(hop, res.status, new URL(location, hop.url), origin, redirects);
    }

    const headers: Record<string, string> = {};
    res.headers.forEach((v, k) => {
      headers[k] = v;
    });
    const contentType = res.headers.get('content-type') ?? '';
    let text: string;
    try {
      text = await readCapped(res, maxResponseBytes, () => abandon.abort());
    } catch (e) {
      if ((e as { code?: string }).code === 'TESSERA_UPSTREAM_RESPONSE_TOO_LARGE') throw e;
      throw failed(e, 'The upstream connection failed mid-response');
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

/**
 * The request a redirect asks for (fetch's rules: 303 becomes a GET, and so does a POST on a 301
 * or 302; 307 and 308 keep the method and body), only within the original origin: a redirect to
 * another origin would hand it the credentials in our headers.
 */
function nextHop(hop: Hop, status: number, target: URL, origin: string, redirects: number): Hop {
  if (target.origin !== origin) {
    throw errors.upstreamRedirectRefused(
      `The upstream redirected (${status}) to another host, ${target.host}; Tessera follows redirects only within ${new URL(origin).host}`,
    );
  }
  if (redirects >= MAX_REDIRECTS) throw errors.upstreamRedirectRefused(`The upstream redirected more than ${MAX_REDIRECTS} times (last to ${target.pathname})`);
  const toGet = (status === 303 && hop.method !== 'HEAD') || ((status === 301 || status === 302) && hop.method === 'POST');
  if (!toGet) return { ...hop, url: target.href };
  const headers = Object.fromEntries(Object.entries(hop.headers).filter(([k]) => !BODY_HEADERS.includes(k.toLowerCase())));
  return { method: 'GET', url: target.href, headers, body: undefined };
}

/** The body as text, chunk by chunk: past `max` bytes the rest is never read (nor buffered). */
async function readCapped(res: Response, max: number, abandon: () => void): Promise<string> {
  const tooLarge = (size: string) => {
    abandon();
    return errors.upstreamTooLarge(
      `The upstream response is larger than ${max} bytes (${size}); ask for a smaller page or window, or raise TESSERA_UPSTREAM_MAX_RESPONSE_BYTES`,
    );
  };
  const declared = Number(res.headers.get('content-length') ?? NaN);
  // Content-Length counts encoded bytes: only a plain body can be refused before reading.
  if (declared > max && !res.headers.get('content-encoding')) {
    await res.body?.cancel().catch(() => {});
    throw tooLarge(`${declared} bytes announced`);
  }
  if (!res.body) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => {});
      throw tooLarge(`more than ${total} bytes read`);
    }
    chunks.push(value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

export function compose(send: Send, interceptors: ((next: Send) => Send)[]): Send {
  // The first interceptor in the list is the outermost.
  return interceptors.reduceRight((next, interceptor) => interceptor(next), send);
}
