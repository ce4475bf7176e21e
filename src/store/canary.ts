import type { SecretBox } from './secret-box.ts';
import type { Store } from './types.ts';

export const CANARY_SETTING = 'encryption_canary';
const CANARY_TEXT = 'tessera encryption canary v1';

/**
 * A known text sealed with the key at the first start. Without it, a start with the wrong
 * TESSERA_ENCRYPTION_KEY (a typo, another environment's key, a lost generated key file) would
 * serve happily and fail on the first account read, one request at a time; with it, the start is
 * refused and the message says what is wrong. A database from before the canary gets one sealed
 * with the key it starts with.
 */
export async function verifyEncryptionCanary(store: Store, box: SecretBox): Promise<void> {
  let sealed = await store.getSetting(CANARY_SETTING);
  if (sealed === undefined) {
    // Two replicas starting together: one insert wins and both check the winner's row.
    await store.putSettingIfAbsent(CANARY_SETTING, box.encrypt(CANARY_TEXT));
    sealed = await store.getSetting(CANARY_SETTING);
  }
  if (!canaryOpens(box, sealed)) {
    throw new Error(
      'TESSERA_ENCRYPTION_KEY does not match the key the data in this database was sealed with; start with the original key (stored credentials cannot be read with another one)',
    );
  }
}

/** Readiness: the canary still opens with the running key. */
export async function checkEncryptionCanary(store: Store, box: SecretBox): Promise<void> {
  if (!canaryOpens(box, await store.getSetting(CANARY_SETTING))) throw new Error('the encryption canary does not open with the running key');
}

function canaryOpens(box: SecretBox, sealed: string | undefined): boolean {
  try {
    return sealed !== undefined && box.decrypt(sealed) === CANARY_TEXT;
  } catch {
    return false;
  }
}
