/**
 * Confluent reports money as floating-point dollars (docs/providers/sources-additions.md §2.6). The
 * simulator keeps every amount in integer micro-dollars and converts only on the way out, so a
 * row's numbers hold exactly: original = quantity × price, amount = original − discount.
 */

/** Dollars as Confluent writes them: a JSON number. `n / 1e6` is the double nearest the exact decimal, which prints as that decimal. */
export const dollars = (micro: number): number => micro / 1_000_000;

/** A quantity in thousandths of its unit, as a JSON number. */
export const units = (milli: number): number => milli / 1000;

/** quantity × price in micro-dollars; the seed guarantees the product is a whole number of micro-dollars. */
export const lineMicro = (quantityMilli: number, priceMicro: number): number => (quantityMilli * priceMicro) / 1000;

/** Whole cents of a micro-dollar amount, rounded half away from zero (docs/decisions.md "Usage and money"). */
export function centsOf(micro: number): number {
  const sign = micro < 0 ? -1 : 1;
  const cents = Math.floor((Math.abs(micro) + 5_000) / 10_000);
  return cents === 0 ? 0 : sign * cents;
}

/**
 * A decimal number as Confluent sends it, parsed back to integer micro-dollars (tests use this to
 * check the wire, never floats): "12.345678" → 12345678. Throws on more than 6 decimals.
 */
export function parseMicro(value: number | string): number {
  const text = typeof value === 'number' ? numberText(value) : value;
  const m = /^(-?)(\d+)(?:\.(\d{1,6}))?$/.exec(text);
  if (!m) throw new Error(`not a dollar amount with at most 6 decimals: ${text}`);
  const micro = Number(m[2]) * 1_000_000 + Number((m[3] ?? '').padEnd(6, '0'));
  return m[1] ? -micro : micro;
}

/** Thousandths of a quantity from its wire number: "99.95" → 99950. */
export function parseMilli(value: number): number {
  const m = /^(-?)(\d+)(?:\.(\d{1,3}))?$/.exec(numberText(value));
  if (!m) throw new Error(`not a quantity with at most 3 decimals: ${value}`);
  const milli = Number(m[2]) * 1000 + Number((m[3] ?? '').padEnd(3, '0'));
  return m[1] ? -milli : milli;
}

/** Plain decimal text of a number, also for values JavaScript would print in exponent form. */
function numberText(n: number): string {
  const s = String(n);
  return /e/i.test(s) ? n.toFixed(6).replace(/\.?0+$/, '') : s;
}
