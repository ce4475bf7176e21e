import { errors } from '../errors/catalogue.ts';
import { containsSealMarker } from '../store/secret-box.ts';
import { withoutSecrets } from '../store/secret-keys.ts';
import type { Execution } from './types.ts';

/**
 * The two views of an account's context during one request: `credentials` (everything, for the
 * request builder) and `context` (no secrets, for every expression). Both change together.
 */
export function contextViews(stored: Record<string, unknown>, isSecret: (key: string) => boolean) {
  const credentials = structuredClone(stored);
  return { credentials, context: withoutSecrets(credentials, isSecret) };
}

/** Merges a step's or a token refresh's patch into both views; secret keys land only in `credentials`. */
export function applyContextPatch(exec: Execution, patch: Record<string, unknown>): void {
  // Only the store writes sealed values; a step (an override's, say) may not plant one.
  if (containsSealMarker(patch)) throw errors.badRequest('A step may not write the key $enc into the context: it is reserved for values Tessera seals');
  Object.assign(exec.credentials, patch);
  Object.assign(exec.context, withoutSecrets(patch, exec.services.isSecret));
  for (const key of Object.keys(patch)) if (exec.services.isSecret(key)) delete exec.context[key];
}
