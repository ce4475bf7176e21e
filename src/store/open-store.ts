import fs from 'node:fs';
import path from 'node:path';
import type { TesseraConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import { verifyEncryptionCanary } from './canary.ts';
import { SecretBox, type KeyPredicate } from './secret-box.ts';
import { openPostgresStore, openSqliteStore } from './sql/sql-store.ts';
import type { Store } from './types.ts';

export const KEY_FILE = 'encryption.key';
export const SQLITE_FILE = 'tessera.db';

/**
 * The encryption key comes from TESSERA_ENCRYPTION_KEY. On the embedded default a key is generated
 * into the data dir on first run (mode 0600), so a newcomer needs no setup, and the log says so.
 */
export function resolveEncryptionKey(config: TesseraConfig, logger: Logger): string {
  if (config.encryptionKey) return config.encryptionKey;
  const file = path.join(config.dataDir, KEY_FILE);
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  if (config.databaseUrl) {
    throw new Error('TESSERA_ENCRYPTION_KEY is required when TESSERA_DATABASE_URL is set (a shared database needs a shared key)');
  }
  fs.mkdirSync(config.dataDir, { recursive: true });
  const key = SecretBox.generateKey();
  fs.writeFileSync(file, key + '\n', { mode: 0o600, flag: 'wx' });
  logger.warn(
    { file },
    'Generated a new encryption key for credentials at rest. Back it up: without it, stored credentials cannot be read. Set TESSERA_ENCRYPTION_KEY to manage it yourself.',
  );
  return key;
}

export async function openStore(config: TesseraConfig, logger: Logger, isSecret?: KeyPredicate): Promise<{ store: Store; box: SecretBox; key: string }> {
  const key = resolveEncryptionKey(config, logger);
  const box = new SecretBox(key, config.previousEncryptionKeys);
  // A start-up failure names the setting to fix and the cause, never a bare driver error.
  const setting = config.databaseUrl ? `TESSERA_DATABASE_URL (${maskDatabaseUrl(config.databaseUrl)})` : `TESSERA_DATA_DIR (${config.dataDir})`;
  let store: Store;
  try {
    if (config.databaseUrl) {
      store = await openPostgresStore(config.databaseUrl, box, isSecret);
    } else {
      fs.mkdirSync(config.dataDir, { recursive: true });
      store = await openSqliteStore(path.join(config.dataDir, SQLITE_FILE), box, isSecret);
    }
  } catch (e) {
    throw new Error(`${setting}: ${describe(e)}`, { cause: e });
  }
  try {
    await store.ping().catch((e) => {
      throw new Error(`${setting}: ${describe(e)}`, { cause: e });
    });
    await store.migrate();
    const canary = await verifyEncryptionCanary(store, box);
    if (box.previousKeyIds.length) {
      logger.warn(
        { key_id: box.keyId, previous_key_ids: box.previousKeyIds, canary },
        canary === 'current'
          ? 'TESSERA_ENCRYPTION_KEY_PREVIOUS is set: values sealed with those keys still open. Once `keys rotate` reports nothing left to re-seal and every replica runs the new key, remove it'
          : 'Key rotation in progress: data sealed with a key in TESSERA_ENCRYPTION_KEY_PREVIOUS; run `keys rotate` (node dist/main.js keys rotate) to re-seal it with TESSERA_ENCRYPTION_KEY',
      );
    }
  } catch (e) {
    await store.close().catch(() => {});
    throw e;
  }
  return { store, box, key };
}

/** The URL as it can be printed: the password masked, the rest kept (host, port and database are what one checks). */
export function maskDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    return u.toString();
  } catch {
    return '(not a valid URL)';
  }
}

/** pg reports an unreachable host as an AggregateError with an empty message; its parts say why. */
function describe(e: unknown): string {
  const err = e as Error & { code?: string; errors?: Error[] };
  if (err.message) return err.message;
  if (err.errors?.length) return err.errors.map((x) => x.message).join('; ');
  return err.code ?? String(e);
}
