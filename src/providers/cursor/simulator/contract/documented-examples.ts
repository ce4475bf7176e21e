/**
 * Cursor's documented payloads, transcribed from docs/providers/sources.md. §6.1 and §6.2
 * print JSON examples, copied verbatim. §6.3 and §6.4 print the documented objects as field lists
 * (names, types, units, value sets); these are transcribed into one object each, every listed
 * field present with a value of the documented kind (the §6.2 member's id, name and email; the
 * documented enum values; epoch milliseconds as §2.2 says). The contract test checks that each
 * validates against the schemas in wire-schema.ts, so the schemas say what the documentation says.
 */

/** §6.1, verbatim. */
export const DOCUMENTED_ERROR = { error: 'Too Many Requests', message: 'Rate limit exceeded. Please try again later.' };

/** §6.2, verbatim. */
export const DOCUMENTED_MEMBERS = { teamMembers: [{ id: 12345, name: 'Alex', email: 'developer@company.com', role: 'member', isRemoved: false }] };

/** §6.2: "Older docs had no `id` or `isRemoved`": the current contract must refuse this shape. */
export const OLDER_DOCS_MEMBERS = { teamMembers: [{ name: 'Alex', email: 'developer@company.com', role: 'member' }] };

/** §6.3: the response's vendor-documented fields, `monthlyLimitDollars` null, `hardLimitOverrideDollars` 0 (= no override). */
export const DOCUMENTED_SPEND = {
  teamMemberSpend: [
    {
      userId: 12345,
      spendCents: 1250,
      overallSpendCents: 3250,
      fastPremiumRequests: 40,
      name: 'Alex',
      email: 'developer@company.com',
      role: 'member',
      hardLimitOverrideDollars: 0,
      monthlyLimitDollars: null,
    },
  ],
  subscriptionCycleStart: 1710720000000,
  totalMembers: 1,
  totalPages: 1,
};

/** §6.3 with the fields only third parties report: fractional cents, the effective limit, the top-level counts. */
export const DOCUMENTED_SPEND_THIRD_PARTY = {
  teamMemberSpend: [
    {
      ...DOCUMENTED_SPEND.teamMemberSpend[0],
      spendCents: 1250.125,
      overallSpendCents: 3250.125,
      includedSpendCents: 2000,
      monthlyLimitDollars: 100,
      effectivePerUserLimitDollars: 100,
    },
  ],
  subscriptionCycleStart: 1710720000000,
  totalMembers: 1,
  totalPages: 1,
  limitedUsersCount: 1,
  maxUserSpendCents: 1250.125,
};

/** §6.4: one row of `POST /teams/daily-usage-data` with every listed field, in the paged envelope. */
export const DOCUMENTED_DAILY = {
  data: [
    {
      userId: 12345,
      day: '2024-03-18',
      date: 1710720000000,
      email: 'developer@company.com',
      isActive: true,
      totalLinesAdded: 1543,
      totalLinesDeleted: 892,
      acceptedLinesAdded: 1102,
      acceptedLinesDeleted: 645,
      totalApplies: 87,
      totalAccepts: 73,
      totalRejects: 14,
      totalTabsShown: 342,
      totalTabsAccepted: 289,
      composerRequests: 45,
      chatRequests: 128,
      agentRequests: 12,
      cmdkUsages: 67,
      subscriptionIncludedReqs: 180,
      apiKeyReqs: 0,
      usageBasedReqs: 5,
      bugbotUsages: 3,
      mostUsedModel: 'claude-4-sonnet',
      applyMostUsedExtension: '.tsx',
      tabMostUsedExtension: '.ts',
      clientVersion: '1.5.0',
    },
  ],
  period: { startDate: 1710720000000, endDate: 1710892800000 },
  pagination: { page: 1, pageSize: 100, totalUsers: 1, totalPages: 1, hasNextPage: false, hasPreviousPage: false },
};

/** §6.4: the events envelope with one "Usage-based" event carrying every listed field. */
export const DOCUMENTED_EVENTS = {
  totalUsageEventsCount: 1,
  pagination: { numPages: 1, currentPage: 1, pageSize: 10, hasNextPage: false, hasPreviousPage: false },
  usageEvents: [
    {
      timestamp: '1750979225854',
      userEmail: 'developer@company.com',
      model: 'claude-4-sonnet',
      kind: 'Usage-based',
      maxMode: true,
      requestsCosts: 5,
      isTokenBasedCall: true,
      isChargeable: true,
      isHeadless: false,
      tokenUsage: { inputTokens: 126, outputTokens: 450, cacheWriteTokens: 6112, cacheReadTokens: 11964, totalCents: 20.18232, discountPercentOff: 0 },
      chargedCents: 20.18232,
      cursorTokenFee: 0,
      isFreeBugbot: false,
    },
  ],
  period: { startDate: 1750896000000, endDate: 1750982400000 },
};
