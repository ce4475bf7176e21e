import type { Hono } from 'hono';
import { jsonResponse } from '../../../simulator-kit/json-response.ts';
import type { SimContext, SimEnv } from '../../../simulator-kit/simulator-app.ts';
import { DOCS, GithubApiError, MESSAGES, githubErrorBody } from './errors.ts';
import type { PerPageAboveMax } from './paging.ts';
import { GITHUB_UNAUTHENTICATED_LIMIT, rateLimitHeaders, type GithubRateLimits } from './rate-limits.ts';
import type { GithubToken, GithubUser } from './seed-schema.ts';
import type { GithubCopilotState } from './state.ts';

/** REST API versions GitHub accepts in `X-GitHub-Api-Version` (docs/providers/sources.md §7.1). */
export const SUPPORTED_API_VERSIONS = ['2022-11-28', '2026-03-10'] as const;
export const DEFAULT_API_VERSION = '2022-11-28';

/** Classic scopes that include others (`admin:org` ⊃ `write:org` ⊃ `read:org`). */
const IMPLIED_SCOPES: Record<string, string[]> = {
  'admin:org': ['write:org', 'read:org'],
  'write:org': ['read:org'],
};

/** Switches for GitHub behaviour that varies or that tests want to pin down. */
export interface GithubBehaviour {
  /**
   * `organization-id` (GitHub's habit): `Link` URLs use `/organizations/{id}/…` whatever path
   * was requested; `as-requested`: the request's own path.
   */
  linkPathStyle: 'organization-id' | 'as-requested';
  perPageAboveMax: PerPageAboveMax;
  /** The status of a primary rate-limit refusal: GitHub documents 403 or 429. */
  rateLimitStatus: 403 | 429;
}

export interface GithubRouteDeps {
  state: GithubCopilotState;
  rateLimits: GithubRateLimits;
  behaviour: GithubBehaviour;
}

export interface GithubCaller {
  token: GithubToken;
  user: GithubUser;
}

export interface GithubRequest {
  c: SimContext;
  caller: GithubCaller;
  state: GithubCopilotState;
  behaviour: GithubBehaviour;
  param(name: string): string;
  url: URL;
  query: URLSearchParams;
  /** Scheme, host and port the client used: the origin of every hypermedia and Link URL. */
  origin: string;
}

/** A handler returns the 200 body (optionally with headers) or a 204, or throws GithubApiError. */
export interface GithubResult {
  body: unknown;
  headers?: Record<string, string>;
  /** 204: no body (GitHub's "A header with no content is returned"). */
  status?: 200 | 204;
}
export type GithubHandler = (req: GithubRequest) => GithubResult | Promise<GithubResult>;

export interface RouteSpec {
  /** `documentation_url` of this operation's errors. */
  docs: string;
  /** Classic scopes of which the token needs one (echoed in `X-Accepted-OAuth-Scopes`); none: any token. */
  acceptedScopes?: string[];
}

/** Who the bearer is: undefined for a missing header (401 Requires authentication). */
function bearerOf(authorization: string | undefined): string | undefined | null {
  if (authorization === undefined || authorization.trim() === '') return undefined;
  // GitHub takes `Bearer <token>` and the older `token <token>`.
  const match = /^(?:Bearer|token)\s+(\S+)\s*$/i.exec(authorization);
  return match ? match[1] : null;
}

function hasScope(granted: string[], accepted: string[]): boolean {
  const all = new Set(granted.flatMap((s) => [s, ...(IMPLIED_SCOPES[s] ?? [])]));
  return accepted.some((s) => all.has(s));
}

/**
 * Registers one GitHub GET operation. Every operation runs GitHub's gate in order: the API
 * version header (400), the token (401), the caller's primary rate limit (403/429), the token's
 * classic scopes (403), then the handler. Every response after the version check carries the
 * `x-ratelimit-*` headers.
 */
export function githubRoute(app: Hono<SimEnv>, deps: GithubRouteDeps, pattern: string, spec: RouteSpec, handler: GithubHandler): void {
  app.get(pattern, async (c) => {
    const url = new URL(c.req.url);
    const version = c.req.header('x-github-api-version');
    if (version !== undefined && !(SUPPORTED_API_VERSIONS as readonly string[]).includes(version.trim())) {
      return jsonResponse(400, githubErrorBody(400, MESSAGES.unsupportedVersion(version), DOCS.apiVersions));
    }
    const common: Record<string, string> = {
      'x-github-api-version-selected': version?.trim() || DEFAULT_API_VERSION,
      'x-github-media-type': 'github.v3; format=json',
    };

    const bearer = bearerOf(c.req.header('authorization'));
    const token = bearer ? deps.state.tokens.get(bearer) : undefined;
    const user = token && !token.revoked ? deps.state.user(token.user) : undefined;
    if (!token || !user) {
      const anonymous = rateLimitHeaders(deps.rateLimits.take('anonymous', Date.now(), GITHUB_UNAUTHENTICATED_LIMIT));
      const message = bearer === undefined ? MESSAGES.requiresAuthentication : MESSAGES.badCredentials;
      return jsonResponse(401, githubErrorBody(401, message, DOCS.root), { ...common, ...anonymous });
    }

    const limit = deps.rateLimits.take(`user:${user.id}`);
    Object.assign(common, rateLimitHeaders(limit));
    if (token.scopes !== null) {
      common['x-oauth-scopes'] = token.scopes.join(', ');
      common['x-accepted-oauth-scopes'] = (spec.acceptedScopes ?? []).join(', ');
    }
    if (!limit.allowed) {
      const status = deps.behaviour.rateLimitStatus;
      return jsonResponse(status, githubErrorBody(status, MESSAGES.rateLimited(user.id), DOCS.rateLimits), common);
    }
    if (token.scopes !== null && spec.acceptedScopes?.length && !hasScope(token.scopes, spec.acceptedScopes)) {
      return jsonResponse(403, githubErrorBody(403, MESSAGES.missingScopes, spec.docs), common);
    }

    const req: GithubRequest = {
      c,
      caller: { token, user },
      state: deps.state,
      behaviour: deps.behaviour,
      param: (name) => c.req.param(name) ?? '',
      url,
      query: url.searchParams,
      origin: url.origin,
    };
    try {
      const result = await handler(req);
      if (result.status === 204) return new Response(null, { status: 204, headers: { ...common, ...result.headers } });
      return jsonResponse(200, result.body, { ...common, ...result.headers });
    } catch (err) {
      if (err instanceof GithubApiError) {
        return jsonResponse(err.status, githubErrorBody(err.status, err.message, err.documentationUrl, err.extra.errors), { ...common, ...err.extra.headers });
      }
      throw err;
    }
  });
}
