import { forEachExpressionSlot } from './slots.ts';

/**
 * Where an expression came from. Shipped definitions and mappings are reviewed code and run in
 * process; anything from an override layer (an account's `unified_model_override` or
 * `integration_override`, an environment's mapping rows) is untrusted and runs in the sandbox
 * (sandbox.ts). The mark travels inside the source itself, as a leading JSONata comment, so every
 * `evaluate` call site routes it without being told: layers are marked when they are merged
 * (services/account-access.ts, integrations/effective-integration.ts), and nothing between the
 * merge and `evaluate` needs to know. A forged mark in a request only sends that expression to
 * the sandbox too: the mark can make an expression slower, never trusted.
 */
export const UNTRUSTED_MARK = '/*tessera:untrusted*/';

export function isUntrusted(source: string): boolean {
  return source.startsWith(UNTRUSTED_MARK);
}

export function markSource(source: string): string {
  return isUntrusted(source) ? source : UNTRUSTED_MARK + source;
}

/** The source as its author wrote it, for display (meta shows what a call runs, not our bookkeeping). */
export function unmarked(source: string): string {
  return isUntrusted(source) ? source.slice(UNTRUSTED_MARK.length) : source;
}

/** The source as its author wrote it (the mark removed), for messages and positions. */
export function unmarkedLength(source: string): number {
  return isUntrusted(source) ? UNTRUSTED_MARK.length : 0;
}

/**
 * A copy of an override layer with every expression slot marked untrusted (the stored layer is
 * left alone). A step config's `expression`/`message` that is not a string becomes the marked
 * `String(value)`, which is exactly the source steps.ts would have evaluated.
 */
export function markUntrusted<T>(layer: T): T {
  if (layer === undefined || layer === null || typeof layer !== 'object') return layer;
  const copy = structuredClone(layer);
  forEachExpressionSlot(copy, (slot) => {
    slot.holder[slot.key] = markSource(typeof slot.value === 'string' ? slot.value : String(slot.value));
  });
  return copy;
}
