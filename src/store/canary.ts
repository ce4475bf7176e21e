import { KEY_SETTING, PREVIOUS_KEYS_SETTING, type SecretBox } from './secret-box.ts';
import type { Store } from './types.ts';

export const CANARY_SETTING = 'encryption_canary';
export const CANARY_TEXT = 'tessera encryption canary v1';

/**
 * `current`: the current key sealed the canary in the current format. `pending`: a previous key
 * sealed it (a rotation not finished), or the current key before sealed values had key ids.
 */
export type CanaryState = 'current' | 'pending';

/**
 * A known text sealed with the key at the first start. Without it, a start with the wrong
 * TESSERA_ENCRYPTION_KEY (a typo, another environment's key, a lost generated key file) would
 * serve happily and fail on the first account read, one request at a time; with it, the start is
 * refused and the message says what is wrong. A database from before the canary gets one sealed
 * with the key it starts with.
 *
 * During a key rotation the canary may still be sealed with a key now listed in
 * TESSERA_ENCRYPTION_KEY_PREVIOUS: the start goes on (every value sealed with that key still
 * opens), and `keys rotate` re-seals the canary last, once everything else is under the new key.
 */
export async function verifyEncryptionCanary(store: Store, box: SecretBox): Promise<CanaryState> {
  let sealed = await store.getSetting(CANARY_SETTING);
  if (sealed === undefined) {
    // Two replicas starting together: one insert wins and both check the winner's row.
    await store.putSettingIfAbsent(CANARY_SETTING, box.encrypt(CANARY_TEXT));
    sealed = await store.getSetting(CANARY_SETTING);
  }
  const state = canaryState(box, sealed);
  if (!state) {
    const previous = box.previousKeyIds.length;
    throw new Error(
      `${KEY_SETTING} does not match the key the data in this database was sealed with, ` +
        (previous
          ? `and neither does any of the ${previous} key(s) in ${PREVIOUS_KEYS_SETTING}; start with the key the data was sealed with, as ${KEY_SETTING} or in ${PREVIOUS_KEYS_SETTING}`
          : `and ${PREVIOUS_KEYS_SETTING} is not set; start with the original key, or, to rotate keys, put the original key in ${PREVIOUS_KEYS_SETTING}`) +
        ' (stored credentials cannot be read with another one)',
    );
  }
  return state;
}

/** Readiness: the canary still opens with a configured key (throws otherwise). */
export async function checkEncryptionCanary(store: Store, box: SecretBox): Promise<CanaryState> {
  const state = canaryState(box, await store.getSetting(CANARY_SETTING));
  if (!state) throw new Error(`the encryption canary opens with neither ${KEY_SETTING} nor ${PREVIOUS_KEYS_SETTING}`);
  return state;
}

function canaryState(box: SecretBox, sealed: string | undefined): CanaryState | undefined {
  if (sealed === undefined) return undefined;
  try {
    const opened = box.open(sealed);
    if (opened.plaintext !== CANARY_TEXT) return undefined;
    return opened.current ? 'current' : 'pending';
  } catch {
    return undefined;
  }
}
