/**
 * GitHub's error body is `basic-error`: `{message, documentation_url, status}` (docs/providers/sources.md
 * §7.1). GitHub sends `status` as a string ("401"), and validation failures add `errors[]`.
 */
export interface GithubErrorBody {
  message: string;
  documentation_url: string;
  status: string;
  errors?: { resource: string; field: string; code: string; message?: string }[];
}

export class GithubApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly documentationUrl: string = DOCS.root,
    readonly extra: { errors?: GithubErrorBody['errors']; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }
}

export function githubErrorBody(status: number, message: string, documentationUrl: string = DOCS.root, errors?: GithubErrorBody['errors']): GithubErrorBody {
  return { message, documentation_url: documentationUrl, status: String(status), ...(errors ? { errors } : {}) };
}

/** The documentation_url GitHub attaches, per operation. */
export const DOCS = {
  root: 'https://docs.github.com/rest',
  listSeats: 'https://docs.github.com/rest/copilot/copilot-user-management#list-all-copilot-seat-assignments-for-an-organization',
  getSeat: 'https://docs.github.com/rest/copilot/copilot-user-management#get-copilot-seat-assignment-details-for-a-user',
  billing: 'https://docs.github.com/rest/copilot/copilot-user-management#get-copilot-seat-information-and-settings-for-an-organization',
  getOrg: 'https://docs.github.com/rest/orgs/orgs#get-an-organization',
  authenticatedUser: 'https://docs.github.com/rest/users/users#get-the-authenticated-user',
  rateLimits: 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api',
  apiVersions: 'https://docs.github.com/rest/about-the-rest-api/api-versions',
  premiumRequestUsage: 'https://docs.github.com/rest/billing/usage#get-billing-premium-request-usage-report-for-an-organization',
  budgets: 'https://docs.github.com/rest/billing/budgets#get-all-budgets-for-an-organization',
  usersMetrics: 'https://docs.github.com/rest/copilot/copilot-usage-metrics#get-copilot-organization-users-usage-metrics-for-a-specific-day',
  organizationMetrics: 'https://docs.github.com/rest/copilot/copilot-usage-metrics#get-copilot-organization-usage-metrics-for-a-specific-day',
} as const;

/**
 * GitHub's own texts where they are well known (`Bad credentials`, `Requires authentication`,
 * `Not Found`, the rate-limit message); the rest are our decision and say so in README.md.
 */
export const MESSAGES = {
  requiresAuthentication: 'Requires authentication',
  badCredentials: 'Bad credentials',
  notFound: 'Not Found',
  notOwner: 'Must be an organization owner to manage Copilot for this organization.',
  notBillingManager: 'You must be an organization owner or billing manager to view billing information.',
  badReportParameter: (name: string, value: string, rule: string) => `Invalid value for ${name}: "${value}". ${rule}`,
  notADay: (date: string) => `Invalid date: ${date} is not a day of the calendar.`,
  tooOld: 'Only data from the past 24 months is accessible via this endpoint.',
  missingScopes: 'Resource not accessible by personal access token',
  rateLimited: (userId: number) => `API rate limit exceeded for user ID ${userId}. If you reach out to GitHub Support for help, please include the request ID.`,
  unsupportedVersion: (version: string) => `API version ${version} is not supported.`,
  validationFailed: 'Validation Failed',
  serverError: 'Server Error',
  unavailable: 'Service Unavailable',
  secondaryRateLimit: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
} as const;

/** Default message for an injected fault that brings no body of its own. */
export function faultMessage(status: number): string {
  switch (status) {
    case 401:
      return MESSAGES.badCredentials;
    case 403:
    case 429:
      return MESSAGES.secondaryRateLimit;
    case 404:
      return MESSAGES.notFound;
    case 422:
      return MESSAGES.validationFailed;
    case 500:
      return MESSAGES.serverError;
    case 502:
      return 'Server Error';
    case 503:
      return MESSAGES.unavailable;
    default:
      return `simulated failure (HTTP ${status})`;
  }
}
