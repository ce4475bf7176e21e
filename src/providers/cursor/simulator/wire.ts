import { centsOf } from './pricing.ts';
import type { DailyRow, MemberCycleSpend, PricedEvent } from './state.ts';
import type { CursorMember } from './seed-schema.ts';

/**
 * Cursor's JSON shapes (docs/providers/sources.md §6.2–§6.4), field for field and in the
 * documented order. Cents are fractional numbers with at most three decimals (millicents / 1000);
 * dates are epoch milliseconds, and an event's `timestamp` is epoch ms as a string (§2.2).
 */
export interface WireMember {
  id: number;
  name: string;
  email: string;
  role: string;
  isRemoved: boolean;
}

export function memberWire(m: CursorMember): WireMember {
  return { id: m.id, name: m.name, email: m.email, role: m.role, isRemoved: m.removed !== null };
}

export interface WireSpend {
  userId: number;
  spendCents: number;
  overallSpendCents: number;
  includedSpendCents: number;
  fastPremiumRequests: number;
  name: string;
  email: string;
  role: string;
  hardLimitOverrideDollars: number;
  monthlyLimitDollars: number | null;
  effectivePerUserLimitDollars?: number;
}

export function spendWire(s: MemberCycleSpend): WireSpend {
  const m = s.member;
  return {
    userId: m.id,
    spendCents: centsOf(s.onDemandMc),
    overallSpendCents: centsOf(s.onDemandMc + s.includedMc),
    includedSpendCents: centsOf(s.includedMc),
    fastPremiumRequests: s.fastPremiumRequests,
    name: m.name,
    email: m.email,
    role: m.role,
    hardLimitOverrideDollars: m.hard_limit_override_dollars,
    monthlyLimitDollars: m.monthly_limit_dollars,
    ...(m.effective_per_user_limit_dollars !== undefined ? { effectivePerUserLimitDollars: m.effective_per_user_limit_dollars } : {}),
  };
}

/** The model used most that day (ties: alphabetical), or undefined on a day without requests. */
function mostUsed(events: PricedEvent[]): string | undefined {
  const counts = new Map<string, number>();
  for (const e of events) if (e.event.type !== 'bugbot') counts.set(e.event.model, (counts.get(e.event.model) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
}

export function dailyWire(r: DailyRow): Record<string, unknown> {
  const a = r.activity;
  const count = (pred: (e: PricedEvent) => boolean) => r.events.filter(pred).length;
  const type = (t: string) => count((e) => e.event.type === t);
  const kind = (k: string) => count((e) => e.event.kind === k && e.event.type !== 'bugbot');
  const model = mostUsed(r.events);
  return {
    userId: r.member.id,
    day: r.day,
    date: r.dayMs,
    email: r.member.email,
    isActive: r.isActive,
    totalLinesAdded: a?.lines_added ?? 0,
    totalLinesDeleted: a?.lines_deleted ?? 0,
    acceptedLinesAdded: a?.accepted_lines_added ?? 0,
    acceptedLinesDeleted: a?.accepted_lines_deleted ?? 0,
    totalApplies: a?.applies ?? 0,
    totalAccepts: a?.accepts ?? 0,
    totalRejects: a?.rejects ?? 0,
    totalTabsShown: a?.tabs_shown ?? 0,
    totalTabsAccepted: a?.tabs_accepted ?? 0,
    composerRequests: type('composer'),
    chatRequests: type('chat'),
    agentRequests: type('agent'),
    cmdkUsages: type('cmdk'),
    subscriptionIncludedReqs: kind('Included in Business'),
    apiKeyReqs: kind('User API Key'),
    usageBasedReqs: kind('Usage-based'),
    bugbotUsages: type('bugbot'),
    ...(model !== undefined ? { mostUsedModel: model } : {}),
    ...(a?.apply_extension !== undefined ? { applyMostUsedExtension: a.apply_extension } : {}),
    ...(a?.tab_extension !== undefined ? { tabMostUsedExtension: a.tab_extension } : {}),
    ...(a !== undefined ? { clientVersion: a.client_version } : {}),
  };
}

export function eventWire(p: PricedEvent): Record<string, unknown> {
  const e = p.event;
  return {
    timestamp: String(p.ms),
    userEmail: p.email,
    model: e.model,
    kind: e.kind,
    maxMode: e.max_mode,
    requestsCosts: e.kind === 'Errored, Not Charged' ? 0 : e.max_mode ? 2 : 1,
    isTokenBasedCall: e.tokens !== null,
    isChargeable: e.kind === 'Usage-based',
    isHeadless: e.headless,
    ...(e.tokens
      ? {
          tokenUsage: {
            inputTokens: e.tokens.input,
            outputTokens: e.tokens.output,
            cacheWriteTokens: e.tokens.cache_write,
            cacheReadTokens: e.tokens.cache_read,
            totalCents: centsOf(p.totalMc),
          },
        }
      : {}),
    chargedCents: centsOf(p.chargedMc),
    ...(e.kind === 'Usage-based' ? { cursorTokenFee: centsOf(p.feeMc) } : {}),
    isFreeBugbot: e.type === 'bugbot',
  };
}
