import { runSteps } from '../engine/steps.ts';
import { TesseraError, isTesseraError } from '../errors/catalogue.ts';
import type { IntegrationDefinition } from '../integrations/definition-schema.ts';
import type { IntegratedAccountRecord } from '../store/types.ts';
import type { AccountAccess } from './account-access.ts';

/**
 * Honest connects (docs/contract.md §10.3): an account's credentials are tried *before* they are
 * stored, so a create or a PATCH whose validation fails leaves nothing behind (no half-made
 * account, no working credentials replaced) unless the caller asked to keep it.
 */

export type ValidationOutcome = { ok: true; discovered: Record<string, unknown> } | { ok: false; error: unknown; discovered: Record<string, unknown> };

/**
 * Runs the integration's `validation` action on `candidate` as given, not as stored. The trial
 * must not write to the store: the candidate may not exist yet (create) or its credentials may
 * be refused (PATCH), and a refusal must not flip the stored account to needs_reauth. So keys an
 * `update_context` step would persist are collected for the caller to save with the account, and
 * the engine's needs_reauth mark is dropped (the caller reports the refusal instead).
 */
export async function tryValidation(access: AccountAccess, candidate: IntegratedAccountRecord, def: IntegrationDefinition): Promise<ValidationOutcome> {
  const discovered: Record<string, unknown> = {};
  const exec = access.execution(candidate);
  const collect = async (_id: string, patch: Record<string, unknown>) => {
    Object.assign(discovered, patch);
  };
  exec.services = {
    ...exec.services,
    persistContext: collect,
    persistContextUnderLock: collect,
    markNeedsReauth: async () => undefined,
    // An OAuth refresh re-reads the account under its lock; the candidate is what it should see.
    loadAccount: async () => ({ ...candidate, context: { ...candidate.context, ...discovered } }),
  };
  try {
    await runSteps(exec, def.actions.validation?.steps, {}, `${def.name} validation`);
    return { ok: true, discovered };
  } catch (error) {
    return { ok: false, error, discovered };
  }
}

export function failureMessage(error: unknown): string {
  return (error as Error)?.message || 'Validation failed';
}

/**
 * The error a refused validation answers with. A provider that was down, slow or rate-limiting
 * said nothing about the credentials, so its own status (429, 5xx) and code pass through and the
 * caller may simply retry. Anything else (the provider's 401/403, an `error` step such as
 * "non-parent org keys", a refused token exchange) is the credentials' fault: 422
 * TESSERA_ACCOUNT_VALIDATION_FAILED, keeping the provider's body when it came from the provider.
 */
export function validationRefused(def: IntegrationDefinition, error: unknown): TesseraError {
  const reason = failureMessage(error);
  const te = isTesseraError(error) ? error : undefined;
  if (te && (te.status === 429 || te.status >= 500)) {
    return new TesseraError(te.status, `Could not validate the ${def.label} credentials: ${reason}`, {
      code: te.code,
      details: te.details,
      insight: te.insight,
      remote: te.remote,
      headers: te.headers,
      cause: error,
    });
  }
  const providerStatus = te?.remote ? te.status : undefined;
  return new TesseraError(422, `Validation of the ${def.label} credentials failed: ${reason}`, {
    code: 'TESSERA_ACCOUNT_VALIDATION_FAILED',
    details: { integration: def.name, ...(providerStatus !== undefined ? { provider_status: providerStatus } : {}) },
    // The provider's body, not its headers: a 422 of ours should not carry e.g. its WWW-Authenticate.
    remote: te?.remote ? { rawResponse: te.remote.rawResponse } : undefined,
    cause: error,
  });
}
