import { randomUUID } from 'node:crypto';
import { redactUrl } from '../engine/redact.ts';
import { isProtectedKey } from '../store/secret-box.ts';
import type { RequestLogRecord as RequestLine } from '../logger.ts';
import type { RequestLogRecord } from '../store/request-log-rows.ts';

/** What GET /log calls the data-plane routes, by the prefix of their path. */
export const REQUEST_TYPES = { unified: '/unified/', proxy: '/proxy/', custom: '/custom/', batch: '/batch-request' } as const;
export type RequestType = keyof typeof REQUEST_TYPES;

/** The data-plane route a path belongs to; undefined for the admin plane and everything else. */
export function requestTypeOf(path: string): RequestType | undefined {
  for (const [type, prefix] of Object.entries(REQUEST_TYPES) as [RequestType, string][]) {
    if (path.startsWith(prefix.endsWith('/') ? prefix : `${prefix}/`) || path === prefix.replace(/\/$/, '')) return type;
  }
  return undefined;
}

const ORIGIN = 'http://log.invalid';

/**
 * The path and query as the client sent them, with the value of every parameter named like a
 * credential masked (`api_key`, `remote_query[token]`, the installation's secret field names):
 * clients filter logs by their query, so the rest stays as it was.
 */
export function loggedPath(path: string, rawQuery: string, isSecret: (key: string) => boolean = isProtectedKey): string {
  const target = rawQuery ? `${path}?${rawQuery}` : path;
  // `remote_query[private_key]`: the name inside the brackets is the one the predicate knows.
  const named = (key: string) => isSecret(key) || isSecret(key.replace(/^.*\[([^\]]*)\]$/, '$1'));
  return redactUrl(ORIGIN + target, named).slice(ORIGIN.length);
}

export interface DataPlaneRequest {
  environmentId: string;
  type: RequestType;
  method: string;
  /** Already through loggedPath. */
  path: string;
  status: number;
  durationMs: number;
  error?: { code: string; message: string };
  /** The request's log line as the layers filled it in (account, model, upstream attempts, URLs redacted). */
  line: RequestLine;
  now?: Date;
}

/** The unified_proxy_api row of one data-plane request (docs/logs.md "Shape"). */
export function dataPlaneRow(r: DataPlaneRequest): RequestLogRecord {
  const { line } = r;
  return {
    id: randomUUID(),
    environment_id: r.environmentId,
    log_type: 'unified_proxy_api',
    integrated_account_id: line.account_id ?? null,
    integration: line.integration ?? null,
    request_id: line.request_id,
    method: r.method,
    path: r.path,
    status: r.status,
    duration_ms: Math.round(r.durationMs),
    error: r.error?.message ?? null,
    detail: {
      request_type: r.type,
      ...(r.error ? { error_code: r.error.code } : {}),
      ...(line.model ? { model: line.model } : {}),
      ...(line.resource ? { resource: line.resource } : {}),
      ...(line.resource_method ? { resource_method: line.resource_method } : {}),
      upstream: line.upstream.map((u) => ({
        method: u.method,
        url: u.url,
        status: u.status,
        ...(u.error ? { error: u.error } : {}),
        duration_ms: u.ms,
        attempt: u.attempt,
        role: u.role,
      })),
      upstream_calls: line.upstream_calls,
    },
    created_at: (r.now ?? new Date()).toISOString(),
  };
}
