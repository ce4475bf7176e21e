/** The shapes of the public API this page reads (docs/contract.md §10.1, §3.2; docs/platform.md). */
export type AccountStatus = 'active' | 'connecting' | 'post_install_error' | 'validation_error' | 'needs_reauth';

export const ACCOUNT_STATUSES: AccountStatus[] = ['active', 'connecting', 'post_install_error', 'validation_error', 'needs_reauth'];

export interface Account {
  id: string;
  tenant_id: string;
  environment_id: string;
  environment_integration_id: string | null;
  integration: { id: string; name: string; category: string };
  status: AccountStatus | string;
  is_sandbox: boolean;
  is_blocked?: boolean;
  authentication_method: string;
  region?: string;
  context: Record<string, unknown>;
  last_error: string | null;
  unified_model_override?: Record<string, unknown>;
  integration_override?: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export interface EnvironmentIntegration {
  id: string;
  integration_id: string;
  integration: { id: string; name: string; label: string; category: string };
  is_enabled: boolean;
  show_in_catalog: boolean;
}

export interface Capabilities {
  integration: { id: string; name: string; label: string; category: string };
  proxy: { resource: string; methods: { method: string; name: string; description: string }[] }[];
  unified: { model: string; model_label: string; resource: string; description: string; methods: string[]; env_overridden: boolean }[];
  auth: { formats: string[]; fields: { name: string; label: string; type: string; required: boolean }[]; documentation_link?: string };
  ai_readiness?: { proxy_methods: number; proxy_methods_with_descriptions: number; ai_ready_score: number };
  account?: { id: string; status: string; authentication_method: string; is_blocked: boolean };
}

export interface LinkToken {
  connect_url: string;
  expires_at: string;
}
