import type { Hono } from 'hono';
import { jsonResponse } from '../../../simulator-kit/json-response.ts';
import type { SimContext, SimEnv } from '../../../simulator-kit/simulator-app.ts';
import { AnthropicApiError, MESSAGES, anthropicErrorBody, invalid } from './errors.ts';
import type { AnthropicRateLimits } from './rate-limits.ts';
import type { AnthropicState } from './state.ts';

/** Every Admin API path sits under this prefix; the simulator's base URL is the bare origin, like api.anthropic.com. */
export const ORG_PREFIX = '/v1/organizations';

export interface AnthropicBehaviour {
  /** "Now" for defaults and freshness checks: never earlier than the seed's clock, so seeded days are never "too recent". */
  now(): number;
}

export interface AnthropicRouteDeps {
  state: AnthropicState;
  rateLimits: AnthropicRateLimits;
  behaviour: AnthropicBehaviour;
}

export interface AnthropicRequest {
  c: SimContext;
  state: AnthropicState;
  query: URLSearchParams;
  now: number;
  param(name: string): string;
}

export type AnthropicHandler = (req: AnthropicRequest) => unknown;

/** The key from `x-api-key` (the docs' header) or `Authorization: Bearer` (what SDK 1.14 sends). */
function keyOf(c: SimContext): string | undefined {
  const header = c.req.header('x-api-key')?.trim();
  if (header) return header;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header('authorization') ?? '');
  return m?.[1];
}

/**
 * Registers one Admin API GET. The gate, in order: a key (401 "x-api-key header is required"),
 * an admin key (401 "invalid x-api-key" for unknown, revoked and ordinary `sk-ant-api03-…` keys),
 * `anthropic-version` present (400, any value accepted), the per-key rate limit (429), and for
 * Enterprise-only routes the organization type (400 `organization_type_not_supported`).
 */
export function anthropicRoute(
  app: Hono<SimEnv>,
  deps: AnthropicRouteDeps,
  pattern: string,
  handler: AnthropicHandler,
  opts: { enterpriseOnly?: boolean } = {},
): void {
  app.get(`${ORG_PREFIX}${pattern}`, (c) => {
    const requestId = c.get('requestId');
    const fail = (status: number, message: string, extra: AnthropicApiError['extra'] = {}) =>
      jsonResponse(status, anthropicErrorBody(requestId, status, message, extra.errorCode), extra.headers);
    const key = keyOf(c);
    if (!key) return fail(401, MESSAGES.missingKey);
    if (deps.state.keyKind(key) !== 'admin') return fail(401, MESSAGES.invalidKey);
    if (!c.req.header('anthropic-version')?.trim()) return fail(400, MESSAGES.missingVersion);
    const decision = deps.rateLimits.take(key);
    if (!decision.allowed) {
      const limit = deps.rateLimits.config === false ? 0 : deps.rateLimits.config.limit;
      return fail(429, MESSAGES.rateLimited(limit), { headers: { 'retry-after': String(decision.retryAfterSeconds) } });
    }
    if (opts.enterpriseOnly && deps.state.seed.organization.type !== 'enterprise') {
      return fail(400, MESSAGES.enterpriseOnly, { errorCode: 'organization_type_not_supported' });
    }
    const url = new URL(c.req.url);
    try {
      const body = handler({ c, state: deps.state, query: url.searchParams, now: deps.behaviour.now(), param: (name) => c.req.param(name) ?? '' });
      return jsonResponse(200, body);
    } catch (err) {
      if (err instanceof AnthropicApiError) return fail(err.status, err.message, err.extra);
      throw err;
    }
  });
}

/**
 * Array parameters as clients send them: `x[]=a&x[]=b` (the SDK's `qs` brackets style), bare
 * repeats `x=a&x=b`, and indices `x[0]=a`.
 */
export function arrayParam(query: URLSearchParams, name: string): string[] {
  const out: string[] = [];
  const indexed = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\[\\d*\\]$`);
  for (const [k, v] of query) if (k === name || indexed.test(k)) out.push(v);
  return out;
}

/** An optional boolean query parameter: `true`/`false` only. */
export function boolParam(query: URLSearchParams, name: string): boolean | undefined {
  const v = query.get(name);
  if (v === null) return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw invalid(`${name}: Input should be a valid boolean, unable to interpret input`);
}

/** An optional integer parameter within [min, max]. */
export function intParam(query: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^-?\d+$/.test(raw)) throw invalid(`${name}: Input should be a valid integer, unable to parse string as an integer`);
  const n = Number(raw);
  if (n < min) throw invalid(`${name}: Input should be greater than or equal to ${min}`);
  if (n > max) throw invalid(`${name}: Input should be less than or equal to ${max}`);
  return n;
}

/** Every value of an array parameter must come from `allowed`. */
export function enumArray<T extends string>(query: URLSearchParams, name: string, allowed: readonly T[]): T[] {
  const values = arrayParam(query, name);
  for (const v of values) {
    if (!(allowed as readonly string[]).includes(v)) throw invalid(`${name}: Input should be ${allowed.map((a) => `'${a}'`).join(', ')}; got '${v}'`);
  }
  return values as T[];
}
