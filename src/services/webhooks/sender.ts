import { fetch as undiciFetch } from 'undici';
import { egressCause } from '../../upstream/egress-policy.ts';
import { SIGNATURE_HEADER, signatureOf } from './signer.ts';
import type { WebhookTargetPolicy } from './target-policy.ts';

export const DELIVERY_ID_HEADER = 'x-tessera-delivery-id';
export const ATTEMPT_HEADER = 'x-tessera-delivery-attempt';
/** Truto's deliveries say `User-Agent: truto`; receivers written for Truto may check it. */
export const USER_AGENT = 'truto';
/** Enough of an answer to show in last_error; the rest is not read. */
const ERROR_BODY_CHARS = 300;

export interface SendRequest {
  target_url: string;
  secret: string;
  /** The exact JSON text sent and signed. */
  body: string;
  delivery_id: string;
  attempt: number;
}

export interface SendResult {
  ok: boolean;
  /** The receiver's status; null when no answer came (timeout, refused, network). */
  status: number | null;
  duration_ms: number;
  error: string | null;
  /** The target is refused by the egress policy: retrying cannot help until the settings change. */
  refused: boolean;
}

/**
 * One delivery attempt: POST the body with its signature, through the target policy's dispatcher,
 * with a deadline. Redirects are not followed (a redirect to a private address would bypass the
 * check); a 3xx is a failed attempt. Never throws.
 */
export async function sendWebhook(req: SendRequest, targets: WebhookTargetPolicy, timeoutMs: number): Promise<SendResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const verdict = targets.check(req.target_url);
  if (!verdict.allowed) return { ok: false, status: null, duration_ms: 0, error: `refused by the egress policy: ${verdict.reason}`, refused: true };
  try {
    const res = await undiciFetch(req.target_url, {
      method: 'POST',
      body: req.body,
      redirect: 'manual',
      dispatcher: targets.dispatcher,
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': USER_AGENT,
        [SIGNATURE_HEADER]: signatureOf(req.body, req.secret),
        [DELIVERY_ID_HEADER]: req.delivery_id,
        [ATTEMPT_HEADER]: String(req.attempt),
      },
    });
    const ok = res.status >= 200 && res.status < 300;
    const text = ok ? '' : await readSome(res);
    if (ok) await res.body?.cancel().catch(() => {});
    return {
      ok,
      status: res.status,
      duration_ms: elapsed(),
      error: ok ? null : `the receiver answered ${res.status}${text ? `: ${text}` : ''}`,
      refused: false,
    };
  } catch (e) {
    const refusal = egressCause(e);
    if (refusal) return { ok: false, status: null, duration_ms: elapsed(), error: refusal.message, refused: true };
    const err = e as Error;
    const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
    const cause = (err.cause as Error | undefined)?.message;
    return {
      ok: false,
      status: null,
      duration_ms: elapsed(),
      error: timedOut ? `no answer within ${timeoutMs} ms` : `could not reach the receiver: ${cause ?? err.message}`,
      refused: false,
    };
  }
}

/** The start of an error answer, without reading the rest (a receiver may send a large page). */
async function readSome(res: { body: ReadableStream<Uint8Array> | null }): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    while (size < ERROR_BODY_CHARS * 4) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(Buffer.from(value));
      size += value.length;
    }
  } catch {
    // what arrived is enough
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, ERROR_BODY_CHARS).replace(/\s+/g, ' ').trim();
}
