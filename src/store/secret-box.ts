import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { isWellKnownSecretKey, type KeyPredicate } from './secret-keys.ts';

export type { KeyPredicate };

/**
 * AES-256-GCM for credentials at rest: a random 12-byte IV per value, stored inside
 * `{"$enc": "..."}` markers as `v2:<key id>:<iv>:<tag>:<ciphertext>` (base64url parts). The key id
 * is a short fingerprint of the key that sealed the value (an HMAC of a fixed label under the key:
 * it tells keys apart and reveals nothing of them) and is bound to the ciphertext as additional
 * authenticated data, so opening picks the right key without trial decryption. Values from before
 * key ids, `v1:<iv>:<tag>:<ciphertext>`, still open: every configured key is tried in turn.
 *
 * A box seals with the current key (TESSERA_ENCRYPTION_KEY) and opens with it or any previous one
 * (TESSERA_ENCRYPTION_KEY_PREVIOUS): that is what lets a key be rotated while replicas serve
 * (docs/security.md, "Key management").
 */
export const ENCRYPTED_MARKER = '$enc';

export const KEY_SETTING = 'TESSERA_ENCRYPTION_KEY';
export const PREVIOUS_KEYS_SETTING = 'TESSERA_ENCRYPTION_KEY_PREVIOUS';

/** Which configured key opened a value, and whether it was sealed in the current format by the current key. */
export interface Opened {
  plaintext: string;
  keyId: string;
  /** Sealed by the current key with its key id: nothing to re-seal. */
  current: boolean;
}

/** A value no configured key opens; the message names the key id (when the value has one), never the value. */
export class KeyNotConfiguredError extends Error {
  constructor(readonly keyId: string | undefined) {
    super(
      keyId
        ? `sealed with key id ${keyId}, which is neither ${KEY_SETTING} nor in ${PREVIOUS_KEYS_SETTING}`
        : `opens with none of the configured keys (${KEY_SETTING}, ${PREVIOUS_KEYS_SETTING})`,
    );
    this.name = 'KeyNotConfiguredError';
  }
}

interface Key {
  id: string;
  bytes: Buffer;
}

/** The key id of a base64 key: what a sealed value and `keys rotate` name it by. */
export function keyIdOf(keyBase64: string): string {
  return keyId(decodeKey(keyBase64, KEY_SETTING));
}

function keyId(bytes: Buffer): string {
  return createHmac('sha256', bytes).update('tessera encryption key id').digest().subarray(0, 6).toString('base64url');
}

function decodeKey(keyBase64: string, setting: string): Buffer {
  const key = Buffer.from(keyBase64.trim(), 'base64');
  if (key.length !== 32) throw new Error(`${setting} must be 32 bytes, base64-encoded (e.g. \`openssl rand -base64 32\`)`);
  return key;
}

export class SecretBox {
  private readonly current: Key;
  private readonly previous: Key[];

  constructor(keyBase64: string, previousKeysBase64: readonly string[] = []) {
    const bytes = decodeKey(keyBase64, KEY_SETTING);
    this.current = { id: keyId(bytes), bytes };
    const seen = new Set([bytes.toString('hex')]);
    this.previous = [];
    previousKeysBase64.forEach((k, i) => {
      const setting = previousKeysBase64.length > 1 ? `${PREVIOUS_KEYS_SETTING} (key ${i + 1} of ${previousKeysBase64.length})` : PREVIOUS_KEYS_SETTING;
      const prev = decodeKey(k, setting);
      // The current key listed again (a half-finished edit of the settings) is harmless: it is skipped.
      if (seen.has(prev.toString('hex'))) return;
      seen.add(prev.toString('hex'));
      this.previous.push({ id: keyId(prev), bytes: prev });
    });
  }

  static generateKey(): string {
    return randomBytes(32).toString('base64');
  }

  /** The current key's id: what it seals with. */
  get keyId(): string {
    return this.current.id;
  }

  /** The previous keys' ids, in the order configured. */
  get previousKeyIds(): string[] {
    return this.previous.map((k) => k.id);
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const header = `v2:${this.current.id}`;
    const cipher = createCipheriv('aes-256-gcm', this.current.bytes, iv);
    cipher.setAAD(Buffer.from(header, 'utf8'));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [header, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ct.toString('base64url')].join(':');
  }

  decrypt(sealed: string): string {
    return this.open(sealed).plaintext;
  }

  /** Opens a value and says which key did; throws KeyNotConfiguredError when none of the configured keys does. */
  open(sealed: string): Opened {
    const parts = sealed.split(':');
    if (parts[0] === 'v2' && parts.length === 5) {
      const [, id, iv, tag, ct] = parts as [string, string, string, string, string];
      const candidates = [this.current, ...this.previous].filter((k) => k.id === id);
      for (const key of candidates) {
        const plaintext = tryOpen(key.bytes, iv, tag, ct, `v2:${id}`);
        if (plaintext !== undefined) return { plaintext, keyId: id, current: key === this.current };
      }
      // A known id whose value does not open was tampered with (or forged): no other key is tried.
      if (candidates.length) throw new Error('the sealed value does not authenticate (modified or corrupt)');
      throw new KeyNotConfiguredError(id);
    }
    if (parts[0] === 'v1' && parts.length === 4) {
      const [, iv, tag, ct] = parts as [string, string, string, string];
      for (const key of [this.current, ...this.previous]) {
        const plaintext = tryOpen(key.bytes, iv, tag, ct);
        // A v1 value is never current: re-sealing gives it the key id.
        if (plaintext !== undefined) return { plaintext, keyId: key.id, current: false };
      }
      throw new KeyNotConfiguredError(undefined);
    }
    throw new Error('Unrecognised encrypted value');
  }

  /** Whether `sealed` names the current key (no decryption: a v1 value, or one under a previous key, is not). */
  isCurrent(sealed: string): boolean {
    return sealed.startsWith(`v2:${this.current.id}:`);
  }
}

function tryOpen(key: Buffer, iv: string, tag: string, ct: string, aad?: string): string | undefined {
  try {
    // A full 16-byte tag only: GCM would otherwise accept a truncated one, weakening the check.
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: 16 });
    if (aad !== undefined) decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
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
