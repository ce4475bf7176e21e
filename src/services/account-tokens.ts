import { errors } from '../errors/catalogue.ts';
import { refreshNow } from '../engine/oauth2/index.ts';
import type { Store } from '../store/types.ts';
import type { AccountAccess } from './account-access.ts';
import { issueApiToken, type Principal } from './tokens.ts';

/** An integrated-account token lives 15 minutes (docs/platform.md). */
export const ACCOUNT_TOKEN_TTL_MS = 15 * 60_000;
/** Expired account tokens are swept at most this often, on issue: the table stays small without a timer. */
const SWEEP_EVERY_MS = 60_000;

export interface IssuedAccountToken {
  integrated_account_token: string;
  integrated_account_id: string;
  expires_at: string;
}

/**
 * Integrated-account tokens and the account-scoped operations behind them: issue one for an account
 * of the caller's environment, and refresh an account's OAuth credentials now.
 */
export class AccountTokensService {
  private lastSweep = 0;

  constructor(private readonly deps: { store: Store; access: AccountAccess }) {}

  async issue(principal: Principal, accountId: string): Promise<IssuedAccountToken> {
    const account = await this.deps.access.get(principal.environmentId, accountId);
    await this.sweepExpired();
    const expires_at = new Date(Date.now() + ACCOUNT_TOKEN_TTL_MS).toISOString();
    const { token } = await issueApiToken(this.deps.store, principal.environmentId, `integrated-account ${account.id}`, {
      role: 'integrated_account',
      integrated_account_id: account.id,
      expires_at,
      created_by: principal.tokenId,
    });
    return { integrated_account_token: token, integrated_account_id: account.id, expires_at };
  }

  /** Runs the OAuth refresh now; a refused refresh marks the account needs_reauth, as before a call. */
  async refreshCredentials(environmentId: string, accountId: string): Promise<{ success: true }> {
    // Through the environment's layer: its override may move the token endpoint, and a disabled integration is refused.
    const account = await this.deps.access.environmentLayer(await this.deps.access.get(environmentId, accountId));
    const outcome = await refreshNow(this.deps.access.execution(account));
    if (outcome === 'not_oauth2')
      throw errors.invalidBody(`Integrated account ${account.id} uses ${account.authentication_method} credentials: there is no token to refresh`);
    if (outcome === 'no_refresh_token')
      throw errors.conflict(`Integrated account ${account.id} has no refresh token: reconnect it (a link token or the OAuth flow) to get new credentials`);
    return { success: true };
  }

  private async sweepExpired() {
    const now = Date.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    await this.deps.store.deleteAccountTokens({ expired_before: new Date(now).toISOString() });
  }
}
