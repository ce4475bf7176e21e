import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import type { Dispatcher } from 'undici';
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
/** What fetch sent when the request did not say (providers saw these before the sender left fetch). */
const DEFAULT_HEADERS: Record<string, string> = { accept: '*/*', 'user-agent': 'undici', 'accept-encoding': 'br, gzip, deflate' };
/** Our own timer ends an attempt; undici's are only a backstop behind it, so the error stays ours. */
const BACKSTOP_MS = 1_000;

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: Dispatcher.ResponseData['body'];
}

interface Hop {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/**
 * The innermost sender: one attempt, through the egress policy's dispatcher (every connection
 * checked, kept alive and reused), following redirects only within the request's origin, the body
 * read under a size cap and parsed by content type. It calls the dispatcher directly rather than
 * fetch: fetch's Request/Response objects, web streams and AbortSignal.any per call cost more than
 * the rest of a loopback round trip. What fetch did for us is kept: its default headers, decoding a
 * compressed body, and manual redirects.
 */
export function httpSender(options: HttpSenderOptions): Send {
  const { egress, integration, deadline, maxResponseBytes } = options;
  return async (request) => {
    const started = performance.now();
    const left = deadline ? deadline.remainingMs() : Infinity;
    if (left <= 0) throw deadline!.error();
    const limitMs = Math.min(options.timeoutMs, left);
    // One controller for the attempt's time limit, the caller's cancellation and a body we refuse
    // to read further.
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort(new DOMException(`The upstream did not answer within ${limitMs} ms`, 'TimeoutError'));
    }, limitMs);
    const caller = request.signal;
    const onCallerAbort = () => controller.abort(caller!.reason);
    if (caller?.aborted) onCallerAbort();
    else caller?.addEventListener('abort', onCallerAbort, { once: true });
    try {
      return await attempt();
    } finally {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCallerAbort);
    }

    async function attempt(): Promise<UpstreamResponse> {
      const failed = (e: unknown, during: string): unknown => {
        if (timedOut) {
          // Cut short by the request's deadline rather than the per-attempt timeout: say so.
          if (limitMs < options.timeoutMs) return deadline!.error();
          return new UpstreamNetworkError(`The upstream did not answer within ${options.timeoutMs} ms`, 'timeout');
        }
        if (request.signal?.aborted) return e;
        const egressRefusal = egressCause(e);
        if (egressRefusal) return egressRefusal;
        // fetch wrapped the socket's error as its cause; the dispatcher throws it as it is.
        const cause = ((e as { cause?: unknown }).cause ?? e) as { code?: string; message?: string };
        const notSent = during === REACHING && cause?.code !== undefined && NEVER_CONNECTED.has(cause.code);
        return new UpstreamNetworkError(`${during}: ${cause?.code ?? cause?.message ?? (e as Error).message}`, 'network', notSent);
      };

      const origin = new URL(request.url).origin;
      let hop: Hop = { method: request.method.toUpperCase(), url: request.url, headers: withDefaults(request.headers), body: request.body };
      let res: Answer;
      for (let redirects = 0; ; redirects++) {
        const verdict = egress.checkUrl(hop.url, integration);
        const url = new URL(hop.url);
        if (!verdict.allowed) throw refusal(url.host, verdict.reason!);
        try {
          const answer = await egress.dispatcher.request({
            origin: url.origin,
            path: url.pathname + url.search,
            method: hop.method as Dispatcher.HttpMethod,
            headers: hop.headers,
            body: hop.body,
            signal: controller.signal,
            headersTimeout: limitMs + BACKSTOP_MS,
            bodyTimeout: limitMs + BACKSTOP_MS,
          });
          res = { status: answer.statusCode, headers: flatHeaders(answer.headers), body: answer.body };
        } catch (e) {
          throw failed(e, REACHING);
        }
        const location = REDIRECTS.has(res.status) ? res.headers.location : undefined;
        if (location === undefined) break;
        await res.body.dump().catch(() => {});
        hop = nextHop(hop, res.status, new URL(location, hop.url), origin, redirects);
      }

      const headers = res.headers;
      const contentType = headers['content-type'] ?? '';
      let text: string;
      try {
        text = await readCapped(res, maxResponseBytes, () => controller.abort());
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
    }
  };
}

function withDefaults(headers: Record<string, string>): Record<string, string> {
  const lower = new Set(Object.keys(headers).map((k) => k.toLowerCase()));
  let out: Record<string, string> | undefined;
  for (const [k, v] of Object.entries(DEFAULT_HEADERS)) if (!lower.has(k)) (out ??= { ...headers })[k] = v;
  return out ?? headers;
}

/** One string per header, as fetch's Headers gave them: repeated headers joined (set-cookie: the last). */
function flatHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    if (v === undefined) continue;
    headers[k] = typeof v === 'string' ? v : k === 'set-cookie' ? v[v.length - 1] : v.join(', ');
  }
  return headers;
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
async function readCapped(res: Answer, max: number, abandon: () => void): Promise<string> {
  const tooLarge = (size: string) => {
    abandon();
    return errors.upstreamTooLarge(
      `The upstream response is larger than ${max} bytes (${size}); ask for a smaller page or window, or raise TESSERA_UPSTREAM_MAX_RESPONSE_BYTES`,
    );
  };
  const declared = Number(res.headers['content-length'] ?? NaN);
  const encoding = res.headers['content-encoding']?.trim().toLowerCase();
  // Content-Length counts encoded bytes: only a plain body can be refused before reading.
  if (declared > max && !encoding) {
    await res.body.dump().catch(() => {});
    throw tooLarge(`${declared} bytes announced`);
  }
  // The cap counts decoded bytes, as it did when fetch decoded for us.
  const decoder = decoderFor(encoding);
  const source: Readable = decoder ? res.body.pipe(decoder) : res.body;
  if (decoder) res.body.on('error', (e) => decoder.destroy(e));
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      total += chunk.byteLength;
      if (total > max) throw tooLarge(`more than ${total} bytes read`);
      chunks.push(chunk);
    }
  } finally {
    if (total > max || !source.readableEnded) {
      res.body.destroy();
      decoder?.destroy();
    }
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** fetch's content codings; any other is read as it came, as fetch did. */
function decoderFor(encoding: string | undefined): zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | undefined {
  // Lenient like browsers: a truncated but otherwise valid stream still yields what arrived.
  const flush = { flush: zlib.constants.Z_SYNC_FLUSH, finishFlush: zlib.constants.Z_SYNC_FLUSH };
  if (encoding === 'gzip' || encoding === 'x-gzip') return zlib.createGunzip(flush);
  if (encoding === 'deflate') return zlib.createInflate(flush);
  if (encoding === 'br')
    return zlib.createBrotliDecompress({ flush: zlib.constants.BROTLI_OPERATION_FLUSH, finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH });
  return undefined;
}

export function compose(send: Send, interceptors: ((next: Send) => Send)[]): Send {
  // The first interceptor in the list is the outermost.
  return interceptors.reduceRight((next, interceptor) => interceptor(next), send);
}
