import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The delivery signature, as Truto sends it: `X-Truto-Signature: format=sha256,v=<hex>`, the
 * HMAC-SHA256 of the raw body under the webhook's secret. Receivers must hash the bytes they
 * received, before any JSON parsing.
 */
export const SIGNATURE_HEADER = 'x-truto-signature';

export function signatureOf(body: string | Buffer, secret: string): string {
  return `format=sha256,v=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** What a receiver does (tests, docs/webhooks.md): compare in constant time. */
export function verifySignature(body: string | Buffer, header: string | undefined, secret: string): boolean {
  const match = /(?:^|,)\s*v=([0-9a-f]{64})\s*(?:,|$)/i.exec(header ?? '');
  if (!match || !/(?:^|,)\s*format=sha256\s*(?:,|$)/i.test(header ?? '')) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(match[1], 'hex'));
}
