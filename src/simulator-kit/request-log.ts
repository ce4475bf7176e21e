/**
 * What a simulator received, for tests and sandbox debugging. Credentials never enter the log:
 * the Authorization header keeps only its scheme, so a log dump is safe to print or attach.
 */
export interface RecordedRequest {
  request_id: string;
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body?: unknown;
  status: number;
  timestamp: string;
  duration_ms: number;
}

export const REDACTED = '********';

/** Long-running sandboxes would otherwise grow the log without bound. */
const DEFAULT_CAPACITY = 10_000;

export class RequestLog {
  private entries: RecordedRequest[] = [];

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  record(entry: RecordedRequest): void {
    this.entries.push(entry);
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  list(): RecordedRequest[] {
    return structuredClone(this.entries);
  }

  clear(): void {
    this.entries = [];
  }
}

const SECRET_HEADER = /(^|-)(api-?key|application-?key|app-?key|secret|token|password)($|-)/;

export function redactHeaders(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    const key = name.toLowerCase();
    if (key === 'authorization' || key === 'proxy-authorization') {
      const scheme = value.trim().split(/\s+/)[0];
      out[key] = scheme && scheme !== value.trim() ? `${scheme} ${REDACTED}` : REDACTED;
    } else if (key === 'cookie' || SECRET_HEADER.test(key)) {
      // Providers put keys in headers of their own (x-api-key, dd-api-key, dd-application-key…).
      out[key] = REDACTED;
    } else {
      out[key] = value;
    }
  });
  return out;
}

export function queryToRecord(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    out[key] = values.length === 1 ? values[0] : values;
  }
  return out;
}
