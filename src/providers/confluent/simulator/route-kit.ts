import type { Hono } from 'hono';
import { jsonResponse } from '../../../simulator-kit/json-response.ts';
import type { SimContext, SimEnv } from '../../../simulator-kit/simulator-app.ts';
import { ConfluentApiError, MESSAGES, confluentErrorBody } from './errors.ts';
import type { ConfluentRateLimits } from './rate-limits.ts';
import type { ConfluentApiKey } from './seed-schema.ts';
import type { ConfluentState } from './state.ts';

/**
 * The gate every Confluent Cloud route shares (docs/providers/sources-additions.md §2.6): HTTP
 * Basic with a Cloud API key and secret (401 with `WWW-Authenticate` otherwise), the per-key rate
 * limit (429 with `Retry-After`), then the route's role check (403). Every answer after
 * authentication carries the `X-RateLimit-*` headers.
 */
export interface ConfluentBehaviour {
  /** "Now" for the one-year look-back: never earlier than the seed's clock. */
  now(): number;
}

export interface ConfluentRouteDeps {
  state: ConfluentState;
  rateLimits: ConfluentRateLimits;
  behaviour: ConfluentBehaviour;
}

export interface ConfluentRequest {
  c: SimContext;
  state: ConfluentState;
  query: URLSearchParams;
  /** The request URL, for the `metadata` links (they name the simulator's own origin). */
  url: URL;
  now: number;
  key: ConfluentApiKey;
  param(name: string): string;
}

export type ConfluentHandler = (req: ConfluentRequest) => unknown;

export const BILLING_ROLES = ['OrganizationAdmin', 'BillingAdmin'];

function credentialsOf(c: SimContext): { key: string; secret: string } | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(c.req.header('authorization') ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon > 0 ? { key: decoded.slice(0, colon), secret: decoded.slice(colon + 1) } : undefined;
}

export function confluentRoute(app: Hono<SimEnv>, deps: ConfluentRouteDeps, path: string, handler: ConfluentHandler, opts: { roles?: string[] } = {}): void {
  app.get(path, (c) => {
    const credentials = credentialsOf(c);
    const key = credentials && deps.state.authenticate(credentials.key, credentials.secret);
    if (!key) {
      const challenge = credentials ? 'Basic error="invalid_key", error_description="The API Key is invalid"' : 'Basic realm="Confluent Cloud"';
      return jsonResponse(401, confluentErrorBody(401, MESSAGES.unauthenticated), { 'www-authenticate': challenge });
    }
    const decision = deps.rateLimits.take(key.key);
    if (!decision.allowed) {
      return jsonResponse(429, confluentErrorBody(429, MESSAGES.rateLimited(deps.rateLimits.config.limit)), decision.headers);
    }
    if (opts.roles && !opts.roles.includes(key.role)) {
      return jsonResponse(403, confluentErrorBody(403, MESSAGES.billingRole(key.key)), decision.headers);
    }
    try {
      const url = new URL(c.req.url);
      const body = handler({ c, state: deps.state, query: url.searchParams, url, now: deps.behaviour.now(), key, param: (name) => c.req.param(name) ?? '' });
      return jsonResponse(200, body, decision.headers);
    } catch (err) {
      if (!(err instanceof ConfluentApiError)) throw err;
      const { headers, ...extra } = err.extra;
      return jsonResponse(err.status, confluentErrorBody(err.status, err.message, extra), { ...decision.headers, ...headers });
    }
  });
}
