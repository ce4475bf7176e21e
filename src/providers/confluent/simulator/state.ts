import { lineMicro } from './money.ts';
import type { ConfluentApiKey, ConfluentEnvironment, ConfluentResource, ConfluentSeed, CostLine } from './seed-schema.ts';

/**
 * Live state of one simulator instance: the seed, indexed for the routes, and the simulator's own
 * money totals (in integer micro-dollars) that tests hold Tessera's charges against.
 */
export const DAY_MS = 86_400_000;

/** A cost line with its derived amounts (integer micro-dollars). */
export interface PricedLine extends CostLine {
  original_micro: number;
  amount_micro: number;
}

export interface MoneyTotals {
  rows: number;
  /** Σ original_amount over usage lines (everything but PROMO_CREDIT). */
  original_micro: number;
  /** Σ original_amount over PROMO_CREDIT lines (negative). */
  credit_micro: number;
  discount_micro: number;
  /** Σ amount over every line: what the organization pays. */
  amount_micro: number;
}

export class ConfluentState {
  seed!: ConfluentSeed;
  /** Every line, ordered by day, then as seeded. */
  lines: PricedLine[] = [];
  environments = new Map<string, ConfluentEnvironment>();
  resources = new Map<string, ConfluentResource>();
  private keys = new Map<string, ConfluentApiKey>();

  constructor(seed: ConfluentSeed) {
    this.load(seed);
  }

  load(seed: ConfluentSeed): void {
    this.seed = structuredClone(seed);
    this.environments = new Map(this.seed.environments.map((e) => [e.id, e]));
    this.resources = new Map(this.seed.resources.map((r) => [r.id, r]));
    this.keys = new Map(this.seed.api_keys.map((k) => [k.key, k]));
    this.lines = this.seed.costs
      .map((c, index) => ({ c, index }))
      .sort((a, b) => (a.c.date < b.c.date ? -1 : a.c.date > b.c.date ? 1 : a.index - b.index))
      .map(({ c }) => {
        const original_micro = lineMicro(c.quantity_milli, c.price_micro);
        return { ...c, original_micro, amount_micro: original_micro - c.discount_micro };
      });
  }

  get clockMs(): number {
    return Date.parse(this.seed.clock);
  }

  /** The key, when `secret` matches and the key is not revoked. */
  authenticate(key: string, secret: string): ConfluentApiKey | undefined {
    const found = this.keys.get(key);
    return found && !found.revoked && found.secret === secret ? found : undefined;
  }

  /** Lines whose day is in [start, end), both `YYYY-MM-DD` (string order is date order). */
  linesBetween(start: string, end: string): PricedLine[] {
    return this.lines.filter((l) => l.date >= start && l.date < end);
  }

  /** The simulator's own totals over [start, end) (default: every line). */
  totals(start = '0000-01-01', end = '9999-12-31'): MoneyTotals {
    const t: MoneyTotals = { rows: 0, original_micro: 0, credit_micro: 0, discount_micro: 0, amount_micro: 0 };
    for (const l of this.linesBetween(start, end)) {
      t.rows++;
      if (l.line_type === 'PROMO_CREDIT') t.credit_micro += l.original_micro;
      else t.original_micro += l.original_micro;
      t.discount_micro += l.discount_micro;
      t.amount_micro += l.amount_micro;
    }
    return t;
  }

  snapshot(): ConfluentSeed {
    return structuredClone(this.seed);
  }
}
