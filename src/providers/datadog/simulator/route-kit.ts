import type { Hono } from 'hono';
import { JSON_CONTENT_TYPE } from '../../../simulator-kit/json-response.ts';
import type { SimContext, SimEnv } from '../../../simulator-kit/simulator-app.ts';
import { DatadogApiError, MESSAGES } from './errors.ts';
import type { BucketName, DatadogRateLimits } from './rate-limits.ts';
import type { Permission, DatadogOrg } from './seed-schema.ts';
import type { DatadogState } from './state.ts';

export interface DatadogRouteDeps {
  state: DatadogState;
  rateLimits: DatadogRateLimits;
  /** "Now" in epoch ms: the real clock (or the `now` switch), never earlier than the seed's clock. */
  now(): number;
}

export interface DatadogRequest {
  c: SimContext;
  state: DatadogState;
  query: URLSearchParams;
  /** The organization the keys belong to. */
  org: DatadogOrg;
  now: number;
  param(name: string): string;
}

export interface RouteOptions {
  /** Rate-limit bucket; none for the key-validation route. */
  bucket?: BucketName;
  /** Application-key permissions the route needs (DD-APPLICATION-KEY is then required too). */
  permissions?: readonly Permission[];
  /** false: only DD-API-KEY is checked (GET /api/v1/validate). Default true. */
  appKey?: boolean;
  /** Only the parent-level organization's keys may call it (cost and billing-dimension routes). */
  parentOnly?: boolean;
  /** The parent-only refusal in JSON:API form, as billing_dimension_mapping answers it. */
  jsonApiErrors?: boolean;
}

/**
 * Registers one GET. The gate, in order: `DD-API-KEY` names a live API key, else 403 Forbidden;
 * `DD-APPLICATION-KEY` names a live application key of the same organization, else 403 Forbidden;
 * the organization's rate-limit bucket (429); the key's permissions (403 Forbidden); for
 * parent-only routes a parent-level organization (400). Rate-limit headers ride on every response
 * that reached the bucket.
 */
export function datadogRoute(app: Hono<SimEnv>, deps: DatadogRouteDeps, path: string, opts: RouteOptions, handler: (req: DatadogRequest) => unknown): void {
  app.get(path, (c) => {
    const forbidden = () => new DatadogApiError(403, MESSAGES.forbidden).toResponse();
    const org = deps.state.apiKeyOrg(c.req.header('dd-api-key')?.trim() ?? '');
    if (!org) return forbidden();
    const appKey = opts.appKey === false ? undefined : deps.state.appKey(c.req.header('dd-application-key')?.trim() ?? '');
    if (opts.appKey !== false && (!appKey || appKey.org !== org.public_id)) return forbidden();
    const now = deps.now();
    const decision = opts.bucket ? deps.rateLimits.take(org.public_id, opts.bucket, now) : { allowed: true, headers: {} };
    if (!decision.allowed) return new DatadogApiError(429, MESSAGES.rateLimited).toResponse(decision.headers);
    const granted = appKey?.permissions;
    if (granted && (opts.permissions ?? []).some((p) => !granted.includes(p))) return new DatadogApiError(403, MESSAGES.forbidden).toResponse(decision.headers);
    if (opts.parentOnly && org.parent !== null) {
      return new DatadogApiError(400, MESSAGES.nonParent, { jsonApi: opts.jsonApiErrors }).toResponse(decision.headers);
    }
    try {
      const body = handler({ c, state: deps.state, query: new URL(c.req.url).searchParams, org, now, param: (name) => c.req.param(name) ?? '' });
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': JSON_CONTENT_TYPE, ...decision.headers } });
    } catch (err) {
      if (err instanceof DatadogApiError) return err.toResponse(decision.headers);
      throw err;
    }
  });
}

// ISO 8601 at any precision from a month to fractions of a second, with an optional zone.
const ISO = /^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:\.\d+)?)?)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Epoch ms of an ISO 8601 text (UTC unless it names a zone); undefined when it is not one. */
export function parseInstant(text: string): number | undefined {
  const m = ISO.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d = '01', h = '00', mi = '00', s = '00', zone] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(ms);
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  if (!zone || zone === 'Z') return ms;
  const z = /([+-])(\d{2}):?(\d{2})/.exec(zone)!;
  return ms - (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3])) * 60_000;
}

const HOUR = 3_600_000;

/** A required or optional instant parameter floored to `unit` (hour, day or month). */
export function instantParam(query: URLSearchParams, name: string, unit: 'hour' | 'day' | 'month', required: true): number;
export function instantParam(query: URLSearchParams, name: string, unit: 'hour' | 'day' | 'month', required?: false): number | undefined;
export function instantParam(query: URLSearchParams, name: string, unit: 'hour' | 'day' | 'month', required = false): number | undefined {
  const raw = query.get(name);
  if (raw === null || raw === '') {
    if (required) throw new DatadogApiError(400, MESSAGES.required(name));
    return undefined;
  }
  const ms = parseInstant(raw);
  const invalid = unit === 'hour' ? MESSAGES.invalidHour(name) : unit === 'day' ? MESSAGES.invalidDay(name) : MESSAGES.invalidMonth(name);
  if (ms === undefined) throw new DatadogApiError(400, invalid);
  if (unit === 'hour') return Math.floor(ms / HOUR) * HOUR;
  if (unit === 'day') return Math.floor(ms / (24 * HOUR)) * 24 * HOUR;
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

export function boolParam(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  if (v === null || v === '') return false;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new DatadogApiError(400, MESSAGES.boolean(name));
}
