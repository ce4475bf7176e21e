/**
 * Money in the simulator is integer micro-dollars (bigint), never accumulated floats. Datadog
 * writes costs as JSON numbers in dollars with up to six decimals (its recorded responses show
 * values such as 3621671.999987: micro-dollar precision), so a micro-dollar total renders exactly.
 */
export interface Price {
  committed_micros: number;
  on_demand_micros: number;
  per: number;
}

export interface ChargeMicros {
  committed: bigint;
  on_demand: bigint;
  total: bigint;
}

/** round(units × micros / per), half up (every operand is non-negative). */
export function priceUnits(units: bigint, micros: number, per: number): bigint {
  const numerator = units * BigInt(micros) * 2n + BigInt(per);
  return numerator / (2n * BigInt(per));
}

/**
 * A month's usage against a commitment: units up to the commitment at the committed price, the
 * rest at the on-demand price, each rounded once to a micro-dollar; total is their exact sum.
 */
export function chargeFor(units: bigint, commitment: number, price: Price): ChargeMicros {
  const commit = BigInt(commitment);
  const inCommit = units < commit ? units : commit;
  const beyond = units > commit ? units - commit : 0n;
  const committed = priceUnits(inCommit, price.committed_micros, price.per);
  const on_demand = priceUnits(beyond, price.on_demand_micros, price.per);
  return { committed, on_demand, total: committed + on_demand };
}

/** Micro-dollars as the decimal text of dollars, trailing zeros dropped: 1234500000n → "1234.5". */
export function microsToDecimal(micros: bigint): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const whole = abs / 1_000_000n;
  const frac = (abs % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/**
 * Micro-dollars as the JSON number Datadog sends. Exact: the shortest float text that round-trips
 * is the decimal itself while it has at most 15 significant digits (dollars below 10^9).
 */
export function microsToDollars(micros: bigint): number {
  return Number(microsToDecimal(micros));
}

/** Micro-dollars to cents, half away from zero: what a mapping must produce from the dollar figure. */
export function microsToCents(micros: bigint): bigint {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const cents = (abs + 5_000n) / 10_000n;
  return negative ? -cents : cents;
}

export function addCharges(a: ChargeMicros, b: ChargeMicros): ChargeMicros {
  return { committed: a.committed + b.committed, on_demand: a.on_demand + b.on_demand, total: a.total + b.total };
}

export const ZERO_CHARGE: ChargeMicros = { committed: 0n, on_demand: 0n, total: 0n };
