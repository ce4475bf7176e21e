import { AdminResource, seg } from './admin-resource.ts';
import type { ListEnvelope } from './cursor.ts';
import type { RequestOptions } from './http.ts';
import type { DeleteResult } from './unified-api.ts';

/**
 * The admin API (docs/contract.md §10): integrated accounts and integrations. Lists are cursors
 * over the admin envelope `{ result, next_cursor, limit }`.
 */

export interface IntegratedAccount {
  id: string;
  tenant_id: string;
  environment_id?: string;
  environment_integration_id?: string | null;
  integration: { id: string; name: string; category?: string; [key: string]: unknown };
  status: string;
  is_sandbox?: boolean;
  is_blocked?: boolean;
  authentication_method?: string;
  region?: string;
  context: Record<string, unknown>;
  last_error?: unknown;
  created_at: string;
  updated_at: string;
  [key: string]: unknown;
}

export interface CreateIntegratedAccount {
  tenant_id: string;
  /** The integration's name, e.g. 'neon' (Tessera). Truto takes `environment_integration_id` instead. */
  integration?: string;
  /** Credentials and settings, e.g. `{ api_key }`; credentials come back redacted. */
  context: Record<string, unknown>;
  authentication_method?: string;
  region?: 'wnam' | 'enam' | 'apac' | 'eu';
  is_sandbox?: boolean;
  unified_model_override?: Record<string, unknown>;
  /** Deep-merged over the integration definition for this account, e.g. `{ base_url }`. */
  integration_override?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface UpdateIntegratedAccount {
  tenant_id?: string;
  /** Merged shallowly into the stored context. */
  context?: Record<string, unknown>;
  unified_model_override?: Record<string, unknown>;
  integration_override?: Record<string, unknown>;
  is_blocked?: boolean;
  region?: 'wnam' | 'enam' | 'apac' | 'eu';
  [key: string]: unknown;
}

export interface Integration {
  id: string;
  name: string;
  label?: string;
  category?: string;
  is_beta?: boolean;
  [key: string]: unknown;
}

export type AdminQuery = Record<string, unknown>;

export interface AccountWriteOptions extends RequestOptions {
  /** Keep the account (or save the PATCH) as `validation_error` instead of rejecting (`?keep_on_validation_error=true`). */
  keepOnValidationError?: boolean;
}

const keepQuery = (keep: boolean | undefined) => (keep ? { keep_on_validation_error: 'true' } : undefined);

export class IntegratedAccountsApi extends AdminResource<IntegratedAccount> {
  protected readonly path = 'integrated-account';

  /**
   * Connects an account. Credentials the provider refuses reject with a 422
   * (`TESSERA_ACCOUNT_VALIDATION_FAILED`) and nothing is kept, unless `keepOnValidationError`:
   * then the account is returned with `status: 'validation_error'` and `last_error`.
   */
  create(body: CreateIntegratedAccount, request?: AccountWriteOptions): Promise<IntegratedAccount> {
    const { keepOnValidationError, ...rest } = request ?? {};
    return this.http.request<IntegratedAccount>('POST', this.path, { ...rest, body, query: keepQuery(keepOnValidationError) });
  }

  /** PATCH: `context` is merged shallowly by the server; new credentials are validated like create's. */
  update(id: string, body: UpdateIntegratedAccount, request?: AccountWriteOptions): Promise<IntegratedAccount> {
    const { keepOnValidationError, ...rest } = request ?? {};
    return this.http.request<IntegratedAccount>('PATCH', `${this.path}/${seg(id)}`, { ...rest, body, query: keepQuery(keepOnValidationError) });
  }

  delete(id: string, request?: RequestOptions): Promise<DeleteResult> {
    return this.http.request<DeleteResult>('DELETE', `${this.path}/${seg(id)}`, request);
  }

  /**
   * GET /integrated-account/{id}/tools (docs/tools.md): the account's methods as tools with JSON
   * Schemas. Sends what Truto's SDK sends, `methods=list,get&tags=a,b`, and returns the array.
   */
  async tools(id: string, methods?: string[], tags?: string[], request?: RequestOptions): Promise<AccountTool[]> {
    const query = { methods: methods?.join(','), tags: tags?.join(',') };
    return (await this.http.request<ListEnvelope<AccountTool>>('GET', `${this.path}/${seg(id)}/tools`, { ...request, query })).result;
  }
}

/** One tool of GET /integrated-account/{id}/tools. */
export interface AccountTool {
  name: string;
  description: string;
  kind: 'unified' | 'proxy';
  model?: string;
  resource: string;
  method: string;
  query_schema: Record<string, unknown>;
  body_schema: Record<string, unknown>;
  required: string[];
  tags: string[];
}

export class IntegrationsApi extends AdminResource<Integration> {
  protected readonly path = 'integration';
}
