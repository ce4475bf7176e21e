import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { isWellKnownSecretKey, type KeyPredicate } from './secret-keys.ts';

export type { KeyPredicate };

/**
 * AES-256-GCM for credentials at rest: a random 12-byte IV per value, stored together with the
 * auth tag as `v1:<iv>:<tag>:<ciphertext>` (base64url parts) inside `{"$enc": "..."}` markers.
 */
export const ENCRYPTED_MARKER = '$enc';

export class SecretBox {
  private readonly key: Buffer;

  constructor(keyBase64: string) {
    const key = Buffer.from(keyBase64, 'base64');
    if (key.length !== 32) {
      throw new Error('TESSERA_ENCRYPTION_KEY must be 32 bytes, base64-encoded (e.g. `openssl rand -base64 32`)');
    }
    this.key = key;
  }

  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join(':');
  }

  decrypt(sealed: string): string {
    const [version, iv, tag, ct] = sealed.split(':');
    if (version !== 'v1' || !iv || !tag || ct === undefined) throw new Error('Unrecognised encrypted value');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  }
}

/** Names whose values are credentials wherever they appear in a context (docs/contract.md §10.2). */
export const PROTECTED_CONTEXT_KEYS = new Set([
  'access_token',
  'refresh_token',
  'access_token_secret',
  // OpenID Connect token endpoints return one beside the access token.
  'id_token',
  'api_key',
  'api_token',
  'token',
  'password',
  'secret',
  'client_secret',
]);

/** Any spelling of a secret's name (store/secret-keys.ts): `apiKey` and `client_secret_2` are sealed too. */
export const isProtectedKey: KeyPredicate = (key) => PROTECTED_CONTEXT_KEYS.has(key) || isWellKnownSecretKey(key);

/** Deep-copies `value`, replacing the value of every protected key with `replace(value)`. */
export function mapProtected(value: unknown, replace: (secret: unknown) => unknown, isSecret: KeyPredicate = isProtectedKey): unknown {
  if (Array.isArray(value)) return value.map((v) => mapProtected(v, replace, isSecret));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    // A secret's whole value is sealed or masked, whatever its type: an array or object under a
    // secret's name holds secrets too.
    out[k] = isSecret(k) && v !== null && v !== undefined ? replace(v) : mapProtected(v, replace, isSecret);
  }
  return out;
}

/**
 * Whether a client-supplied value carries the sealed-value marker anywhere. Such input is refused:
 * a sealed blob copied into a context would be opened on the next read (a decryption oracle) or,
 * if forged, break every read of the account.
 */
export function containsSealMarker(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(containsSealMarker);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([k, v]) => k === ENCRYPTED_MARKER || containsSealMarker(v));
}

export function sealContext(context: Record<string, unknown>, box: SecretBox, isSecret?: KeyPredicate) {
  return mapProtected(context, (v) => ({ [ENCRYPTED_MARKER]: box.encrypt(JSON.stringify(v)) }), isSecret) as Record<string, unknown>;
}

export function openContext(context: unknown, box: SecretBox): Record<string, unknown> {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    const obj = value as Record<string, unknown>;
    const sealed = obj[ENCRYPTED_MARKER];
    if (typeof sealed === 'string' && Object.keys(obj).length === 1) return JSON.parse(box.decrypt(sealed));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) out[k] = walk(v);
    return out;
  };
  return (walk(context) ?? {}) as Record<string, unknown>;
}

export const REDACTED = '********';

export function redactContext(context: Record<string, unknown>, isSecret?: KeyPredicate) {
  return mapProtected(context, () => REDACTED, isSecret) as Record<string, unknown>;
}
