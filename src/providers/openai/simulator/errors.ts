/**
 * OpenAI's error body (docs/providers/sources.md §4.1):
 * `{"error":{"message","type","param","code"}}`, all four keys always present (null allowed).
 * Texts are OpenAI's where they are well known (missing and incorrect keys, insufficient scopes,
 * rate limits); validation messages follow the style of OpenAI's parameter errors, which the
 * admin API does not document.
 */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

export class OpenAIApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): OpenAIErrorBody {
    return openaiErrorBody(this.message, this.type, this.param, this.code);
  }
}

export function openaiErrorBody(message: string, type = 'invalid_request_error', param: string | null = null, code: string | null = null): OpenAIErrorBody {
  return { error: { message, type, param, code } };
}

/** `sk-admin-AbCd…wxyz` → `sk-admin-********wxyz`, the way OpenAI echoes a wrong key. */
export function maskKey(key: string): string {
  if (key.length <= 8) return '*'.repeat(key.length);
  const prefix = /^sk-(?:admin-|proj-|svcacct-)?/.exec(key)?.[0] ?? key.slice(0, 3);
  return `${prefix}${'*'.repeat(Math.max(4, key.length - prefix.length - 4))}${key.slice(-4)}`;
}

export const MESSAGES = {
  missingKey:
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
  incorrectKey: (key: string) => `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
  insufficientScope: (scope: string) =>
    `You have insufficient permissions for this operation. Missing scopes: ${scope}. Check that you have the correct role in your organization, and if you're using a restricted API key, that it has the necessary scopes.`,
  rateLimited: (org: string, limit: number, retryAfter: number) =>
    `Rate limit reached for admin API requests in organization ${org} on requests per min (RPM): Limit ${limit}, Used ${limit}, Requested 1. Please try again in ${retryAfter}s. Visit https://platform.openai.com/account/rate-limits to learn more.`,
  missingParam: (name: string) => `Missing required parameter: '${name}'.`,
  invalidInteger: (name: string, got: string) => `Invalid '${name}': expected an integer, but got '${got}' instead.`,
  outOfRange: (name: string, min: number, max: number, got: number, context = '') =>
    `Invalid '${name}': expected a value between ${min} and ${max}${context}, but got ${got} instead.`,
  invalidEnum: (name: string, allowed: readonly string[], got: string) =>
    `Invalid value for '${name}': '${got}'. Supported values are: ${allowed.map((a) => `'${a}'`).join(', ')}.`,
  invalidPage: "Invalid 'page': the page token is malformed or does not belong to this query.",
  invalidAfter: (id: string) => `Invalid 'after': no object with id '${id}' in this list.`,
  endBeforeStart: "Invalid 'end_time': must be greater than 'start_time'.",
  notFound: (what: string, id: string) => `No ${what} found with id '${id}'.`,
  invalidUrl: (method: string, path: string) => `Invalid URL (${method} ${path})`,
};

/** Texts for injected faults and the kit's own errors, per status (OpenAI's for 5xx and 429). */
export function faultMessage(status: number): string {
  switch (status) {
    case 400:
      return 'Bad request.';
    case 401:
      return MESSAGES.missingKey;
    case 403:
      return MESSAGES.insufficientScope('api.usage.read');
    case 404:
      return 'Not found.';
    case 429:
      return 'Rate limit reached for admin API requests. Please try again later.';
    case 503:
      return 'The server is overloaded or not ready yet.';
    default:
      return status >= 500 ? 'The server had an error while processing your request. Sorry about that!' : `HTTP ${status}`;
  }
}

/** OpenAI's `type` per status, for bodies the kit builds (faults, unknown routes, crashes). */
export function typeForStatus(status: number): string {
  if (status === 429) return 'requests';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}
