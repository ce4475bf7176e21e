/**
 * Which context keys hold secrets. A key is a secret when its name says so in any spelling
 * (`api_key`, `apiKey`, `API-KEY`, `client_secret_2`, `x-auth-token`…) or when an integration
 * declares a credential field of that name as a password. Matching is on the name with case and
 * separators removed, so a tenant cannot store a secret in plaintext by renaming it.
 */
const SECRET_WORDS = /secret|passw(or)?d|passphrase|apikey|privatekey|accesskey|signingkey|token|credential|cookie|sessionid|bearer|authorization/;

/** Names that contain a secret word but describe a secret rather than hold one. */
const NOT_SECRETS = new Set(['tokentype', 'tokenurl', 'tokenpath', 'tokenhost', 'tokenendpoint', 'tokenexpiresat', 'tokenexpiresin']);

export type KeyPredicate = (key: string) => boolean;

export function normaliseKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export const isWellKnownSecretKey: KeyPredicate = (key) => {
  const name = normaliseKey(key);
  return SECRET_WORDS.test(name) && !NOT_SECRETS.has(name);
};

/** Well-known secret names plus an installation's declared password fields (matched the same way). */
export function secretKeyPredicate(declared: Iterable<string>): KeyPredicate {
  const names = new Set([...declared].map(normaliseKey));
  return (key) => isWellKnownSecretKey(key) || names.has(normaliseKey(key));
}

/**
 * A deep copy of `value` without any secret key, at any depth: what mappings, steps, error
 * messages and debug output see of an account's context. A secret key holding an object is
 * dropped whole.
 */
export function withoutSecrets<T>(value: T, isSecret: KeyPredicate): T {
  if (Array.isArray(value)) return value.map((v) => withoutSecrets(v, isSecret)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!isSecret(k)) out[k] = withoutSecrets(v, isSecret);
  return out as T;
}
