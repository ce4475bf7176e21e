import { z } from 'zod';
import { errors } from '../errors/catalogue.ts';
import { storedText } from '../query/safe-input.ts';
import type { ApiTokenRecord, Store } from '../store/types.ts';
import { issueApiToken, type Principal } from './tokens.ts';

/** An API token as the API shows it (docs/contract.md §1.2): never its hash; the secret only once, on create. */
export interface ApiTokenView {
  id: string;
  name: string;
  environment_id: string;
  role: 'admin' | 'standard';
  created_by: string | null;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
}

export const createTokenBody = z
  .object({
    name: storedText({ maxLength: 255 }).refine((v) => v.trim() !== '', 'must not be blank'),
    expires_at: z.iso.datetime({ offset: true }).nullable().optional(),
    role: z.enum(['admin', 'standard']).optional(),
  })
  .strict();

export function apiTokenView(t: ApiTokenRecord): ApiTokenView {
  return {
    id: t.id,
    name: t.name,
    environment_id: t.environment_id,
    role: t.role === 'standard' ? 'standard' : 'admin',
    created_by: t.created_by,
    expires_at: t.expires_at,
    created_at: t.created_at,
    updated_at: t.updated_at,
  };
}

/**
 * API tokens of the caller's environment. The contract says an API token cannot create or delete
 * API tokens; Tessera has no dashboard to do it instead, so tokens carry a role and only an `admin`
 * token may (the operator's bootstrap, CLI and sandbox tokens are admin). Integrated-account tokens
 * are not API tokens: they are never listed, fetched or deleted here.
 */
export class ApiTokensService {
  constructor(private readonly deps: { store: Store }) {}

  async get(environmentId: string, id: string): Promise<ApiTokenRecord> {
    const token = await this.deps.store.getApiToken(id);
    if (!token || token.environment_id !== environmentId || token.role === 'integrated_account') throw errors.notFound(`API token ${id} not found`);
    return token;
  }

  async create(caller: Principal, input: z.infer<typeof createTokenBody>): Promise<ApiTokenView & { token: string }> {
    requireAdmin(caller, 'create');
    let expiresAt: string | null = null;
    if (input.expires_at) {
      const at = new Date(input.expires_at);
      if (at.getTime() <= Date.now())
        throw errors.validation(`expires_at must be in the future; got ${input.expires_at}`, [{ path: 'expires_at', message: 'must be in the future' }]);
      // Stored as toISOString writes it: authenticate compares expiry as text.
      expiresAt = at.toISOString();
    }
    const { token, record } = await issueApiToken(this.deps.store, caller.environmentId, input.name, {
      role: input.role ?? 'standard',
      expires_at: expiresAt,
      created_by: caller.tokenId,
    });
    return { ...apiTokenView(record), token };
  }

  /** Deleting the token making the call is allowed: the call completes, the next one gets 401. */
  async delete(caller: Principal, id: string): Promise<{ id: string }> {
    requireAdmin(caller, 'delete');
    const token = await this.get(caller.environmentId, id);
    await this.deps.store.deleteApiToken(token.id);
    return { id: token.id };
  }
}

/** Before the body is read: a standard token hears it lacks the role, not what its body got wrong. */
export function requireAdmin(caller: Principal, verb: 'create' | 'delete') {
  if (caller.role !== 'admin')
    throw errors.forbidden(
      `Only an admin API token can ${verb} API tokens; this token's role is ${caller.role}. Use the operator's token or one created with role "admin"`,
    );
}
