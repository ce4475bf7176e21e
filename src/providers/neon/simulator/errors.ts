import type { SimContext } from '../../../simulator-kit/simulator-app.ts';

/**
 * Neon's error body is `GeneralError`: `code` is in practice always "" (docs/providers/neon.md §5), and
 * `request_id` echoes the caller's X-Request-ID or else the id we put in the response header.
 */
export interface NeonErrorBody {
  code: string;
  message: string;
  request_id: string;
}

export class NeonApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function neonErrorBody(c: SimContext, message: string): NeonErrorBody {
  const supplied = c.req.header('x-request-id')?.trim();
  return { code: '', message, request_id: supplied || c.get('requestId') };
}

/** Messages are our decision where Neon documents none (docs/providers/neon.md §9). */
export const MESSAGES = {
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  notFound: 'Not Found',
  orgKeyNotAllowed: 'not allowed for organization API keys',
  outsideProject: 'the requested resource is outside the project this API key is scoped to',
  rateLimited: 'rate limit exceeded',
  invalidCursor: 'invalid cursor',
  invalidLimit: 'invalid request: limit must be between 1 and 500',
  lastAdminRemove: 'cannot remove the last admin of the organization',
  lastAdminDemote: 'cannot change the role of the last admin of the organization',
} as const;

/** Default message for an injected fault that brings no body of its own. */
export function faultMessage(status: number): string {
  switch (status) {
    case 429:
      return MESSAGES.rateLimited;
    case 423:
      return 'resource is locked: a conflicting operation is in progress, retry later';
    case 503:
      return 'service unavailable, retry later';
    case 500:
      return 'internal server error';
    case 401:
      return MESSAGES.unauthorized;
    case 403:
      return MESSAGES.forbidden;
    case 404:
      return MESSAGES.notFound;
    default:
      return `simulated failure (HTTP ${status})`;
  }
}
