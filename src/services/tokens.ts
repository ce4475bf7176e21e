import crypto, { createHash, randomBytes, randomUUID } from 'node:crypto';
import { errors } from '../errors/catalogue.ts';
import type { ApiTokenRecord, EnvironmentRecord, Store, TokenRole } from '../store/types.ts';
import { requestPathCaches } from './cache/request-path-caches.ts';

/** API tokens are random secrets shown once; only their SHA-256 is stored. */
export const TOKEN_PREFIX = 'tsk_';

export function hashToken(token: string): string {
  // The one-shot hash (Node 20.12+) skips the Hash object every authenticated request built.
  return typeof crypto.hash === 'function' ? crypto.hash('sha256', token, 'hex') : createHash('sha256').update(token).digest('hex');
}

export interface IssuedToken {
  token: string;
  record: ApiTokenRecord;
}

export interface TokenOptions {
  /** Default `admin`: the operator's tokens (bootstrap, CLI, sandbox) may manage API tokens. */
  role?: TokenRole;
  expires_at?: string | null;
  integrated_account_id?: string | null;
  created_by?: string | null;
}

export async function issueApiToken(store: Store, environmentId: string, name: string, options: TokenOptions = {}): Promise<IssuedToken> {
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const ts = new Date().toISOString();
  const record = await store.createApiToken({
    id: randomUUID(),
    environment_id: environmentId,
    name,
    token_hash: hashToken(token),
    expires_at: options.expires_at ?? null,
    revoked_at: null,
    role: options.role ?? 'admin',
    integrated_account_id: options.integrated_account_id ?? null,
    created_by: options.created_by ?? null,
    created_at: ts,
    updated_at: ts,
  });
  return { token, record };
}

export async function ensureEnvironment(store: Store, name: string): Promise<EnvironmentRecord> {
  const existing = await store.findEnvironmentByName(name);
  if (existing) return existing;
  const ts = new Date().toISOString();
  return store.createEnvironment({ id: randomUUID(), name, created_at: ts, updated_at: ts });
}

export interface Principal {
  environmentId: string;
  tokenId: string;
  role: TokenRole;
  /** Set for an integrated-account token: the only account it reaches (http/account-token-scope.ts). */
  integratedAccountId?: string;
}

export async function authenticate(store: Store, authorization: string | undefined): Promise<Principal> {
  if (authorization === undefined || authorization.trim() === '')
    throw errors.unauthorized('Missing Authorization header: send Authorization: Bearer <API token>');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw errors.unauthorized('The Authorization header must use the Bearer scheme: Authorization: Bearer <API token>');
  const hash = hashToken(match[1]);
  // Cached by hash (a deleted token is dropped at once here, within the TTL on other replicas);
  // revocation and expiry are read from the row on every call, never remembered as a verdict.
  const caches = requestPathCaches(store);
  const record = caches ? await caches.tokens.get(hash, () => store.findApiTokenByHash(hash)) : await store.findApiTokenByHash(hash);
  if (!record || record.revoked_at) throw errors.unauthorized();
  if (record.expires_at && record.expires_at <= new Date().toISOString())
    throw errors.unauthorized(
      record.role === 'integrated_account'
        ? `The integrated-account token expired at ${record.expires_at}; request a new one with POST /integrated-account/token`
        : `The API token expired at ${record.expires_at}; create a new one`,
    );
  const principal: Principal = { environmentId: record.environment_id, tokenId: record.id, role: record.role };
  if (record.role === 'integrated_account' && record.integrated_account_id) principal.integratedAccountId = record.integrated_account_id;
  return principal;
}
