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
 * observer: the upstream calls). Passed down explicitly (the HTTP context, the services' request,
 * the execution), not held in AsyncLocalStorage: its promise hooks doubled the cost of JSONata
 * evaluation, which awaits a promise per step (npm run bench: 78 → 156 µs per mapped member).
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

/** Adds what a layer knows to the request's log line; a no-op without one (background work, the CLI). */
export function annotateRequest(
  record: RequestLogRecord | undefined,
  fields: Partial<Pick<RequestLogRecord, 'account_id' | 'integration' | 'model' | 'resource' | 'resource_method'>>,
): void {
  if (record) Object.assign(record, fields);
}

export function recordUpstreamAttempt(record: RequestLogRecord | undefined, entry: UpstreamLogEntry): void {
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
    },
    destination ?? process.stdout,
  );
}

export type { Logger };
