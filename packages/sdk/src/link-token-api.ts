import type { HttpClient, RequestOptions } from './http.ts';

/**
 * POST /link-token (docs/connect.md): a single-use, 7-day token for the hosted connect page, where
 * a person connects one account for `tenant_id` without ever seeing an API token.
 *
 *   const { connect_url } = await tessera.linkToken.create({ tenant_id: 'acme', integration: 'neon' });
 *
 * Truto's SDK method names are here too: createForNewIntegration, createForExistingIntegratedAccount.
 */

export type Region = 'wnam' | 'enam' | 'apac' | 'eu';

export interface CreateLinkToken {
  /** The end customer the account will belong to; required unless reconnecting. */
  tenant_id?: string;
  /** Offer only this integration (else every integration of the environment). */
  integration?: string;
  /** Reconnect this account instead: the page replaces its credentials. */
  integrated_account_id?: string;
  /** With integrated_account_id: keep the account's other context (default: replace it). */
  persist_previous_context?: boolean;
  /** Absolute http(s) URL the page sends the person to afterwards, with `integrated_account_id` and `integration` added. */
  redirect_uri?: string;
  /** Merged into the new account's context. */
  context?: Record<string, unknown>;
  region?: Region;
  /** OAuth scopes to ask for (OAuth integrations). */
  scopes?: string[];
  environment_unified_model_id?: string;
  unified_model_id?: string;
  /** Tessera's: the new account's integration_override (needs `integration`). */
  integration_override?: Record<string, unknown>;
}

export interface LinkToken {
  /** Shown only in this answer. */
  link_token: string;
  id: string;
  tenant_id: string;
  integration: string | null;
  integrated_account_id: string | null;
  redirect_uri: string | null;
  /** The hosted page with the token: open it, or hand it to the link SDK. */
  connect_url: string;
  expires_at: string;
  created_at: string;
}

export class LinkTokenApi {
  constructor(private readonly http: HttpClient) {}

  create(body: CreateLinkToken, request?: RequestOptions): Promise<LinkToken> {
    return this.http.request<LinkToken>('POST', 'link-token', { ...request, body });
  }

  /** Truto's SDK name: a token to connect a new account for `tenant_id`. */
  createForNewIntegration(options: { tenant_id: string; unified_model_id?: string }, request?: RequestOptions): Promise<LinkToken> {
    return this.create(options, request);
  }

  /** Truto's SDK name: a token to reconnect an existing account. */
  createForExistingIntegratedAccount(options: { integrated_account_id: string; unified_model_id?: string }, request?: RequestOptions): Promise<LinkToken> {
    return this.create(options, request);
  }
}
