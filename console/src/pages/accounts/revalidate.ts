import type { Api } from '../../api.ts';
import type { Account } from './types.ts';

export interface RevalidateResult {
  account: Account;
  ok: boolean;
  message: string;
}

/**
 * "Re-validate": an OAuth account's token is refreshed first (POST /integrated-account/refresh-credentials),
 * then POST /integrated-account/{id}/validate runs the integration's validation with the stored
 * credentials and records the verdict (active, or validation_error with last_error), whatever the
 * account's status was. The answer is the account as it is now.
 */
export async function revalidate(api: Api, account: Account): Promise<RevalidateResult> {
  const notes: string[] = [];
  if (account.authentication_method === 'oauth2') {
    try {
      await api.post('/integrated-account/refresh-credentials', { id: account.id });
      notes.push('The OAuth token was refreshed.');
    } catch (e) {
      notes.push(`The OAuth refresh failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  const after = await api.post<Account>(`/integrated-account/${encodeURIComponent(account.id)}/validate`);
  const ok = after.status === 'active';
  notes.push(
    ok ? 'The provider accepted the credentials: the account is active.' : `The provider refused the credentials: ${after.last_error ?? after.status}`,
  );
  return { account: after, ok, message: notes.join(' ') };
}
