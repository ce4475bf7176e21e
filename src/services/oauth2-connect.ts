import { z } from 'zod';
import {
  authorizationUrl,
  CONNECT_STATE_TTL_MS,
  exchangeAuthorizationCode,
  oauth2Credentials,
  openState,
  pkcePair,
  sealState,
  type ConnectState,
} from '../engine/oauth2/index.ts';
import { errors } from '../errors/catalogue.ts';
import type { IntegrationDefinition } from '../integrations/definition-schema.ts';
import type { IntegratedAccountRecord } from '../store/types.ts';
import type { SecretBox } from '../store/secret-box.ts';
import { createAccountBody, type IntegratedAccountsService } from './integrated-accounts.ts';

/** What the connect flow needs: the accounts it creates or reconnects, the box that seals its state. */
export interface OAuth2ConnectDeps {
  accounts: IntegratedAccountsService;
  box: SecretBox;
  /** TESSERA_PUBLIC_URL, when set: the default redirect URI's origin. */
  publicUrl?: string;
}

/**
 * Connecting an authorization-code account without Truto's connect UI (docs/oauth2.md): an admin
 * asks for the provider's authorize URL, a person consents there, and the provider redirects to
 * `/oauth2/callback`, which exchanges the code and creates (or reconnects) the integrated account.
 */
export const authorizeBody = z
  .object({
    integration: z.string().min(1).optional(),
    tenant_id: z.string().min(1).optional(),
    /** Reconnect this account (e.g. one that needs re-authentication) instead of creating one. */
    integrated_account_id: z.string().uuid().optional(),
    /** Must be registered with the provider; default `{TESSERA_PUBLIC_URL or this server}/oauth2/callback`. */
    redirect_uri: z.string().url().optional(),
    scope: z.array(z.string()).optional(),
    context: z.record(z.string(), z.unknown()).default({}),
    integration_override: z.record(z.string(), z.unknown()).default({}),
    return_url: z.string().url().optional(),
  })
  .strict();

export interface AuthorizeResult {
  authorize_url: string;
  state: string;
  redirect_uri: string;
  expires_at: string;
}

export const CALLBACK_PATH = '/oauth2/callback';

function requireCodeGrant(def: IntegrationDefinition) {
  const creds = oauth2Credentials(def);
  if (!creds || creds.config.grant_type !== 'authorization_code') {
    throw errors.badRequest(`${def.label} does not use the OAuth authorization-code grant; create its integrated account with POST /integrated-account`);
  }
}

export async function startAuthorization(
  app: OAuth2ConnectDeps,
  environmentId: string,
  input: z.infer<typeof authorizeBody>,
  origin: string,
): Promise<AuthorizeResult> {
  let integration: IntegrationDefinition;
  let context: Record<string, unknown>;
  if (input.integrated_account_id) {
    const account = await app.accounts.get(environmentId, input.integrated_account_id);
    if (input.integration && input.integration !== account.integration) {
      throw errors.badRequest(`Integrated account ${account.id} belongs to integration ${account.integration}, not ${input.integration}`);
    }
    if (Object.keys(input.integration_override).length) throw errors.badRequest('integration_override applies to new accounts; PATCH the account to change it');
    integration = await app.accounts.integrationFor(account);
    context = { ...account.context, ...input.context };
  } else {
    if (!input.integration) throw errors.missingBody(['integration']);
    if (!input.tenant_id) throw errors.missingBody(['tenant_id']);
    app.accounts.checkIntegrationOverride(input.integration, input.integration_override);
    app.accounts.integrationOf(input.integration); // an unknown integration is a 404 before anything else
    integration = await app.accounts.integrationFor({
      environment_id: environmentId,
      integration: input.integration,
      integration_override: input.integration_override,
    });
    context = input.context;
  }
  requireCodeGrant(integration);
  const redirectUri = input.redirect_uri ?? `${(app.publicUrl ?? origin).replace(/\/+$/, '')}${CALLBACK_PATH}`;
  const { verifier, challenge } = pkcePair();
  const expiresAt = Date.now() + CONNECT_STATE_TTL_MS;
  const state: ConnectState = {
    v: 1,
    environment_id: environmentId,
    integration: integration.name,
    integrated_account_id: input.integrated_account_id,
    tenant_id: input.tenant_id,
    redirect_uri: redirectUri,
    code_verifier: verifier,
    context: input.context,
    integration_override: input.integration_override,
    return_url: input.return_url,
    expires_at: expiresAt,
  };
  const sealed = sealState(app.box, state);
  return {
    authorize_url: authorizationUrl(integration, { redirect_uri: redirectUri, state: sealed, scope: input.scope, code_challenge: challenge }, context),
    state: sealed,
    redirect_uri: redirectUri,
    expires_at: new Date(expiresAt).toISOString(),
  };
}

export interface CallbackResult {
  account: IntegratedAccountRecord;
  returnUrl?: string;
}

/**
 * The callback is a browser landing from the provider: a 422 there would strand the user on a JSON
 * page, and the tokens they just granted would be lost. So a failed validation keeps the account
 * (status validation_error, last_error) and the redirect to return_url reports that status; the
 * app can send the user through a reconnect. The API routes answer 422 instead (docs/contract.md §10.3).
 */
const KEEP = { keepOnValidationError: true } as const;

/** The provider's redirect: `?code&state`, or `?error&error_description&state` when the person declined. */
export async function completeAuthorization(app: OAuth2ConnectDeps, query: Record<string, string | undefined>): Promise<CallbackResult> {
  if (!query.state) throw errors.missingQuery(['state']);
  const state = openState(app.box, query.state);
  if (query.error) {
    const detail = query.error_description ? `: ${query.error_description.slice(0, 300)}` : '';
    throw errors.badRequest(`The provider did not authorize the connection (${query.error.slice(0, 100)}${detail}); start again with POST /oauth2/authorize`);
  }
  if (!query.code) throw errors.missingQuery(['code']);
  const exchange = { code: query.code, redirect_uri: state.redirect_uri, code_verifier: state.code_verifier };

  if (state.integrated_account_id) {
    const account = await app.accounts.get(state.environment_id, state.integrated_account_id);
    const integration = await app.accounts.integrationFor(account);
    const { oauth } = await exchangeAuthorizationCode(integration, exchange, { ...account.context, ...state.context });
    // PATCH semantics: new credentials re-run validation, which is how needs_reauth ends.
    const updated = await app.accounts.patch(state.environment_id, account.id, { context: { ...state.context, oauth } }, KEEP);
    return { account: updated, returnUrl: state.return_url };
  }
  const integration = await app.accounts.integrationFor({ ...state, environment_id: state.environment_id, integration: state.integration! });
  const { oauth } = await exchangeAuthorizationCode(integration, exchange, state.context);
  const account = await app.accounts.create(
    state.environment_id,
    createAccountBody.parse({
      tenant_id: state.tenant_id,
      integration: state.integration,
      authentication_method: 'oauth2',
      context: { ...state.context, oauth },
      integration_override: state.integration_override,
    }),
    KEEP,
  );
  return { account, returnUrl: state.return_url };
}
