import { z } from 'zod';
import { errors } from '../errors/catalogue.ts';
import type { Catalog } from '../integrations/catalog.ts';
import { integrationSchema, type IntegrationDefinition } from '../integrations/definition-schema.ts';
import { effectiveIntegration } from '../integrations/effective-integration.ts';
import { checkIntegrationOverride, type OverrideRules } from '../integrations/override-secrets.ts';
import { validateIntegrationOverride } from '../integrations/override-validation.ts';
import { nameText } from '../query/safe-input.ts';
import type { EnvironmentIntegrationRecord } from '../store/environment-integration-rows.ts';
import type { Store } from '../store/types.ts';
import { environmentIntegrationId, integrationForId } from './environment-integration-id.ts';

/**
 * Environment-integrations (docs/platform.md): every bundled integration is installed in every
 * environment by default, so a deployment that predates them keeps working and a new environment
 * needs no set-up. A row stores only what an environment changed; an absent row reads as
 * "installed, enabled, shown, no override". Ids are derived (environment-integration-id.ts).
 */
export interface EnvironmentIntegrationView {
  id: string;
  integration_id: string;
  integration: { id: string; name: string; label: string; category: string };
  environment_id: string;
  override: Record<string, unknown>;
  is_enabled: boolean;
  /** The same value as is_enabled: Truto's sources use both names (docs/contract.md §2). */
  is_active: boolean;
  show_in_catalog: boolean;
  created_at: string;
  updated_at: string;
}

const override = z.record(z.string(), z.unknown());
const flags = {
  override: override.optional(),
  is_enabled: z.boolean().optional(),
  is_active: z.boolean().optional(),
  show_in_catalog: z.boolean().optional(),
};
export const installBody = z.object({ integration_id: nameText(), ...flags }).strict();
export const updateBody = z.object(flags).strict();

export interface EnvironmentIntegrationsDeps {
  store: Store;
  catalog: Catalog;
  overrideRules: OverrideRules;
  /** Deletes one account the way DELETE /integrated-account does (its tokens and events included). */
  deleteAccount: (environmentId: string, accountId: string) => Promise<unknown>;
}

/** The data-plane gate: why an account of this integration may not be used now, or undefined. */
export function refusal(integration: string, environmentId: string, row: EnvironmentIntegrationRecord | undefined): string | undefined {
  if (!row) return undefined;
  if (!row.is_installed)
    return `Integration ${integration} is not installed in this environment; install it with POST /environment-integration {"integration_id": "${integration}"}`;
  if (!row.is_enabled)
    return `Integration ${integration} is disabled in this environment; enable it with PATCH /environment-integration/${environmentIntegrationId(environmentId, integration)} {"is_enabled": true}`;
  return undefined;
}

export class EnvironmentIntegrationsService {
  constructor(private readonly deps: EnvironmentIntegrationsDeps) {}

  /** Installed ones only, in catalog order. */
  async list(environmentId: string): Promise<EnvironmentIntegrationView[]> {
    const rows = new Map((await this.deps.store.environmentIntegrations.list(environmentId)).map((r) => [r.integration, r]));
    const since = await this.createdAt(environmentId);
    const out: EnvironmentIntegrationView[] = [];
    for (const def of this.deps.catalog.integrations.values()) {
      const row = rows.get(def.name);
      if (!row || row.is_installed) out.push(this.view(environmentId, def, row, since));
    }
    return out;
  }

  async get(environmentId: string, id: string): Promise<EnvironmentIntegrationView> {
    const { def, row } = await this.installed(environmentId, id);
    return this.view(environmentId, def, row, await this.createdAt(environmentId));
  }

  /** Idempotent: installs (again, if it was uninstalled) and applies what the body sets. */
  async install(environmentId: string, input: z.infer<typeof installBody>): Promise<EnvironmentIntegrationView> {
    const def = this.deps.catalog.getIntegration(input.integration_id);
    if (!def)
      throw errors.integrationNotFound(
        `Integration ${input.integration_id} not found; this server bundles ${[...this.deps.catalog.integrations.keys()].join(', ') || '(none)'}`,
      );
    const row = await this.deps.store.environmentIntegrations.get(environmentId, def.name);
    // An uninstalled row's settings were cleared when it was uninstalled; a reinstall starts from the defaults.
    const current = row?.is_installed ? row : undefined;
    const enabled = flag(input);
    const touched = !row || !row.is_installed || input.override !== undefined || enabled !== undefined || input.show_in_catalog !== undefined;
    if (!touched) return this.view(environmentId, def, row, await this.createdAt(environmentId));
    return this.save(environmentId, def, current, { ...input, is_enabled: enabled, is_installed: true });
  }

  async update(environmentId: string, id: string, input: z.infer<typeof updateBody>): Promise<EnvironmentIntegrationView> {
    const { def, row } = await this.installed(environmentId, id);
    return this.save(environmentId, def, row, { ...input, is_enabled: flag(input), is_installed: true });
  }

