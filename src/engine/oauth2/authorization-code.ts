import { TesseraError } from '../../errors/catalogue.ts';
import type { IntegrationDefinition } from '../../integrations/definition-schema.ts';
import { resolveSettings } from './settings.ts';
import { requestToken, TokenEndpointError } from './token-client.ts';
import { mergeOAuth } from './token-state.ts';

/**
 * The authorization-code grant's two halves, for whoever wires the connect flow: the URL to send
 * a person to, and the exchange of the code the provider redirects back with for a token.
 */

export interface AuthorizeUrlInput {
  redirect_uri: string;
  state?: string;
  /** Overrides the definition's `scope`. */
  scope?: string[];
  /** PKCE (RFC 7636), S256. */
  code_challenge?: string;
}

export function authorizationUrl(integration: IntegrationDefinition, input: AuthorizeUrlInput, context: Record<string, unknown> = {}): string {
  const settings = resolveSettings(integration, context);
  const url = new URL(settings.authorizeUrl);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', settings.clientId);
  url.searchParams.set('redirect_uri', input.redirect_uri);
  const scope = input.scope ?? settings.scope;
  if (scope.length) url.searchParams.set('scope', scope.join(' '));
  if (input.state) url.searchParams.set('state', input.state);
  if (input.code_challenge) {
    url.searchParams.set('code_challenge', input.code_challenge);
    url.searchParams.set('code_challenge_method', 'S256');
  }
  for (const [k, v] of Object.entries(settings.authorizeParams)) url.searchParams.set(k, v);
  return url.href;
}

export interface CodeExchangeInput {
  code: string;
  redirect_uri: string;
  code_verifier?: string;
}

/**
 * Exchanges an authorization code for a token and returns the context patch to store:
 * `{oauth: {token: {access_token, refresh_token?, expires_in?, expires_at?, …}}}`. A refused
 * code is a 400 (the person must start the connect flow again).
 */
export async function exchangeAuthorizationCode(
  integration: IntegrationDefinition,
  input: CodeExchangeInput,
  context: Record<string, unknown> = {},
  /** The egress policy's fetch (EgressPolicy.fetchFor), so the token endpoint is checked like every upstream call. */
  fetchImpl?: typeof fetch,
): Promise<{ oauth: Record<string, unknown> }> {
  const settings = resolveSettings(integration, context);
  try {
    const token = await requestToken(settings, { grant_type: 'authorization_code', ...input }, fetchImpl);
    return { oauth: mergeOAuth({}, token) };
  } catch (e) {
    if (!(e instanceof TokenEndpointError)) throw e;
    const status = e.kind === 'rejected' ? 400 : e.kind === 'timeout' ? 504 : 502;
    throw new TesseraError(status, `${settings.label} did not exchange the authorization code: ${e.message}`, {
      code: 'TESSERA_OAUTH_FAILED',
      remote: { rawResponse: e.body ?? null },
    });
  }
}
