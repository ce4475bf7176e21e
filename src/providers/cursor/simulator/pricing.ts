/**
 * Money of the Cursor simulator, in integer millicents (1/1000 of a cent) so that sums are exact:
 * Cursor writes cents with fractions (docs/providers/sources.md §2.1, "sub-cent since
 * 2026-06-04"), and the simulator emits them as `millicents / 1000`, at most three decimals, which
 * JSON prints exactly. Nothing here multiplies or adds floats.
 */
export interface ModelPrice {
  model: string;
  /** Millicents per million tokens, per token type ($3.00 per million = 300 cents = 300000). */
  input: number;
  output: number;
  cache_write: number;
  cache_read: number;
}

export interface TokenCounts {
  input: number;
  output: number;
  cache_write: number;
  cache_read: number;
}

const MILLION = 1_000_000;

/** Round half away from zero of `numerator / MILLION` for non-negative integers, in integers only. */
function divMillionRounded(numerator: number): number {
  const whole = Math.floor(numerator / MILLION);
  const rest = numerator - whole * MILLION;
  return rest * 2 >= MILLION ? whole + 1 : whole;
}

/** The tokens' list price in millicents: Σ tokens × price per million, rounded once per event. */
export function tokenCostMillicents(tokens: TokenCounts, price: ModelPrice): number {
  // Each product stays below 2^53: at most ~10^7 tokens × 10^7 millicents per million.
  const numerator = tokens.input * price.input + tokens.output * price.output + tokens.cache_write * price.cache_write + tokens.cache_read * price.cache_read;
  return divMillionRounded(numerator);
}

/** Cursor's token fee on on-demand usage, per million tokens of every type (sources-additions.md §1.3, `platform_fee`). */
export function tokenFeeMillicents(tokens: TokenCounts, feePerMillion: number): number {
  return divMillionRounded((tokens.input + tokens.output + tokens.cache_write + tokens.cache_read) * feePerMillion);
}

/** Millicents as Cursor's fractional cents: 12345 → 12.345 (exact: JSON prints n / 1000 with at most three decimals). */
export function centsOf(millicents: number): number {
  return millicents / 1000;
}

/** Fractional cents back to integer millicents, from the number's text (no float arithmetic). */
export function millicentsOf(cents: number): number {
  const text = String(cents);
  if (/e/i.test(text)) return Math.round(cents * 1000);
  const negative = text.startsWith('-');
  const [whole, fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const value = Number(whole) * 1000 + Number(fraction.padEnd(3, '0').slice(0, 3));
  return negative ? -value : value;
}

/**
 * The default price table, cents per million tokens × 1000 (list prices of the model vendors,
 * which Cursor passes through for token-based calls). `cursor-small` is Cursor's free model.
 */
export const DEFAULT_MODEL_PRICES: ModelPrice[] = [
  { model: 'claude-4-sonnet', input: 300_000, output: 1_500_000, cache_write: 375_000, cache_read: 30_000 },
  { model: 'claude-4.1-opus', input: 1_500_000, output: 7_500_000, cache_write: 1_875_000, cache_read: 150_000 },
  { model: 'gpt-5', input: 125_000, output: 1_000_000, cache_write: 125_000, cache_read: 12_500 },
  { model: 'gemini-2.5-pro', input: 125_000, output: 1_000_000, cache_write: 125_000, cache_read: 31_250 },
  { model: 'cursor-small', input: 0, output: 0, cache_write: 0, cache_read: 0 },
];

/** $0.25 per million tokens, in millicents. */
export const DEFAULT_TOKEN_FEE_PER_MILLION = 25_000;
