import type { Hono } from 'hono';
import { jsonResponse } from '../../../simulator-kit/json-response.ts';
import type { SimContext, SimEnv } from '../../../simulator-kit/simulator-app.ts';
import { MESSAGES, OpenAIApiError, openaiErrorBody } from './errors.ts';
import { Params } from './params.ts';
import type { OpenAIAdminKey } from './seed-schema.ts';
import type { OpenAIState } from './state.ts';

/**
 * The gate every admin route runs, in OpenAI's order (docs/providers/sources.md §4.1):
 * the bearer key (401: missing, unknown or revoked), the organization's request rate (429 with
 * `retry-after`), the key's kind (a project key `sk-proj-…` lacks the admin scopes: 403), then
 * the handler, whose OpenAIApiError becomes OpenAI's error body.
 */

/** The scope each admin route needs; a project key has neither. */
export type AdminScope = 'api.management.read' | 'api.usage.read';

/** Admin requests per minute per organization. OpenAI documents no admin limit; this one is generous. */
export interface OpenAIRateLimitConfig {
  perMinute: number;
}
export const OPENAI_ADMIN_RATE_LIMIT: OpenAIRateLimitConfig = { perMinute: 300 };

/** A fixed one-minute window per organization, so tests can count exactly. */
export class OpenAIRateLimits {
  private readonly windows = new Map<string, { start: number; used: number }>();

  /** `false`: never refuse (the kit's `rateLimits: false`). */
  constructor(readonly config: OpenAIRateLimitConfig | false) {}

  /** Counts the request; returns the seconds to wait when the window is full, else 0. */
  take(key: string, now = Date.now()): number {
    if (this.config === false) return 0;
    let w = this.windows.get(key);
    if (!w || now >= w.start + 60_000) {
      w = { start: now, used: 0 };
      this.windows.set(key, w);
    }
    if (w.used >= this.config.perMinute) return Math.max(1, Math.ceil((w.start + 60_000 - now) / 1000));
    w.used++;
    return 0;
  }

  reset(): void {
    this.windows.clear();
  }
}

export interface OpenAIRouteDeps {
  state: OpenAIState;
  rateLimits: OpenAIRateLimits;
}

export interface OpenAIRequest {
  c: SimContext;
  key: OpenAIAdminKey;
  state: OpenAIState;
  params: Params;
  param(name: string): string;
}

export type OpenAIHandler = (req: OpenAIRequest) => unknown;

/** Headers OpenAI sends on every API response. */
const COMMON_HEADERS = { 'openai-version': '2020-10-01' };

function bearerOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header.trim());
  return m ? m[1] : header.trim() || undefined;
}

/** Registers one admin GET route under the API prefix. */
export function openaiRoute(app: Hono<SimEnv>, deps: OpenAIRouteDeps, pattern: string, scope: AdminScope, handler: OpenAIHandler): void {
  app.get(pattern, async (c) => {
    const started = performance.now();
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
      jsonResponse(status, body, { ...COMMON_HEADERS, 'openai-processing-ms': String(Math.max(1, Math.round(performance.now() - started))), ...headers });
    const { state } = deps;

    const bearer = bearerOf(c.req.header('authorization'));
    if (bearer === undefined) return send(401, openaiErrorBody(MESSAGES.missingKey, 'invalid_request_error', null, null));
    const admin = state.adminKeys.get(bearer);
    const project = admin ? undefined : state.projectKeys.get(bearer);
    if ((!admin || admin.revoked) && !project)
      return send(401, openaiErrorBody(MESSAGES.incorrectKey(bearer), 'invalid_request_error', null, 'invalid_api_key'));

    const org = state.organization.id;
    const wait = deps.rateLimits.take(org);
    if (wait > 0) {
      const limit = deps.rateLimits.config === false ? 0 : deps.rateLimits.config.perMinute;
      return send(429, openaiErrorBody(MESSAGES.rateLimited(org, limit, wait), 'requests', null, 'rate_limit_exceeded'), { 'retry-after': String(wait) });
    }
    if (!admin) return send(403, openaiErrorBody(MESSAGES.insufficientScope(scope), 'invalid_request_error', null, null));

    const url = new URL(c.req.url);
    try {
      const body = await handler({ c, key: admin, state, params: new Params(url.searchParams), param: (name) => c.req.param(name) ?? '' });
      return send(200, body);
    } catch (err) {
      if (err instanceof OpenAIApiError) return send(err.status, err.body(), err.headers);
      throw err;
    }
  });
}