  /** Uninstalls: every account of the integration in the environment is deleted, and the override cleared. */
  async uninstall(environmentId: string, id: string): Promise<{ id: string }> {
    const { def, row } = await this.installed(environmentId, id);
    for (;;) {
      const accounts = await this.deps.store.listIntegratedAccounts({ environment_id: environmentId, integration: def.name, limit: 500 });
      for (const account of accounts) {
        await this.deps.deleteAccount(environmentId, account.id);
        await this.deps.store.deleteAccountTokens({ integrated_account_id: account.id });
      }
      if (accounts.length < 500) break;
    }
    await this.save(environmentId, def, row, { override: {}, is_enabled: true, show_in_catalog: true, is_installed: false });
    return { id: environmentIntegrationId(environmentId, def.name) };
  }

  /** The integration an id names in this environment, installed; 404 otherwise (another environment's id included). */
  private async installed(environmentId: string, id: string) {
    const name = integrationForId(this.deps.catalog, environmentId, id);
    const def = name ? this.deps.catalog.getIntegration(name) : undefined;
    const row = def ? await this.deps.store.environmentIntegrations.get(environmentId, def.name) : undefined;
    if (!def || (row && !row.is_installed)) throw errors.notFound(`Environment-integration ${id} not found in this environment`);
    return { def, row };
  }

  private async save(
    environmentId: string,
    def: IntegrationDefinition,
    row: EnvironmentIntegrationRecord | undefined,
    change: { override?: Record<string, unknown>; is_enabled?: boolean; show_in_catalog?: boolean; is_installed: boolean },
  ): Promise<EnvironmentIntegrationView> {
    if (change.override) this.checkOverride(def, change.override);
    const now = new Date().toISOString();
    // A first row keeps the pair's history: it was installed when its environment was created.
    const created = row?.created_at ?? (await this.createdAt(environmentId));
    const saved = await this.deps.store.environmentIntegrations.upsert({
      id: environmentIntegrationId(environmentId, def.name),
      environment_id: environmentId,
      integration: def.name,
      // PATCH of override replaces the whole object (docs/contract.md §2).
      override: change.override ?? row?.override ?? {},
      is_enabled: change.is_enabled ?? row?.is_enabled ?? true,
      show_in_catalog: change.show_in_catalog ?? row?.show_in_catalog ?? true,
      is_installed: change.is_installed,
      created_at: created,
      updated_at: now,
    });
    return this.view(environmentId, def, saved, created);
  }

  /**
   * The same rules as an account's integration_override: no credentials read, no authorization
   * change, no host outside the egress policy, and the merged definition must still be valid.
   */
  private checkOverride(def: IntegrationDefinition, value: Record<string, unknown>) {
    checkIntegrationOverride(value, 'override', this.deps.overrideRules);
    validateIntegrationOverride(value, 'override');
    const merged = integrationSchema.safeParse(effectiveIntegration(def, {}, value));
    if (!merged.success) {
      const failures = merged.error.issues.map((i) => ({ path: ['override', ...i.path.map(String)].join('.'), message: i.message }));
      throw errors.validation(`Invalid override: ${failures.map((f) => `${f.path}: ${f.message}`).join('; ')}`, failures);
    }
  }

  private view(
    environmentId: string,
    def: IntegrationDefinition,
    row: EnvironmentIntegrationRecord | undefined,
    environmentCreatedAt: string,
  ): EnvironmentIntegrationView {
    // A pair without a row has been installed since the environment existed.
    const since = row?.created_at ?? environmentCreatedAt;
    const enabled = row?.is_enabled ?? true;
    return {
      id: environmentIntegrationId(environmentId, def.name),
      integration_id: def.name,
      integration: { id: def.name, name: def.name, label: def.label, category: def.category },
      environment_id: environmentId,
      override: row?.override ?? {},
      is_enabled: enabled,
      is_active: enabled,
      show_in_catalog: row?.show_in_catalog ?? true,
      created_at: since,
      updated_at: row?.updated_at ?? since,
    };
  }

  /** When a pair without a row was installed: with its environment. */
  private async createdAt(environmentId: string): Promise<string> {
    return (await this.deps.store.getEnvironment(environmentId))?.created_at ?? new Date(0).toISOString();
  }
}

/** `is_enabled` and `is_active` are one flag; both given and different is a mistake worth a 400. */
function flag(input: { is_enabled?: boolean; is_active?: boolean }): boolean | undefined {
  if (input.is_enabled !== undefined && input.is_active !== undefined && input.is_enabled !== input.is_active)
    throw errors.validation('is_enabled and is_active are the same flag; give one, or the same value for both', [
      { path: 'is_active', message: 'differs from is_enabled' },
    ]);
  return input.is_enabled ?? input.is_active;
}
