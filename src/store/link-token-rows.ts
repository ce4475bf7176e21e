/** Link tokens: single-use, 7-day tokens for the hosted connect page (docs/connect.md). */
export interface LinkTokenRecord {
  id: string;
  /** SHA-256 of the token (services/tokens.ts hashToken): the token itself is never stored. */
  token_hash: string;
  environment_id: string;
  tenant_id: string;
  /** The one integration the page offers, or null for every integration of the environment. */
  integration: string | null;
  /** Set for a reconnect: the account whose credentials the page replaces. */
  integrated_account_id: string | null;
  redirect_uri: string | null;
  region: string | null;
  /** Merged into the new account's context (plaintext here; sealed inside the store). */
  context: Record<string, unknown>;
  persist_previous_context: boolean;
  integration_override: Record<string, unknown>;
  scopes: string[] | null;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export interface LinkTokenRows {
  create(record: LinkTokenRecord): Promise<LinkTokenRecord>;
  findByHash(tokenHash: string): Promise<LinkTokenRecord | undefined>;
  /**
   * Marks the token used at `at` unless it already is: true only for the one caller that marked it,
   * so two submissions racing with one token cannot both connect.
   */
  claim(id: string, at: string): Promise<boolean>;
  /** Undoes this caller's claim (the attempt failed): the token is usable again. */
  release(id: string, at: string): Promise<void>;
  /** Removes tokens that expired before `before`; returns how many. */
  deleteExpired(before: string): Promise<number>;
}
