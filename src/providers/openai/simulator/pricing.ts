import type { OpenAIPrice, PriceItem, UsageRecord } from './seed-schema.ts';

/**
 * Usage → cost line items (docs/providers/sources.md §4.7). The costs endpoint never holds
 * money of its own: every amount is a seed usage record priced by the seed's price table, so
 * "costs add up" by construction. Money is integer arithmetic throughout: prices are integer
 * micro-dollars per million units, each line is rounded half-up to whole cents once (like an
 * invoice line), and dollars appear only at the wire, as `cents / 100`.
 */

/** One billable quantity of one usage record. */
export interface LineQuantity {
  /** OpenAI's `line_item`, e.g. `gpt-4o, cached input`. */
  line_item: string;
  /** The price-table product: the model, or the usage kind for model-less kinds. */
  product: string;
  item: PriceItem;
  quantity: number;
  /** OpenAI's `quantity_unit` (null where none of its units applies). */
  quantity_unit: string | null;
}

/** A priced line: (day, project, API key, line item), the grain every costs grouping sums. */
export interface CostLine {
  date: string;
  project_id: string;
  api_key_id: string | null;
  line_item: string;
  quantity: number;
  quantity_unit: string | null;
  cents: number;
}

const ITEM_LABEL: Record<PriceItem, string> = {
  input: 'input',
  cached_input: 'cached input',
  output: 'output',
  images: 'images',
  characters: 'characters',
  seconds: 'seconds',
  storage: 'storage',
  sessions: 'sessions',
};

const line = (product: string, item: PriceItem, quantity: number, unit: string | null, label?: string): LineQuantity => ({
  line_item: label ?? `${product}, ${ITEM_LABEL[item]}`,
  product,
  item,
  quantity,
  quantity_unit: unit,
});

/** The billable quantities of one record; zero quantities are left out. */
export function lineQuantities(r: UsageRecord): LineQuantity[] {
  let lines: LineQuantity[];
  switch (r.kind) {
    case 'completions':
      // Cache-write tokens bill at the input rate; cached reads at the cached rate.
      lines = [
        line(r.model, 'input', r.input_tokens - r.input_cached_tokens, 'tokens'),
        line(r.model, 'cached_input', r.input_cached_tokens, 'tokens'),
        line(r.model, 'output', r.output_tokens, 'tokens'),
      ];
      break;
    case 'embeddings':
    case 'moderations':
      lines = [line(r.model, 'input', r.input_tokens, 'tokens')];
      break;
    case 'images':
      lines = [line(r.model, 'images', r.images, 'images')];
      break;
    case 'audio_speeches':
      lines = [line(r.model, 'characters', r.characters, 'characters')];
      break;
    case 'audio_transcriptions':
      lines = [line(r.model, 'seconds', r.seconds, 'duration_seconds')];
      break;
    case 'vector_stores':
      lines = [line('vector_stores', 'storage', r.usage_bytes, null, 'vector store storage')];
      break;
    case 'code_interpreter_sessions':
      lines = [line('code_interpreter_sessions', 'sessions', r.num_sessions, null, 'code interpreter sessions')];
      break;
  }
  return lines.filter((l) => l.quantity > 0);
}

/** quantity × price (µ$ per million) in whole cents, rounded half-up; BigInt so nothing overflows. */
export function priceCents(quantity: number, microUsdPerMillion: number): number {
  // µ$ per million units → cents: divide by 1e6 (per unit) and by 1e4 (µ$ per cent).
  const scaled = BigInt(quantity) * BigInt(microUsdPerMillion);
  const divisor = 10_000_000_000n;
  return Number((scaled + divisor / 2n) / divisor);
}

export type PriceTable = Map<string, number>;

export function priceTable(prices: OpenAIPrice[]): PriceTable {
  return new Map(prices.map((p) => [`${p.product} ${p.item}`, p.micro_usd_per_million]));
}

/**
 * Every priced line of the records: quantities summed per (day, project, key, line item) first,
 * then priced and rounded once. Unpriced products (moderations) are free and have no line.
 */
export function costLines(records: UsageRecord[], prices: PriceTable): CostLine[] {
  const lines = new Map<string, CostLine & { price: number }>();
  for (const r of records) {
    const apiKey = 'api_key_id' in r ? r.api_key_id : null;
    for (const q of lineQuantities(r)) {
      const price = prices.get(`${q.product} ${q.item}`);
      if (price === undefined) continue;
      const key = `${r.date}|${r.project_id}|${apiKey ?? ''}|${q.line_item}`;
      const existing = lines.get(key);
      if (existing) existing.quantity += q.quantity;
      else
        lines.set(key, {
          date: r.date,
          project_id: r.project_id,
          api_key_id: apiKey,
          line_item: q.line_item,
          quantity: q.quantity,
          quantity_unit: q.quantity_unit,
          cents: 0,
          price,
        });
    }
  }
  return [...lines.values()].map(({ price, ...l }) => ({ ...l, cents: priceCents(l.quantity, price) }));
}

/** Dollars as OpenAI sends them (a JSON number): exact, since cents / 100 is the double nearest the decimal. */
export function centsToDollars(cents: number): number {
  return cents / 100;
}
