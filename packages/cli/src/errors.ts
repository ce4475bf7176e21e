/**
 * Exit codes: 0 success, 1 the API (or a mapping run) failed, 2 the command line was wrong.
 * A UsageError is the user's input explained (bad JSON in -b, a missing argument); it is never
 * printed with a stack trace.
 */
export const EXIT_OK = 0;
export const EXIT_API = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A failure that is not the server's and not a usage error: a mapping that throws, a record not found locally. */
export class CommandFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandFailure';
  }
}
