import type { Hono } from 'hono';
import { jsonResponse } from '../../../simulator-kit/json-response.ts';
import type { SimContext, SimEnv } from '../../../simulator-kit/simulator-app.ts';
import { accountIdOf, resolveCaller, type NeonCaller } from './caller.ts';
import { MESSAGES, NeonApiError, neonErrorBody } from './errors.ts';
import type { NeonRateLimits } from './rate-limits.ts';
import type { NeonState } from './state.ts';

/** Switches that change documented-but-varying Neon behaviour (see NeonSimulatorOptions). */
export interface NeonBehaviour {
  realisticUserMe: boolean;
  orgKeyUsersMeOrganizations: '2.7.3' | 'legacy-403';
}

export interface NeonRouteDeps {
  state: NeonState;
  rateLimits: NeonRateLimits;
  behaviour: NeonBehaviour;
}

export interface NeonRequest {
  c: SimContext;
  caller: NeonCaller;
  state: NeonState;
  behaviour: NeonBehaviour;
  param(name: string): string;
  query: URLSearchParams;
  /** The JSON body; a malformed one is Neon's 400 `invalid request: decode application/json: …`. */
  json(): Promise<unknown>;
}

/** A handler returns the 200 body, or throws NeonApiError for anything else. */
export type NeonHandler = (req: NeonRequest) => unknown | Promise<unknown>;

export const API_PREFIX = '/api/v2';

/**
 * Registers one Neon operation. Every operation runs the same gate Neon's does: the bearer key
 * must resolve (401), then the account and per-route rate limits apply (429), then the handler.
 */
export function neonRoute(
  app: Hono<SimEnv>,
  deps: NeonRouteDeps,
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE',
  pattern: string,
  handler: NeonHandler,
): void {
  const routeKey = `${method} ${pattern}`;
  app.on(method, `${API_PREFIX}${pattern}`, async (c) => {
    const caller = resolveCaller(deps.state, c.req.header('authorization'));
    if (!caller) return jsonResponse(401, neonErrorBody(c, MESSAGES.unauthorized));
    if (!deps.rateLimits.allow(accountIdOf(caller), routeKey)) {
      return jsonResponse(429, neonErrorBody(c, MESSAGES.rateLimited));
    }
    const req: NeonRequest = {
      c,
      caller,
      state: deps.state,
      behaviour: deps.behaviour,
      param: (name) => c.req.param(name) ?? '',
      query: new URL(c.req.url).searchParams,
      json: async () => {
        const text = await c.req.text();
        if (text.trim() === '') throw new NeonApiError(400, 'invalid request: decode application/json: empty body');
        try {
          return JSON.parse(text) as unknown;
        } catch (err) {
          throw new NeonApiError(400, `invalid request: decode application/json: ${(err as Error).message}`);
        }
      },
    };
    try {
      return jsonResponse(200, await handler(req));
    } catch (err) {
      if (err instanceof NeonApiError) return jsonResponse(err.status, neonErrorBody(c, err.message));
      throw err;
    }
  });
}
