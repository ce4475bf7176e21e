import { addTokens, priceAggregate, zeroTokens, type PricedLine, type TokenCounts } from './pricing.ts';
import type { AnthropicInvite, AnthropicSeed, AnthropicSpendLimit, AnthropicUser, AnthropicWorkspace, UsageRecord } from './seed-schema.ts';

export const DAY_MS = 86_400_000;

/** The report dimensions a usage record carries (the messages report's group_by keys). */
export interface UsageDims {
  account_id: string | null;
  api_key_id: string | null;
  workspace_id: string | null;
  model: string;
  service_tier: UsageRecord['service_tier'];
  context_window: UsageRecord['context_window'];
  inference_geo: UsageRecord['inference_geo'];
}

export interface TimedRecord extends UsageRecord {
  ms: number;
}

/** Usage of one day with the same dimensions: the pricing grain (pricing.ts). */
export interface DailyAggregate {
  dims: UsageDims;
  counts: TokenCounts;
  lines: PricedLine[];
}

/** What one member did on one day, for analytics/users. */
export interface ActivityDay {
  records: number;
  web_search_requests: number;
  output_tokens: number;
  /** Records on Opus models, counted as "thinking" messages. */
  opus_records: number;
}

export const dayStart = (ms: number) => Math.floor(ms / DAY_MS) * DAY_MS;
const dimsKey = (d: UsageDims) => [d.account_id, d.api_key_id, d.workspace_id, d.model, d.service_tier, d.context_window, d.inference_geo].join('|');

/**
 * The live state behind every route: the seed plus indexes and the derived money. Costs are
 * computed once per load from the records and the price table (never stored), so the cost report,
 * spend-to-date and a priced usage report cannot disagree.
 */
export class AnthropicState {
  seed!: AnthropicSeed;
  users: AnthropicUser[] = [];
  invites: AnthropicInvite[] = [];
  workspaces: AnthropicWorkspace[] = [];
  /** Usage records sorted by time. */
  records: TimedRecord[] = [];
  /** Day (UTC midnight, ms) → that day's priced aggregates. */
  daily = new Map<number, DailyAggregate[]>();
  /** Day → member id → activity. */
  activity = new Map<number, Map<string, ActivityDay>>();
  clockMs = 0;
  private adminKeys = new Map<string, { revoked: boolean }>();
  private apiKeySecrets = new Set<string>();

  constructor(seed: AnthropicSeed) {
    this.load(seed);
  }

  load(seed: AnthropicSeed): void {
    this.seed = structuredClone(seed);
    this.clockMs = Date.parse(seed.clock);
    this.users = this.seed.users;
    this.invites = this.seed.invites;
    this.workspaces = this.seed.workspaces;
    this.adminKeys = new Map(this.seed.admin_keys.map((k) => [k.key, { revoked: k.revoked }]));
    this.apiKeySecrets = new Set(this.seed.api_keys.flatMap((k) => (k.key ? [k.key] : [])));
    this.records = this.seed.usage.map((r) => ({ ...r, ms: Date.parse(r.at) })).sort((a, b) => a.ms - b.ms);
    this.daily = new Map();
    this.activity = new Map();
    const byDay = new Map<number, Map<string, { dims: UsageDims; counts: TokenCounts }>>();
    for (const r of this.records) {
      const day = dayStart(r.ms);
      const dims: UsageDims = {
        account_id: r.account_id,
        api_key_id: r.api_key_id,
        workspace_id: r.workspace_id,
        model: r.model,
        service_tier: r.service_tier,
        context_window: r.context_window,
        inference_geo: r.inference_geo,
      };
      const aggregates = byDay.get(day) ?? new Map();
      byDay.set(day, aggregates);
      const key = dimsKey(dims);
      const agg = aggregates.get(key) ?? { dims, counts: zeroTokens() };
      aggregates.set(key, agg);
      addTokens(agg.counts, r);
      if (r.account_id) {
        const members = this.activity.get(day) ?? new Map<string, ActivityDay>();
        this.activity.set(day, members);
        const a = members.get(r.account_id) ?? { records: 0, web_search_requests: 0, output_tokens: 0, opus_records: 0 };
        members.set(r.account_id, a);
        a.records++;
        a.web_search_requests += r.web_search_requests;
        a.output_tokens += r.output_tokens;
        if (/opus/i.test(r.model)) a.opus_records++;
      }
    }
    for (const [day, aggregates] of byDay) {
      this.daily.set(
        day,
        [...aggregates.values()].map((a) => ({ ...a, lines: priceAggregate(this.seed.pricing, a.dims, a.counts) })),
      );
    }
  }

  snapshot(): AnthropicSeed {
    return structuredClone(this.seed);
  }

  /** `admin`: a live admin key; `api`: an ordinary key (refused on admin endpoints); else unknown. */
  keyKind(secret: string): 'admin' | 'api' | 'unknown' {
    const admin = this.adminKeys.get(secret);
    if (admin) return admin.revoked ? 'unknown' : 'admin';
    return this.apiKeySecrets.has(secret) ? 'api' : 'unknown';
  }

  user(id: string): AnthropicUser | undefined {
    return this.users.find((u) => u.id === id);
  }

  invite(id: string): AnthropicInvite | undefined {
    return this.invites.find((i) => i.id === id);
  }

  workspace(id: string): AnthropicWorkspace | undefined {
    return this.workspaces.find((w) => w.id === id);
  }

  /** Index of the first record at or after `ms` (records are sorted). */
  firstRecordAt(ms: number): number {
    let lo = 0;
    let hi = this.records.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.records[mid].ms < ms) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Sum of a member's priced lines over [fromMs, toMs), in milli-cents. */
  spendOf(userId: string, fromMs: number, toMs: number): bigint {
    let total = 0n;
    for (let day = dayStart(fromMs); day < toMs; day += DAY_MS) {
      for (const agg of this.daily.get(day) ?? []) {
        if (agg.dims.account_id !== userId) continue;
        for (const line of agg.lines) total += line.milli;
      }
    }
    return total;
  }

  /** Sum of every priced line of one day, in milli-cents: what the ungrouped cost report says. */
  dayCost(dayMs: number): bigint {
    let total = 0n;
    for (const agg of this.daily.get(dayStart(dayMs)) ?? []) for (const line of agg.lines) total += line.milli;
    return total;
  }

  spendLimitsOf(userId: string): AnthropicSpendLimit[] {
    return this.seed.spend_limits.filter((s) => s.user_id === userId);
  }
}
