import { AdminResource, seg } from './admin-resource.ts';
import type { RequestOptions } from './http.ts';
import type { DeleteResult } from './unified-api.ts';

/**
 * The platform resources (docs/platform.md): the caller's environment, its API tokens, its
 * environment-integrations and the unified models the server serves. Named as Truto's SDK names
 * them (`environment`, `apiToken`, `environmentIntegration`, `unifiedModel`); lists are cursors
 * over the admin envelope `{ result, next_cursor, limit }`.
 */

export interface Environment {
  id: string;
  name: string;
  team_id: string | null;
  created_at: string;
  updated_at: string;
  [key: string]: unknown;
}

export type TokenRole = 'admin' | 'standard';

export interface ApiToken {
  id: string;
  name: string;
  environment_id: string;
  role?: TokenRole;
  created_by: string | null;
  expires_at: string | null;
  created_at: string;
  updated_at: string;
  [key: string]: unknown;
}

/** What POST /api-token answers: the token and, this once, its secret. */
export interface CreatedApiToken extends ApiToken {
  token: string;
}

export interface CreateApiToken {
  name: string;
  /** ISO 8601, in the future; omitted or null: the token never expires. */
  expires_at?: string | Date | null;
  /** Default `standard`; only an admin token may create or delete tokens. */
  role?: TokenRole;
}

export interface EnvironmentIntegration {
  id: string;
  integration_id: string;
  integration: { id: string; name: string; label?: string; category?: string; [key: string]: unknown };
  environment_id: string;
  override: Record<string, unknown>;
  is_enabled: boolean;
  is_active?: boolean;
  show_in_catalog: boolean;
  created_at: string;
  updated_at: string;
  [key: string]: unknown;
}

export interface UpdateEnvironmentIntegration {
  /** Replaces the whole override. */
  override?: Record<string, unknown>;
  is_enabled?: boolean;
  is_active?: boolean;
  show_in_catalog?: boolean;
}

export interface InstallEnvironmentIntegration extends UpdateEnvironmentIntegration {
  integration_id: string;
}

export interface UnifiedModelInfo {
  id: string;
  name: string;
  category: string;
  description: string;
  resources: Record<string, { description: string; methods: string[]; schema: Record<string, unknown>; [key: string]: unknown }>;
  [key: string]: unknown;
}

export class EnvironmentApi extends AdminResource<Environment> {
  protected readonly path = 'environment';

  /** Renames the environment; a name another environment has is a 409. */
  update(id: string, body: { name: string }, request?: RequestOptions): Promise<Environment> {
    return this.http.request<Environment>('PATCH', `${this.path}/${seg(id)}`, { ...request, body });
  }
}

export class ApiTokenApi extends AdminResource<ApiToken> {
  protected readonly path = 'api-token';

  /** Needs an admin token. Keep `token` from the answer: it is never shown again. */
  create(body: CreateApiToken, request?: RequestOptions): Promise<CreatedApiToken> {
    const expires = body.expires_at instanceof Date ? body.expires_at.toISOString() : body.expires_at;
    return this.http.request<CreatedApiToken>('POST', this.path, { ...request, body: { ...body, ...(expires !== undefined ? { expires_at: expires } : {}) } });
  }

  /** Needs an admin token; deleting the token in use is allowed (its next call gets 401). */
  delete(id: string, request?: RequestOptions): Promise<DeleteResult> {
    return this.http.request<DeleteResult>('DELETE', `${this.path}/${seg(id)}`, request);
  }
}

export class EnvironmentIntegrationApi extends AdminResource<EnvironmentIntegration> {
  protected readonly path = 'environment-integration';

  /** Installs an integration in the environment (idempotent). */
  create(body: InstallEnvironmentIntegration, request?: RequestOptions): Promise<EnvironmentIntegration> {
    return this.http.request<EnvironmentIntegration>('POST', this.path, { ...request, body });
  }

  update(id: string, body: UpdateEnvironmentIntegration, request?: RequestOptions): Promise<EnvironmentIntegration> {
    return this.http.request<EnvironmentIntegration>('PATCH', `${this.path}/${seg(id)}`, { ...request, body });
  }

  /** Uninstalls: deletes every integrated account of the integration in the environment. */
  delete(id: string, request?: RequestOptions): Promise<DeleteResult> {
    return this.http.request<DeleteResult>('DELETE', `${this.path}/${seg(id)}`, request);
  }
}

export class UnifiedModelApi extends AdminResource<UnifiedModelInfo> {
  protected readonly path = 'unified-model';
}
