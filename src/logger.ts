import { pino, type Logger } from 'pino';

/**
 * Structured logs. Redaction is a second line of defence: code never logs credentials on
 * purpose, but anything shaped like one is censored before it is written.
 */
export const REDACT_PATHS = [
  'authorization',
  '*.authorization',
  '*.Authorization',
  'headers.authorization',
  'req.headers.authorization',
  '*.api_key',
  '*.token',
  '*.password',
  '*.secret',
  '*.client_secret',
  '*.access_token',
  '*.refresh_token',
  'context.*',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '********' }, base: undefined }, destination ?? process.stdout);
}

export type { Logger };
