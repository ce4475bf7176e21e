import { AsyncLocalStorage } from 'node:async_hooks';
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

/** One attempt of an upstream call as the request log shows it (the URL already through redactUrl). */
export interface UpstreamLogEntry {
  method: string;
  url: string;
  status: number | null;
  /** Why an attempt has no status: `timeout`, `network`, or the sender's refusal code. */
  error?: string;
  ms: number;
  attempt: number;
  role: string;
}

/**
 * What the one log line of a request says about it, filled in by the layers that know each part
 * (http: the request; services: account, integration, model, resource, method; the engine's
 * observer: the upstream calls). Held in AsyncLocalStorage so that no layer passes it down.
 */
export interface RequestLogRecord {
  request_id: string;
  account_id?: string;
  integration?: string;
  model?: string;
  resource?: string;
  /** The unified or proxy method (list, get, create, a custom method…), not the HTTP verb. */
  resource_method?: string;
  upstream: UpstreamLogEntry[];
  /** All attempts, including those left out of `upstream` past its cap. */
  upstream_calls: number;
}

/** At most this many attempts in one line: the first few and the last ones (where failures are). */
const UPSTREAM_LOG_CAP = 50;
const UPSTREAM_LOG_HEAD = 10;

const requestScope = new AsyncLocalStorage<RequestLogRecord>();

export function runInRequestScope<T>(record: RequestLogRecord, fn: () => T): T {
  return requestScope.run(record, fn);
}

/** The request this code runs for, if any (background work and the CLI have none). */
export function currentRequestLog(): RequestLogRecord | undefined {
  return requestScope.getStore();
}

/** Adds what this layer knows to the request's log line; a no-op outside a request. */
export function annotateRequest(fields: Partial<Pick<RequestLogRecord, 'account_id' | 'integration' | 'model' | 'resource' | 'resource_method'>>): void {
  const record = requestScope.getStore();
  if (record) Object.assign(record, fields);
}

export function recordUpstreamAttempt(entry: UpstreamLogEntry): void {
  const record = requestScope.getStore();
  if (!record) return;
  record.upstream_calls++;
  // A stream that follows 200 pages must not make a 200-entry line: drop from the middle.
  if (record.upstream.length >= UPSTREAM_LOG_CAP) record.upstream.splice(UPSTREAM_LOG_HEAD, 1);
  record.upstream.push(entry);
}

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '********' },
      base: undefined,
      // Every line written while serving a request (a warning from a service, a token refresh)
      // carries its request id, so one grep finds all of it.
      mixin: () => {
        const record = requestScope.getStore();
        return record ? { request_id: record.request_id } : {};
      },
    },
    destination ?? process.stdout,
  );
}

export type { Logger };
