import { z } from 'zod';

/**
 * Cursor's Admin API response shapes as documented, written down as zod schemas: Cursor publishes
 * no OpenAPI file and no SDK (docs/providers/sources-additions.md §2.3, §2.10), so this is the
 * strongest machine-readable contract there is. Every field is the one docs/providers/
 * sources.md names, with its documented type; fields documented only by third parties are
 * optional; objects are strict, so a field the documentation does not name fails validation.
 * Where the documentation is silent, the schema is permissive and says so.
 */

const int = z.number().int();
/** Cents "possibly fractional" (§2.1, §6.3). */
const cents = z.number().min(0);
/** Epoch milliseconds (§2.2). */
const epochMs = z.number().int().min(0);

/** §6.1: `{"error": "...", "message": "..."}` for 400, 401, 403, 404, 429 and 500. */
export const errorSchema = z.strictObject({ error: z.string().min(1), message: z.string() });

/** §6.2: `role` ∈ owner, member, free-owner; `id` and `isRemoved` are in the current docs (older docs had neither). */
export const memberSchema = z.strictObject({
  id: int,
  name: z.string(),
  email: z.string().min(1),
  role: z.enum(['owner', 'member', 'free-owner']),
  isRemoved: z.boolean(),
});
export const membersResponseSchema = z.strictObject({ teamMembers: z.array(memberSchema) });

/** §6.3: a member's spend in the current billing cycle. */
export const spendRowSchema = z.strictObject({
  userId: int,
  spendCents: cents,
  overallSpendCents: cents,
  fastPremiumRequests: int.min(0),
  name: z.string(),
  email: z.string().min(1),
  role: z.string(),
  /** Dollars; 0 = no override. */
  hardLimitOverrideDollars: z.number().min(0),
  /** Dollars, number or null. */
  monthlyLimitDollars: z.number().min(0).nullable(),
  /** Third party (§6.3). */
  effectivePerUserLimitDollars: z.number().min(0).optional(),
  /** Third party (§6.3). */
  includedSpendCents: cents.optional(),
});
export const spendResponseSchema = z.strictObject({
  teamMemberSpend: z.array(spendRowSchema),
  subscriptionCycleStart: epochMs,
  totalMembers: int.min(0),
  totalPages: int.min(0),
  /** Third party (§6.3). */
  limitedUsersCount: int.min(0).optional(),
  /** Third party (§6.3). */
  maxUserSpendCents: cents.optional(),
});

/**
 * §6.4: one member on one day. The docs list the four string fields without saying what an idle
 * day holds; absent and null are both accepted.
 */
const maybeString = z.string().nullable().optional();
const counter = int.min(0);
export const dailyRowSchema = z.strictObject({
  userId: int,
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  date: epochMs,
  email: z.string().min(1),
  isActive: z.boolean(),
  totalLinesAdded: counter,
  totalLinesDeleted: counter,
  acceptedLinesAdded: counter,
  acceptedLinesDeleted: counter,
  totalApplies: counter,
  totalAccepts: counter,
  totalRejects: counter,
  totalTabsShown: counter,
  totalTabsAccepted: counter,
  composerRequests: counter,
  chatRequests: counter,
  agentRequests: counter,
  cmdkUsages: counter,
  subscriptionIncludedReqs: counter,
  apiKeyReqs: counter,
  usageBasedReqs: counter,
  bugbotUsages: counter,
  mostUsedModel: maybeString,
  applyMostUsedExtension: maybeString,
  tabMostUsedExtension: maybeString,
  clientVersion: maybeString,
});
/** The docs name `period` and `pagination`; the array's key, `data`, is Cursor's published example's. */
export const dailyResponseSchema = z.strictObject({
  data: z.array(dailyRowSchema),
  period: z.strictObject({ startDate: epochMs, endDate: epochMs }),
  /** Present when the request pages (without paging only active users come back). */
  pagination: z
    .strictObject({
      page: int.min(1),
      pageSize: int.min(1),
      totalUsers: int.min(0),
      totalPages: int.min(0),
      hasNextPage: z.boolean(),
      hasPreviousPage: z.boolean(),
    })
    .optional(),
});

/** §6.4: one usage event. */
export const eventSchema = z.strictObject({
  /** Epoch ms as a string (§2.2). */
  timestamp: z.string().regex(/^\d+$/),
  userEmail: z.string().min(1),
  model: z.string().min(1),
  /** "Usage-based", "Included in Business", … (the list is open). */
  kind: z.string().min(1),
  maxMode: z.boolean(),
  requestsCosts: z.number().min(0),
  isTokenBasedCall: z.boolean(),
  isChargeable: z.boolean(),
  isHeadless: z.boolean(),
  tokenUsage: z
    .strictObject({
      inputTokens: counter,
      outputTokens: counter,
      cacheWriteTokens: counter,
      cacheReadTokens: counter,
      totalCents: cents,
      discountPercentOff: z.number().min(0).max(100).optional(),
    })
    .optional(),
  chargedCents: cents,
  cursorTokenFee: cents.optional(),
  isFreeBugbot: z.boolean(),
});
export const eventsResponseSchema = z.strictObject({
  totalUsageEventsCount: int.min(0),
  pagination: z.strictObject({ numPages: int.min(0), currentPage: int.min(1), pageSize: int.min(1), hasNextPage: z.boolean(), hasPreviousPage: z.boolean() }),
  usageEvents: z.array(eventSchema),
  period: z.strictObject({ startDate: epochMs, endDate: epochMs }),
});

/** The problems of `value` against `schema`, one line each with its path; empty when it validates. */
export function problems(schema: z.ZodType, value: unknown): string[] {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error.issues.map((i) => `${i.path.map(String).join('.') || '(root)'}: ${i.message}`);
}
