import { createHash, randomBytes } from 'node:crypto';
import { errors } from '../../errors/catalogue.ts';

/**
 * The `state` of Tessera's own authorization-code connect flow (docs/oauth2.md): everything the
 * callback needs, sealed (AES-256-GCM through the store's SecretBox), so the callback needs no
 * server-side session and a browser sees neither the PKCE verifier nor the context it carries.
 */
export interface ConnectState {
  v: 1;
  environment_id: string;
  integration: string;
  /** Set when the flow reconnects an existing account; otherwise a new account is created. */
  integrated_account_id?: string;
  tenant_id?: string;
  redirect_uri: string;
  code_verifier: string;
  /** Context keys to store on the account besides the token (e.g. the OAuth app's client_id). */
  context: Record<string, unknown>;
  integration_override: Record<string, unknown>;
  /** Where the callback sends the browser when done, instead of answering JSON. */
  return_url?: string;
  /** Epoch ms. */
  expires_at: number;
}

export interface Sealer {
  encrypt(plaintext: string): string;
  decrypt(sealed: string): string;
}

/** How long a person has to finish the provider's consent screen. */
export const CONNECT_STATE_TTL_MS = 15 * 60_000;

export function sealState(box: Sealer, state: ConnectState): string {
  return Buffer.from(box.encrypt(JSON.stringify(state)), 'utf8').toString('base64url');
}

export function openState(box: Sealer, sealed: string, now = Date.now()): ConnectState {
  let state: ConnectState;
  try {
    state = JSON.parse(box.decrypt(Buffer.from(sealed, 'base64url').toString('utf8'))) as ConnectState;
  } catch {
    throw errors.oauthState('The OAuth state is not one this server issued; start the connection again with POST /oauth2/authorize');
  }
  if (state.v !== 1) throw errors.oauthState('The OAuth state has an unknown version; start the connection again with POST /oauth2/authorize');
  if (state.expires_at < now) throw errors.oauthState('The OAuth connect link has expired; start the connection again with POST /oauth2/authorize');
  return state;
}

/** A PKCE (RFC 7636) verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}
