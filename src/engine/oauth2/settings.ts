import { errors } from '../../errors/catalogue.ts';
import type { IntegrationDefinition } from '../../integrations/definition-schema.ts';
import { renderValue } from '../placeholders.ts';

/** The `oauth2` variant of an integration's `credentials` (docs/contract.md §11.2). */
export type OAuth2Credentials = Extract<IntegrationDefinition['credentials'], { format: 'oauth2' }>;

/** An integration's oauth2 config with placeholders rendered and defaults applied. */
export interface OAuth2Settings {
  label: string;
  grantType: 'authorization_code' | 'client_credentials';
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
  refreshUrl: string;
  authorizeUrl: string;
  scope: string[];
  requestFormat: 'form' | 'json';
  clientAuth: 'body' | 'basic';
  skewSeconds: number;
  defaultExpiresIn?: number;
  authorizeParams: Record<string, string>;
  retryOn401: boolean;
}

export const DEFAULT_TOKEN_PATH = '/oauth/token';
export const DEFAULT_AUTHORIZE_PATH = '/oauth/authorize';
export const DEFAULT_SKEW_SECONDS = 60;

export function oauth2Credentials(integration: IntegrationDefinition): OAuth2Credentials | undefined {
  return integration.credentials.format === 'oauth2' ? integration.credentials : undefined;
}

function joinUrl(host: string, path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  return `${host.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

/**
 * Reads the oauth2 config. Client id, secret and hosts may be placeholders over the account's
 * context (`{{context.client_id}}`), so one definition can serve per-account OAuth apps.
 */
export function resolveSettings(integration: IntegrationDefinition, context: Record<string, unknown> = {}): OAuth2Settings {
  const creds = oauth2Credentials(integration);
  if (!creds) throw errors.badRequest(`${integration.label} does not use oauth2 credentials`);
  const c = creds.config;
  const scope = { context, credentials: context };
  const text = (value: string | undefined, what: string): string => {
    const out = value === undefined ? '' : String(renderValue(value, scope) ?? '');
    if (out.includes('{{')) throw errors.badRequest(`${integration.label} OAuth ${what} is not configured: ${value} does not resolve`);
    return out;
  };
  const tokenHost = text(c.auth.tokenHost, 'token host');
  const tokenPath = text(c.auth.tokenPath ?? DEFAULT_TOKEN_PATH, 'token path');
  return {
    label: integration.label,
    grantType: c.grant_type,
    clientId: text(c.client.id, 'client id'),
    clientSecret: text(c.client.secret, 'client secret'),
    tokenUrl: joinUrl(tokenHost, tokenPath),
    refreshUrl: joinUrl(tokenHost, c.auth.refreshPath ? text(c.auth.refreshPath, 'refresh path') : tokenPath),
    authorizeUrl: joinUrl(
      c.auth.authorizeHost ? text(c.auth.authorizeHost, 'authorize host') : tokenHost,
      c.auth.authorizePath ? text(c.auth.authorizePath, 'authorize path') : DEFAULT_AUTHORIZE_PATH,
    ),
    scope: c.scope,
    requestFormat: c.token_request_format ?? 'form',
    clientAuth: c.client_auth ?? 'body',
    skewSeconds: c.refresh_skew_seconds ?? DEFAULT_SKEW_SECONDS,
    defaultExpiresIn: c.default_expires_in,
    authorizeParams: c.authorize_params ?? {},
    retryOn401: c.retry_on_401 ?? true,
  };
}

/**
 * What an oauth2 account must hold when it is created or its credentials change: an
 * authorization-code account needs a token (from the connect flow, or imported as
 * `context.oauth.token`); a client-credentials account fetches its own on first use.
 */
export function checkOAuth2Context(integration: IntegrationDefinition, context: Record<string, unknown>): void {
  const creds = oauth2Credentials(integration);
  if (!creds || creds.config.grant_type !== 'authorization_code') return;
  const oauth = context.oauth as { token?: Record<string, unknown> } | undefined;
  const token = oauth && typeof oauth === 'object' ? oauth.token : undefined;
  const has = (k: string) => typeof token?.[k] === 'string' && token[k] !== '';
  if (has('access_token') || has('refresh_token')) return;
  throw errors.validation(
    `${integration.label} uses OAuth: connect the account through POST /oauth2/authorize (docs/oauth2.md), or import a token as context.oauth.token = {access_token, refresh_token?, expires_in?}`,
    [{ path: 'context.oauth.token.access_token', message: 'required (or context.oauth.token.refresh_token)' }],
  );
}
