import { Cursor, type ListEnvelope } from './cursor.ts';
import type { HttpClient, RequestOptions } from './http.ts';

/**
 * GET /log (docs/logs.md): persisted data-plane requests and webhook delivery attempts, newest
 * first, as a cursor. The query takes the same form as Truto's SDK:
 *
 *   tessera.log.list({ log_type: 'unified_proxy_api', log_type_filter: { status: [404, 500] },
 *                      created_at: { gt: '2026-01-01T00:00:00Z' } })
 */

export type LogType = 'unified_proxy_api' | 'webhook';
export type LogFilterValue = string | number | (string | number)[] | { in?: string | (string | number)[]; nin?: string | (string | number)[] };

export interface LogQuery {
  log_type: LogType;
  log_type_filter?: {
    integrated_account_id?: LogFilterValue;
    integration?: LogFilterValue;
    status?: LogFilterValue;
    request_id?: LogFilterValue;
    method?: LogFilterValue;
    /** unified | proxy | custom | batch */
    request_type?: LogFilterValue;
  };
  /** ISO 8601 bounds; the range is at most 31 days (the last 31 when no lower bound is given). */
  created_at?: { gt?: string | Date; gte?: string | Date; lt?: string | Date; lte?: string | Date };
  /** At most 100 (the server lowers larger values). */
  limit?: number;
  next_cursor?: string;
}

export interface UpstreamCall {
  method: string;
  /** Credential-like query values masked. */
  url: string;
  status: number | null;
  error?: string;
  duration_ms: number;
  attempt: number;
  role?: string;
}

export interface LogRecord {
  id: string;
  log_type: LogType;
  created_at: string;
  environment_id: string;
  integrated_account_id: string | null;
  integration: string | null;
  request: { method: string | null; path: string | null; request_id: string | null; type?: 'unified' | 'proxy' | 'custom' | 'batch' };
  response: { status: number | null };
  duration_ms: number | null;
  error: { code: string | null; message: string } | null;
  model?: string;
  resource?: string;
  resource_method?: string;
  upstream?: UpstreamCall[];
  upstream_calls?: number;
  /** A webhook delivery's own fields, and anything a newer server adds. */
  [key: string]: unknown;
}

export class LogApi {
  constructor(private readonly http: HttpClient) {}

  list(query: LogQuery, request?: RequestOptions): Cursor<LogRecord> {
    const { next_cursor, ...rest } = query;
    return new Cursor<LogRecord>(
      (cursor) => this.http.request<ListEnvelope<LogRecord>>('GET', 'log', { ...request, query: { ...rest, ...(cursor ? { next_cursor: cursor } : {}) } }),
      next_cursor,
    );
  }
}
