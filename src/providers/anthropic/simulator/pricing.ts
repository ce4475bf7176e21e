import type { AnthropicPricing, UsageRecord } from './seed-schema.ts';

/**
 * Money in the simulator: every amount is an integer number of **milli-cents** (1/1000 cent),
 * computed with BigInt from the seed's price table, so no float ever drifts and every report that
 * sums the same lines agrees to the last digit. Anthropic writes money as decimal strings of cents
 * (docs/providers/sources.md §2.1: `"123.45"` = $1.2345); formatCents renders milli-cents
 * that way, with at most 3 decimals and no trailing zeros.
 *
 * Pricing grain: a line is one token type (or web search) of one **daily** aggregate of usage
 * records that share every report dimension (account, key, workspace, model, tier, context window,
 * geo). Each line is rounded half up to whole milli-cents once; every cost figure (cost report in
 * any grouping, period-to-date spend) is a sum of these lines. So pricing a `1d` usage report
 * grouped by every dimension with the same table reproduces the cost report exactly.
 */

export const TOKEN_TYPES = [
  'uncached_input_tokens',
  'cache_creation.ephemeral_5m_input_tokens',
  'cache_creation.ephemeral_1h_input_tokens',
  'cache_read_input_tokens',
  'output_tokens',
] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

/** The token counts of a usage aggregate, as the messages report names them. */
export interface TokenCounts {
  uncached_input_tokens: number;
  cache_creation_5m: number;
  cache_creation_1h: number;
  cache_read_input_tokens: number;
  output_tokens: number;
  web_search_requests: number;
}

export function zeroTokens(): TokenCounts {
  return { uncached_input_tokens: 0, cache_creation_5m: 0, cache_creation_1h: 0, cache_read_input_tokens: 0, output_tokens: 0, web_search_requests: 0 };
}

export function addTokens(into: TokenCounts, r: TokenCounts | UsageRecord): void {
  into.uncached_input_tokens += r.uncached_input_tokens;
  into.cache_creation_5m += r.cache_creation_5m;
  into.cache_creation_1h += r.cache_creation_1h;
  into.cache_read_input_tokens += r.cache_read_input_tokens;
  into.output_tokens += r.output_tokens;
  into.web_search_requests += r.web_search_requests;
}

export function tokensOf(counts: TokenCounts, type: TokenType): number {
  switch (type) {
    case 'uncached_input_tokens':
      return counts.uncached_input_tokens;
    case 'cache_creation.ephemeral_5m_input_tokens':
      return counts.cache_creation_5m;
    case 'cache_creation.ephemeral_1h_input_tokens':
      return counts.cache_creation_1h;
    case 'cache_read_input_tokens':
      return counts.cache_read_input_tokens;
    case 'output_tokens':
      return counts.output_tokens;
  }
}

/** How the cost report's `description` names a token type. */
const TOKEN_LABEL: Record<TokenType, string> = {
  uncached_input_tokens: 'Input Tokens',
  'cache_creation.ephemeral_5m_input_tokens': 'Cache Write (5m) Input Tokens',
  'cache_creation.ephemeral_1h_input_tokens': 'Cache Write (1h) Input Tokens',
  cache_read_input_tokens: 'Cache Read Input Tokens',
  output_tokens: 'Output Tokens',
};

const PRICE_FIELD: Record<TokenType, 'input' | 'cache_write_5m' | 'cache_write_1h' | 'cache_read' | 'output'> = {
  uncached_input_tokens: 'input',
  'cache_creation.ephemeral_5m_input_tokens': 'cache_write_5m',
  'cache_creation.ephemeral_1h_input_tokens': 'cache_write_1h',
  cache_read_input_tokens: 'cache_read',
  output_tokens: 'output',
};

/** `a / b` rounded half up, for non-negative BigInts. */
function divRoundHalfUp(a: bigint, b: bigint): bigint {
  return (a * 2n + b) / (b * 2n);
}

/** A price in cents (≤ 3 decimals, validated by the seed schema) as integer milli-cents. */
export function toMilli(cents: number): bigint {
  return BigInt(Math.round(cents * 1000));
}

export interface PricedLine {
  cost_type: 'tokens' | 'web_search';
  token_type: TokenType | null;
  /** null for web search, which is not a model's charge. */
  model: string | null;
  service_tier: string | null;
  context_window: string | null;
  description: string;
  milli: bigint;
}

/** The cost lines of one daily aggregate (see the module comment for the grain). */
export function priceAggregate(
  pricing: AnthropicPricing,
  dims: { model: string; service_tier: UsageRecord['service_tier']; context_window: string },
  counts: TokenCounts,
): PricedLine[] {
  const price = pricing.models.find((m) => m.model === dims.model);
  if (!price) throw new Error(`no price for model ${dims.model}`);
  const percent = BigInt(pricing.tier_percent[dims.service_tier]);
  // The description must tell lines apart, since grouping by it merges lines with the same text.
  const tierLabel = dims.service_tier === 'standard' ? '' : ` (${dims.service_tier[0].toUpperCase()}${dims.service_tier.slice(1)})`;
  const contextLabel = dims.context_window === '200k-1M' ? ' (Long Context)' : '';
  const lines: PricedLine[] = [];
  for (const type of TOKEN_TYPES) {
    const tokens = tokensOf(counts, type);
    if (tokens === 0) continue;
    // tokens × (milli-cents per million tokens) × tier% / (1e6 × 100)
    const milli = divRoundHalfUp(BigInt(tokens) * toMilli(price[PRICE_FIELD[type]]) * percent, 100_000_000n);
    lines.push({
      cost_type: 'tokens',
      token_type: type,
      model: dims.model,
      service_tier: dims.service_tier,
      context_window: dims.context_window,
      description: `${price.display_name} Usage${tierLabel}${contextLabel} - ${TOKEN_LABEL[type]}`,
      milli,
    });
  }
  if (counts.web_search_requests > 0) {
    lines.push({
      cost_type: 'web_search',
      token_type: null,
      model: null,
      service_tier: null,
      context_window: null,
      description: 'Web Search Usage',
      milli: divRoundHalfUp(BigInt(counts.web_search_requests) * toMilli(pricing.web_search_per_1000), 1000n),
    });
  }
  return lines;
}

/** Milli-cents as Anthropic's decimal string of cents: 123450 → "123.45", 1500000 → "1500", 100 → "0.1". */
export function formatCents(milli: bigint): string {
  const negative = milli < 0n;
  const abs = negative ? -milli : milli;
  const whole = abs / 1000n;
  const frac = (abs % 1000n).toString().padStart(3, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}`;
}

/** The inverse of formatCents, for tests and clients: "123.45" → 123450n. Throws on more than 3 decimals. */
export function parseCents(text: string): bigint {
  const m = /^(-?)(\d+)(?:\.(\d{1,3}))?$/.exec(text);
  if (!m) throw new Error(`not a cents amount with at most 3 decimals: ${text}`);
  const value = BigInt(m[2]) * 1000n + BigInt((m[3] ?? '').padEnd(3, '0') || '0');
  return m[1] ? -value : value;
}
