import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { errors } from '../errors/catalogue.ts';
import { checkOAuth2Context } from '../engine/oauth2/index.ts';
import { runSteps } from '../engine/steps.ts';
import type { Catalog } from '../integrations/catalog.ts';
import { integrationSchema, type IntegrationDefinition } from '../integrations/definition-schema.ts';
import { effectiveIntegration } from '../integrations/effective-integration.ts';
import { checkIntegrationOverride, checkOverrideSecrets, type OverrideRules } from '../integrations/override-secrets.ts';
import { REDACTED, containsSealMarker, redactContext } from '../store/secret-box.ts';
import { secretKeyPredicate } from '../store/secret-keys.ts';
import type { IntegratedAccountRecord, IntegratedAccountStatus } from '../store/types.ts';
import { validateAccountOverride, validateIntegrationOverride } from '../integrations/override-validation.ts';
import { nameText, storedText } from '../query/safe-input.ts';
import type { Store } from '../store/types.ts';
import type { AccountAccess } from './account-access.ts';
import { environmentIntegrationId, integrationForId } from './environment-integration-id.ts';
import { failureMessage, tryValidation, validationRefused } from './account-validation.ts';

/** The integrated account as the API shows it (docs/contract.md §10.1): credentials redacted. */
export interface IntegratedAccountView {
  id: string;
  tenant_id: string;
  environment_id: string;
  environment_integration_id: string | null;
  integration: { id: string; name: string; category: string };
  status: IntegratedAccountStatus;
  is_sandbox: boolean;
  is_blocked: boolean;
  authentication_method: string;
  region: string;
  context: Record<string, unknown>;
  last_error: string | null;
  unified_model_override: Record<string, unknown>;
  integration_override: Record<string, unknown>;
  created_at: string;
  updated_at: string;
}

export function secretFieldNames(catalog: Catalog): Set<string> {
  const names = new Set<string>();
  for (const def of catalog.integrations.values()) {
    if (def.credentials.format === 'api_key') for (const f of def.credentials.config.fields) if (f.type === 'password') names.add(f.name);
  }
  return names;
}

export function toView(account: IntegratedAccountRecord, catalog: Catalog): IntegratedAccountView {
  const def = catalog.getIntegration(account.integration);
  const secrets = secretFieldNames(catalog);
  return {
    id: account.id,
    tenant_id: account.tenant_id,
    environment_id: account.environment_id,
    environment_integration_id: environmentIntegrationId(account.environment_id, account.integration),
    integration: { id: account.integration, name: account.integration, category: def?.category ?? 'unknown' },
    status: account.status,
    is_sandbox: account.is_sandbox,
    is_blocked: account.is_blocked,
    authentication_method: account.authentication_method,
    region: account.region,
    context: redactContext(account.context, secretKeyPredicate(secrets)),
    last_error: account.last_error,
    unified_model_override: account.unified_model_override,
    integration_override: account.integration_override,
    created_at: account.created_at,
    updated_at: account.updated_at,
  };
}

/** tenant_id is varchar(255): longer would be a store error on Postgres, and control characters never belong in it. */
export const TENANT_ID_RULE = { maxLength: 255 };

