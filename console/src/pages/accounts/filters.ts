import type { Query } from '../../api.ts';

/**
 * The list's filters live in the page URL (/console/accounts?integration_name=neon&status=active),
 * so a reload or a shared link shows the same list. Never the token: that stays in sessionStorage.
 * `integration` itself is not used as a key: the connect page's redirect adds `integration=<name>`.
 */
export interface AccountFilters {
  integration: string;
  status: string;
  tenant: string;
  /** Client-side search over what is loaded: id or tenant. */
  search: string;
}

const KEYS: Record<keyof AccountFilters, string> = { integration: 'integration_name', status: 'status', tenant: 'tenant_id', search: 'q' };

export function filtersFromQuery(query: Record<string, string>): AccountFilters {
  return {
    integration: query[KEYS.integration] ?? '',
    status: query[KEYS.status] ?? '',
    tenant: query[KEYS.tenant] ?? '',
    search: query[KEYS.search] ?? '',
  };
}

export function listUrl(filters: AccountFilters): string {
  const params = new URLSearchParams();
  for (const [name, key] of Object.entries(KEYS) as [keyof AccountFilters, string][]) {
    const value = filters[name].trim();
    if (value) params.set(key, value);
  }
  const search = params.toString();
  return search ? `/console/accounts?${search}` : '/console/accounts';
}

/** The server-side filters of GET /integrated-account (docs/contract.md §4.1); an empty one is left out, as the API refuses `x=`. */
export function apiQuery(filters: AccountFilters, limit: number): Query {
  const query: Query = { limit };
  if (filters.integration) query['integration.name'] = filters.integration;
  if (filters.status) query.status = filters.status;
  if (filters.tenant.trim()) query.tenant_id = filters.tenant.trim();
  return query;
}

export function matchesSearch(account: { id: string; tenant_id: string }, search: string): boolean {
  const needle = search.trim().toLowerCase();
  return !needle || account.id.toLowerCase().includes(needle) || account.tenant_id.toLowerCase().includes(needle);
}
