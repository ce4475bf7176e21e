/**
 * Cursor's Admin API error body (docs/providers/sources.md §6.1): `{"error": <reason
 * phrase>, "message": <detail>}` for 400, 401, 403, 404, 429 and 500 alike. The reason phrases
 * and the documented messages are kept verbatim; the other messages are ours (Cursor documents
 * none) and say what to fix.
 */
export interface CursorErrorBody {
  error: string;
  message: string;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function reasonPhrase(status: number): string {
  return REASONS[status] ?? (status >= 500 ? 'Internal Server Error' : 'Bad Request');
}

export function cursorErrorBody(status: number, message: string): CursorErrorBody {
  return { error: reasonPhrase(status), message };
}

/** Thrown by handlers and body parsing; the route gate turns it into the body above. */
export class CursorApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new CursorApiError(400, message);

export const MESSAGES = {
  /** §6.1, verbatim. */
  rateLimited: 'Rate limit exceeded. Please try again later.',
  missingAuth: 'Authentication required. Send the Admin API key as the HTTP Basic username (empty password).',
  invalidKey: 'Invalid API key',
  notFound: 'Not Found',
} as const;

/** Message of an injected fault that brings no body of its own. */
export function faultMessage(status: number): string {
  if (status === 429) return MESSAGES.rateLimited;
  if (status === 401) return MESSAGES.invalidKey;
  if (status >= 500) return 'An unexpected error occurred. Please try again later.';
  return reasonPhrase(status);
}