export const createAccountBody = z
  .object({
    tenant_id: storedText(TENANT_ID_RULE),
    integration: z.union([nameText(), z.object({ name: nameText() })]).optional(),
    integration_name: nameText().optional(),
    /** Truto's import body names the environment-integration instead of the integration (docs/platform.md). */
    environment_integration_id: z.string().max(64).optional(),
    context: z.record(z.string(), z.unknown()).default({}),
    authentication_method: storedText({ maxLength: 64 }).optional(),
    region: z.enum(['wnam', 'enam', 'apac', 'eu']).default('wnam'),
    is_sandbox: z.boolean().default(false),
    unified_model_override: z.record(z.string(), z.unknown()).default({}),
    integration_override: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

export const patchAccountBody = z
  .object({
    tenant_id: storedText(TENANT_ID_RULE).optional(),
    context: z.record(z.string(), z.unknown()).optional(),
    unified_model_override: z.record(z.string(), z.unknown()).optional(),
    integration_override: z.record(z.string(), z.unknown()).optional(),
    is_sandbox: z.unknown().optional(),
    is_blocked: z.boolean().optional(),
    region: z.enum(['wnam', 'enam', 'apac', 'eu']).optional(),
  })
  .strict();

/** Checks a context against the integration's credential fields: required, pattern, format. */
/** `$enc` marks values the store sealed; a client may not send one (store/secret-box.ts containsSealMarker). */
export function refuseSealMarkers(context: unknown) {
  if (containsSealMarker(context))
    throw errors.validation('context: the key $enc is reserved for values Tessera seals; send credentials as plain values', [
      { path: 'context', message: '$enc is reserved' },
    ]);
}

export function validateCredentials(def: IntegrationDefinition, context: Record<string, unknown>) {
  if (def.credentials.format === 'oauth2') return checkOAuth2Context(def, context);
  if (def.credentials.format !== 'api_key') return;
  const failures: { path: string; message: string }[] = [];
  for (const field of def.credentials.config.fields) {
    const value = context[field.name];
    if (value === undefined || value === null || value === '') {
      if (field.required) failures.push({ path: `context.${field.name}`, message: `${field.label} is required` });
      continue;
    }
    if (typeof value !== 'string') failures.push({ path: `context.${field.name}`, message: `${field.label} must be a string` });
    else if (field.pattern && !new RegExp(field.pattern).test(value))
      failures.push({ path: `context.${field.name}`, message: `${field.label} must match ${field.pattern}` });
    // A select's value may reach a URL (`base_url: https://api.{{context.site}}`): only the listed options pass.
    else if (field.type === 'single_select' && field.options?.length && !field.options.some((o) => o.value === value))
      failures.push({ path: `context.${field.name}`, message: `${field.label} must be one of ${field.options.map((o) => o.value).join(', ')}` });
  }
  if (failures.length) throw errors.validation(`Invalid credentials for ${def.label}: ${failures.map((f) => f.message).join('; ')}`, failures);
}

/** Whether a merged context changes what the provider sees: a declared credential field, a secret, or the OAuth tokens. */
export function credentialsChanged(
  def: IntegrationDefinition,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  isSecret: (k: string) => boolean,
) {
  const declared = new Set<string>(['oauth']);
  if (def.credentials.format === 'api_key') for (const f of def.credentials.config.fields) declared.add(f.name);
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].some((k) => (declared.has(k) || isSecret(k)) && JSON.stringify(before[k]) !== JSON.stringify(after[k]));
}

/** PATCH merges context shallowly; protected credentials survive omission and echoes of the mask. */
export function mergeContext(current: Record<string, unknown>, patch: Record<string, unknown>, isSecret: (k: string) => boolean) {
  const merged: Record<string, unknown> = { ...current, ...patch };
  const restore = (before: unknown, after: unknown): unknown => {
    if (after === REDACTED) return before;
    if (!before || typeof before !== 'object' || Array.isArray(before)) return after;
    if (after === undefined) return undefined;
    if (!after || typeof after !== 'object' || Array.isArray(after)) return after;
    const out: Record<string, unknown> = { ...(after as Record<string, unknown>) };
    for (const [k, v] of Object.entries(before as Record<string, unknown>)) {
      if (isSecret(k) && !(k in out)) out[k] = v;
      else if (k in out) out[k] = restore(v, out[k]);
    }
    return out;
  };
  for (const key of Object.keys(patch)) merged[key] = restore(current[key], patch[key]);
  return merged;
}

export interface IntegratedAccountsDeps {
  store: Store;
  catalog: Catalog;
  access: AccountAccess;
  overrideRules: OverrideRules;
  /** Told after each change is stored (webhooks, docs/webhooks.md); none: events go nowhere. */
  events?: AccountEvents;
}

/** Where account events go: `integrated_account:<what>` with the stored account. */
export interface AccountEvents {
  account(type: `integrated_account:${string}`, account: IntegratedAccountRecord): Promise<unknown>;
}

/** The status event a verdict is announced with, when the status changed. */
function statusEvent(before: IntegratedAccountStatus | undefined, after: IntegratedAccountStatus) {
  if (before === after) return undefined;
  return after === 'active' ? 'integrated_account:active' : after === 'validation_error' ? 'integrated_account:validation_error' : undefined;
}

export class IntegratedAccountsService {
  constructor(private readonly app: IntegratedAccountsDeps) {}

  integrationOf(name: string): IntegrationDefinition {
    return this.app.access.integrationOf(name);
  }

  /** The integration as this account's (or a new account's) calls see it: AccountAccess.integrationFor. */
  integrationFor(ref: { environment_id: string; integration: string; integration_override?: Record<string, unknown> }): Promise<IntegrationDefinition> {
    return this.app.access.integrationFor(ref);
  }

  /** The integration an environment-integration id of this environment names; another environment's id is not found. */
  private integrationOfEnvironmentIntegration(environmentId: string, id: string | undefined): string | undefined {
    if (id === undefined) return undefined;
    const name = integrationForId(this.app.catalog, environmentId, id);
    if (!name) throw errors.notFound(`Environment-integration ${id} not found in this environment`);
    return name;
  }

  validateAccountOverride(integration: string, override: Record<string, unknown>) {
    checkOverrideSecrets(override, 'unified_model_override', this.app.overrideRules);
    validateAccountOverride(override, (model, resource, method) => this.app.catalog.getMapping(integration, model, resource, method));
  }

  /** An account's `integration_override` cannot read credentials, change authorization or move calls to another host. */
  checkIntegrationOverride(integration: string, override: Record<string, unknown>) {
    checkIntegrationOverride(override, 'integration_override', this.app.overrideRules);
    validateIntegrationOverride(override);
    // What the account will run with must still be a valid definition (a `method: 123` would
    // otherwise be stored and fail every later call).
    const merged = integrationSchema.safeParse(effectiveIntegration(this.integrationOf(integration), { integration_override: override }));
    if (!merged.success) {
      const failures = merged.error.issues.map((i) => ({ path: ['integration_override', ...i.path.map(String)].join('.'), message: i.message }));
      throw errors.validation(`Invalid integration_override: ${failures.map((f) => `${f.path}: ${f.message}`).join('; ')}`, failures);
    }
  }

  get(environmentId: string, id: string): Promise<IntegratedAccountRecord> {
    return this.app.access.get(environmentId, id);
  }

  /**
   * Creates an account whose credentials the provider accepted. A refused validation answers the
   * refusal (account-validation.ts) and stores nothing, unless `keepOnValidationError`: then the
   * account is kept as `validation_error` with `last_error`, as Truto does.
   */
  async create(
    environmentId: string,
    input: z.infer<typeof createAccountBody>,
    options: { keepOnValidationError?: boolean } = {},
  ): Promise<IntegratedAccountRecord> {
    const name =
      input.integration_name ??
      (typeof input.integration === 'string' ? input.integration : input.integration?.name) ??
      this.integrationOfEnvironmentIntegration(environmentId, input.environment_integration_id);
    if (!name) throw errors.missingBody(['integration']);
    const def = this.integrationOf(name);
    refuseSealMarkers(input.context);
    validateCredentials(def, input.context);
    this.validateAccountOverride(def.name, input.unified_model_override);
    this.checkIntegrationOverride(def.name, input.integration_override);
    const now = new Date().toISOString();
    const candidate: IntegratedAccountRecord = {
      id: randomUUID(),
      tenant_id: input.tenant_id,
      environment_id: environmentId,
      integration: def.name,
      status: 'connecting',
      is_sandbox: input.is_sandbox,
      is_blocked: false,
      authentication_method: input.authentication_method ?? def.credentials.format,
      region: input.region,
      context: input.context,
      unified_model_override: input.unified_model_override,
      integration_override: input.integration_override,
      last_error: null,
      created_at: now,
      updated_at: now,
    };
    // Refused (409) when the integration is disabled or uninstalled here; its override applies to the validation.
    const outcome = await tryValidation(this.app.access, await this.app.access.environmentLayer(candidate), def);
    if (!outcome.ok && !options.keepOnValidationError) throw validationRefused(def, outcome.error);
    const { id, tenant_id, environment_id, integration, is_sandbox, is_blocked, authentication_method, region } = candidate;
    const created = await this.app.store.createIntegratedAccount({
      ...{ id, tenant_id, environment_id, integration, is_sandbox, is_blocked, authentication_method, region },
      unified_model_override: candidate.unified_model_override,
      integration_override: candidate.integration_override,
      context: { ...candidate.context, ...outcome.discovered },
      status: outcome.ok ? 'active' : 'validation_error',
      last_error: outcome.ok ? null : failureMessage(outcome.error),
    });
    await this.app.events?.account('integrated_account:created', created);
    const event = statusEvent(undefined, created.status);
    if (event) await this.app.events?.account(event, created);
    return created;
  }

  /** Runs the integration's `validation` action on a stored account: it ends `active` or `validation_error`. */
  async validate(account: IntegratedAccountRecord, def: IntegrationDefinition): Promise<IntegratedAccountRecord> {
    const exec = this.app.access.execution(account);
    let status: IntegratedAccountStatus = 'active';
    let lastError: string | null = null;
    try {
      await runSteps(exec, def.actions.validation?.steps, {}, `${def.name} validation`);
    } catch (e) {
      status = 'validation_error';
      lastError = (e as Error).message || 'Validation failed';
    }
    const updated = await this.app.store.updateIntegratedAccount(account.id, { status, last_error: lastError });
    const event = updated && statusEvent(account.status, updated.status);
    if (event) await this.app.events?.account(event, updated);
    return updated ?? account;
  }

  /**
   * New credentials are tried before they replace the stored ones: on an account that needs them
   * (needs_reauth, validation_error), and whenever a PATCH changes a credential field. Refused new
   * credentials answer like create and change nothing, so a typo never breaks a working
   * connection; with `keepOnValidationError` the PATCH is saved and the account becomes
   * `validation_error`.
   */
  async patch(
    environmentId: string,
    id: string,
    input: z.infer<typeof patchAccountBody>,
    options: { keepOnValidationError?: boolean } = {},
  ): Promise<IntegratedAccountRecord> {
    const account = await this.get(environmentId, id);
    if (input.is_sandbox !== undefined && input.is_sandbox !== account.is_sandbox) throw errors.methodNotAllowed('is_sandbox is read-only');
    if (input.unified_model_override) this.validateAccountOverride(account.integration, input.unified_model_override);
    if (input.integration_override) this.checkIntegrationOverride(account.integration, input.integration_override);
    if (input.context) refuseSealMarkers(input.context);
    const def = this.integrationOf(account.integration);
    const isSecret = secretKeyPredicate(secretFieldNames(this.app.catalog));
    const context = input.context ? mergeContext(account.context, input.context, isSecret) : undefined;
    if (context) validateCredentials(def, context);
    const changes = {
      ...(input.tenant_id !== undefined ? { tenant_id: input.tenant_id } : {}),
      ...(context ? { context } : {}),
      ...(input.unified_model_override ? { unified_model_override: input.unified_model_override } : {}),
      ...(input.integration_override ? { integration_override: input.integration_override } : {}),
      ...(input.is_blocked !== undefined ? { is_blocked: input.is_blocked } : {}),
      ...(input.region ? { region: input.region } : {}),
    };
    const changed = context !== undefined && credentialsChanged(def, account.context, context, isSecret);
    const needsCheck = context !== undefined && (changed || account.status === 'needs_reauth' || account.status === 'validation_error');
    let verdict: { status: IntegratedAccountStatus; last_error: string | null } | undefined;
    if (needsCheck) {
      const outcome = await tryValidation(this.app.access, await this.app.access.environmentLayer({ ...account, ...changes }), def);
      // Only new credentials are refused: re-checking a broken account's unchanged ones (a PATCH of
      // a setting) saves the PATCH and records the verdict, as before.
      if (!outcome.ok && changed && !options.keepOnValidationError) throw validationRefused(def, outcome.error);
      changes.context = { ...context, ...outcome.discovered };
      verdict = outcome.ok ? { status: 'active', last_error: null } : { status: 'validation_error', last_error: failureMessage(outcome.error) };
    }
    const updated = await this.app.store.updateIntegratedAccount(id, { ...changes, ...verdict });
    if (!updated) throw errors.accountNotFound(id);
    await this.app.events?.account('integrated_account:updated', updated);
    const event = verdict && statusEvent(account.status, updated.status);
    if (event) await this.app.events?.account(event, updated);
    return updated;
  }

  async delete(environmentId: string, id: string): Promise<{ id: string }> {
    const account = await this.get(environmentId, id);
    // Announced only when this request removed it (two racing deletes announce it once).
    if (await this.app.store.deleteIntegratedAccount(id)) await this.app.events?.account('integrated_account:deleted', account);
    return { id };
  }
}
