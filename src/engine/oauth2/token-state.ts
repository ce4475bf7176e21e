import { createHash } from 'node:crypto';
import type { TokenSet } from './token-client.ts';

/**
 * Where an account keeps its OAuth token (docs/contract.md §10.2): `context.oauth.token`, with
 * `access_token`, `refresh_token`, `expires_in` and (ours) `expires_at`.
 */
export interface StoredToken {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  expires_at?: string | number;
  [key: string]: unknown;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

export function readToken(context: Record<string, unknown>): StoredToken {
  const token = asRecord(asRecord(context.oauth)?.token) ?? {};
  const str = (v: unknown) => (typeof v === 'string' && v ? v : undefined);
  return { ...token, access_token: str(token.access_token), refresh_token: str(token.refresh_token) };
}

/**
 * When the access token expires, in epoch ms; undefined when unknown. `expires_at` wins (ISO, or
 * epoch seconds/ms). An imported token with only `expires_in` is dated from the account's
 * `created_at`: never later than the real issue time of a token imported at creation, so the
 * estimate errs towards refreshing early (one extra refresh at worst, which then stamps `expires_at`).
 */
export function expiresAtMs(token: StoredToken, issuedAt?: string): number | undefined {
  const at = token.expires_at;
  if (typeof at === 'number' && Number.isFinite(at)) return at < 1e12 ? at * 1000 : at;
  if (typeof at === 'string' && at) {
    const parsed = /^\d+$/.test(at) ? Number(at) * (at.length <= 10 ? 1000 : 1) : Date.parse(at);
    if (Number.isFinite(parsed)) return parsed;
  }
  const expiresIn = Number(token.expires_in);
  if (token.expires_in !== undefined && token.expires_in !== null && Number.isFinite(expiresIn) && issuedAt) {
    const issued = Date.parse(issuedAt);
    if (Number.isFinite(issued)) return issued + expiresIn * 1000;
  }
  return undefined;
}

/**
 * True when there is no access token, or it expires within `skewSeconds`. The skew is capped at
 * half the token's lifetime, so a provider issuing very short-lived tokens is not refreshed on
 * every request.
 */
export function isStale(token: StoredToken, skewSeconds: number, issuedAt?: string, now = Date.now()): boolean {
  if (!token.access_token) return true;
  const expires = expiresAtMs(token, issuedAt);
  if (expires === undefined) return false;
  const lifetime = Number(token.expires_in);
  const skew = Number.isFinite(lifetime) && lifetime > 0 ? Math.min(skewSeconds, lifetime / 2) : skewSeconds;
  return expires - skew * 1000 <= now;
}

/** Identifies one token pair without keeping it in plain text: the key of refresh outcomes. */
export function fingerprint(token: StoredToken): string {
  return createHash('sha256')
    .update(`${token.access_token ?? ''}\u0000${token.refresh_token ?? ''}`)
    .digest('base64url');
}

/**
 * The account's new `oauth` object: the old one with the new token merged over the old token.
 * A provider that returns no refresh token keeps the old one (most do not rotate it).
 */
export function mergeOAuth(context: Record<string, unknown>, fresh: TokenSet): Record<string, unknown> {
  const oauth = asRecord(context.oauth) ?? {};
  const previous = asRecord(oauth.token) ?? {};
  const token: Record<string, unknown> = { ...previous, ...fresh };
  if (!fresh.refresh_token && typeof previous.refresh_token === 'string' && previous.refresh_token) token.refresh_token = previous.refresh_token;
  // A lifetime that came with the old token must not outlive it.
  if (fresh.expires_in === undefined) delete token.expires_in;
  if (fresh.expires_at === undefined) delete token.expires_at;
  return { ...oauth, token };
}
