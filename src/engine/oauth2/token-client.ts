import type { OAuth2Settings } from './settings.ts';

/**
 * The client side of an RFC 6749 token endpoint: one POST per grant, client authentication in
 * the body (default) or as HTTP Basic, the body form-encoded (default) or JSON.
 */

/** What a token endpoint answered, as stored under `context.oauth.token`. */
export interface TokenSet {
  access_token: string;
  refresh_token?: string;
  expires_in?: number;
  /** ISO 8601: when the access token expires (computed when the token was received). */
  expires_at?: string;
  token_type?: string;
  scope?: string;
  /** Anything else the provider returned (e.g. an `instance_url` a definition's base_url reads). */
  [key: string]: unknown;
}

export type TokenGrant =
  | { grant_type: 'refresh_token'; refresh_token: string }
  | { grant_type: 'client_credentials' }
  | { grant_type: 'authorization_code'; code: string; redirect_uri: string; code_verifier?: string };

/** The token endpoint refused (HTTP 4xx, or an `error` in a 2xx body), or could not be reached. */
export class TokenEndpointError extends Error {
  constructor(
    message: string,
    /** The HTTP status; 0 for a network failure or timeout. */
    readonly status: number,
    /** The parsed body of the refusal (OAuth's `{error, error_description}`), if any. */
    readonly body: unknown,
    readonly kind: 'rejected' | 'unavailable' | 'timeout' | 'invalid_response',
  ) {
    super(message);
    this.name = 'TokenEndpointError';
  }

  /** RFC 6749 §5.2 `error`, or the HTTP status. */
  get code(): string {
    const b = this.body as Record<string, unknown> | null;
    return typeof b?.error === 'string' ? b.error : this.status ? `HTTP ${this.status}` : this.kind;
  }
}

export const TOKEN_REQUEST_TIMEOUT_MS = 15_000;

function parseBody(text: string, contentType: string): unknown {
  if (!text) return null;
  if (/x-www-form-urlencoded/i.test(contentType)) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch {
    // Some providers answer form-encoded without saying so.
    if (/^[\w.%-]+=/.test(text) && !text.includes(' ')) return Object.fromEntries(new URLSearchParams(text));
    return text;
  }
}

function describe(body: unknown): string {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const parts = [b.error, b.error_description ?? b.message].filter((p) => typeof p === 'string' && p);
    if (parts.length) return parts.join(': ');
  }
  return typeof body === 'string' && body ? body.slice(0, 200) : '';
}

/** Turns a token response into a TokenSet, stamping `expires_at`. */
export function toTokenSet(body: Record<string, unknown>, settings: Pick<OAuth2Settings, 'defaultExpiresIn'>, now = Date.now()): TokenSet {
  const out: TokenSet = { ...body, access_token: String(body.access_token) };
  const expiresIn = body.expires_in === undefined || body.expires_in === null || body.expires_in === '' ? undefined : Number(body.expires_in);
  const lifetime = expiresIn !== undefined && Number.isFinite(expiresIn) ? expiresIn : settings.defaultExpiresIn;
  if (expiresIn !== undefined && Number.isFinite(expiresIn)) out.expires_in = expiresIn;
  else delete out.expires_in;
  if (lifetime !== undefined) out.expires_at = new Date(now + lifetime * 1000).toISOString();
  else delete out.expires_at;
  if (out.refresh_token === undefined || out.refresh_token === null || out.refresh_token === '') delete out.refresh_token;
  return out;
}

export async function requestToken(settings: OAuth2Settings, grant: TokenGrant, fetchImpl: typeof fetch = fetch): Promise<TokenSet> {
  const url = grant.grant_type === 'refresh_token' ? settings.refreshUrl : settings.tokenUrl;
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(grant)) if (v !== undefined) params[k] = String(v);
  if (grant.grant_type === 'client_credentials' && settings.scope.length) params.scope = settings.scope.join(' ');
  const headers: Record<string, string> = { accept: 'application/json' };
  if (settings.clientAuth === 'basic') {
    // RFC 6749 §2.3.1: both parts form-urlencoded before Base64.
    const id = encodeURIComponent(settings.clientId);
    const secret = encodeURIComponent(settings.clientSecret);
    headers.authorization = `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  } else {
    params.client_id = settings.clientId;
    params.client_secret = settings.clientSecret;
  }
  let body: string;
  if (settings.requestFormat === 'json') {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(params);
  } else {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(params).toString();
  }

  let response: Response;
  let text: string;
  try {
    response = await fetchImpl(url, { method: 'POST', headers, body, redirect: 'error', signal: AbortSignal.timeout(TOKEN_REQUEST_TIMEOUT_MS) });
    text = await response.text();
  } catch (e) {
    // The egress policy's refusal is already the coded answer (no request was sent).
    if ((e as { code?: string }).code === 'TESSERA_EGRESS_REFUSED') throw e;
    const timeout = (e as Error).name === 'TimeoutError';
    throw new TokenEndpointError(
      timeout
        ? `The OAuth token endpoint did not answer within ${TOKEN_REQUEST_TIMEOUT_MS / 1000} s`
        : `The OAuth token endpoint could not be reached: ${(e as Error).message}`,
      0,
      null,
      timeout ? 'timeout' : 'unavailable',
    );
  }
  const parsed = parseBody(text, response.headers.get('content-type') ?? '');
  const record = parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  if (response.status >= 400) {
    const detail = describe(parsed);
    const kind = response.status >= 500 || response.status === 429 ? 'unavailable' : 'rejected';
    throw new TokenEndpointError(`The OAuth token endpoint answered ${response.status}${detail ? ` (${detail})` : ''}`, response.status, parsed, kind);
  }
  // Some providers report a refused grant with 200 and an `error` body.
  if (record && typeof record.error === 'string' && !record.access_token) {
    throw new TokenEndpointError(`The OAuth token endpoint refused the grant (${describe(record)})`, 400, record, 'rejected');
  }
  if (!record || typeof record.access_token !== 'string' || !record.access_token) {
    throw new TokenEndpointError('The OAuth token endpoint answered without an access_token', response.status, null, 'invalid_response');
  }
  return toTokenSet(record, settings);
}
