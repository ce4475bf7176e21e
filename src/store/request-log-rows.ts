import type { DateRange, TextMatch } from './filters.ts';

/** What GET /log serves (docs/logs.md): data-plane requests and webhook delivery attempts. */
export type LogType = 'unified_proxy_api' | 'webhook';

/** Request logs: one row per data-plane request and per webhook delivery attempt (docs/logs.md). */
export interface RequestLogRecord {
  id: string;
  environment_id: string;
  log_type: LogType;
  integrated_account_id: string | null;
  integration: string | null;
  request_id: string | null;
  method: string | null;
  path: string | null;
  status: number | null;
  duration_ms: number | null;
  error: string | null;
  /**
   * The type's own fields, never a secret: for unified_proxy_api the upstream calls (method,
   * host + path, status, duration); for webhook the webhook id, event type, delivery id and attempt.
   */
  detail: Record<string, unknown>;
  created_at: string;
}

export interface RequestLogFilter {
  environment_id: string;
  log_type: LogType;
  integrated_account_id?: string | TextMatch;
  integration?: string | TextMatch;
  request_id?: string | TextMatch;
  method?: string | TextMatch;
  /** Any of `in`, none of `nin` (a plain list is `in`). */
  status?: number[] | { in?: number[]; nin?: number[] };
  /** Rows whose path starts with any of these (`/unified/`, `/proxy/`): the request type. Our own literals, never input. */
  path_prefix?: string[];
  created_at?: DateRange;
  /** Exclusive bound on (created_at, id), newest first. */
  before?: { created_at: string; id: string };
  limit: number;
}

export interface RequestLogRows {
  /** Many rows in one statement: the request path buffers its rows and flushes them together. */
  insertMany(records: RequestLogRecord[]): Promise<void>;
  list(filter: RequestLogFilter): Promise<RequestLogRecord[]>;
  /** Deletes rows created before `before`; returns how many. */
  prune(before: string): Promise<number>;
}
