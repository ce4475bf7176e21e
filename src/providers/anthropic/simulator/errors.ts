/**
 * Anthropic's error body (docs/providers/sources.md §5.1):
 * `{"type":"error","error":{"type":…,"message":…},"request_id":…}`, with `error.details.error_code`
 * on the typed errors the SDK turns into subclasses (e.g. `organization_type_not_supported`).
 */
export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'billing_error'
  | 'permission_error'
  | 'not_found_error'
  | 'conflict_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType; message: string; details?: { error_code: string } };
  request_id: string;
}

export function errorTypeFor(status: number): AnthropicErrorType {
  switch (status) {
    case 400:
    case 422:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 409:
      return 'conflict_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return 'api_error';
  }
}

export function anthropicErrorBody(requestId: string, status: number, message: string, errorCode?: string): AnthropicErrorBody {
  return {
    type: 'error',
    error: { type: errorTypeFor(status), message, ...(errorCode ? { details: { error_code: errorCode } } : {}) },
    request_id: requestId,
  };
}

/** Thrown by handlers for any non-200 answer; route-kit renders it. */
export class AnthropicApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: { errorCode?: string; headers?: Record<string, string> } = {},
  ) {
    super(message);
  }
}

export const invalid = (message: string) => new AnthropicApiError(400, message);

/**
 * Anthropic's own texts where they are known (the authentication and version messages, the 404
 * text of its errors page); the rest are ours and the README says so.
 */
export const MESSAGES = {
  missingKey: 'x-api-key header is required',
  invalidKey: 'invalid x-api-key',
  missingVersion: 'anthropic-version: header is required',
  notFound: 'The requested resource could not be found.',
  permission: 'Your API key does not have permission to use the specified resource.',
  rateLimited: (limit: number) => `This request would exceed your organization's rate limit of ${limit} Admin API requests per minute. Please try again later.`,
  enterpriseOnly: 'This endpoint is supported for Claude Enterprise organizations only, not for Claude Console organizations.',
  serverError: 'Internal server error',
  overloaded: 'Overloaded',
} as const;

/** Default message of an injected fault that brings no body of its own. */
export function faultMessage(status: number): string {
  switch (status) {
    case 401:
      return MESSAGES.invalidKey;
    case 403:
      return MESSAGES.permission;
    case 404:
      return MESSAGES.notFound;
    case 429:
      return MESSAGES.rateLimited(300);
    case 500:
      return MESSAGES.serverError;
    case 529:
      return MESSAGES.overloaded;
    default:
      return `simulated failure (HTTP ${status})`;
  }
}
