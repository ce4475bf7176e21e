import type { Hono } from 'hono';
import { jsonResponse } from '../../../simulator-kit/json-response.ts';
import type { SimContext, SimEnv } from '../../../simulator-kit/simulator-app.ts';
import { CursorApiError, MESSAGES, badRequest, cursorErrorBody } from './errors.ts';
import type { CursorRateLimits } from './rate-limits.ts';
import { DAY_MS, type CursorState } from './state.ts';
import { dailyWire, eventWire, memberWire, spendWire } from './wire.ts';

/**
 * The four Admin API routes Tessera's `cursor` integration reads (docs/providers/sources.md
 * §6.2–§6.4). Reads of reports are POSTs with a JSON body (page and pageSize live there too).
 * The gate, in order, after the kit's fault injection: HTTP Basic with a live key as username
 * (401), the team's 20-per-minute budget (429), a JSON object body on POSTs (400), then the
 * route's own checks (400).
 */
export interface CursorRouteDeps {
  state: CursorState;
  rateLimits: CursorRateLimits;
  /** "Now" in epoch ms: never earlier than the end of the seed's clock day. */
  now(): number;
}

/** Limits Cursor does not document; ours, stated in README.md. */
export const PAGE_SIZE = {
  spend: { default: 50, max: 500 },
  daily: { default: 100, max: 500 },
  /** §6.4: events default to 10 per page. */
  events: { default: 10, max: 500 },
} as const;
/** §6.4: the daily report covers at most 30 days per request. */
export const DAILY_MAX_RANGE_MS = 30 * DAY_MS;

type Body = Record<string, unknown>;
type Handler = (body: Body) => unknown;

/** The key from `Authorization: Basic base64("KEY:")` (§6.1); the password is ignored. */
function keyOf(c: SimContext): string | undefined {
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(c.req.header('authorization') ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const key = (colon < 0 ? decoded : decoded.slice(0, colon)).trim();
  return key || undefined;
}

function parseBody(text: string): Body {
  if (text.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest('Request body must be valid JSON');
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw badRequest('Request body must be a JSON object');
  return value as Body;
}

function integer(body: Body, name: string, opts: { min: number; max?: number; fallback?: number }): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return opts.fallback;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw badRequest(`${name} must be an integer`);
  if (v < opts.min) throw badRequest(`${name} must be at least ${opts.min}`);
  if (opts.max !== undefined && v > opts.max) throw badRequest(`${name} must be at most ${opts.max}`);
  return v;
}

function epochMs(body: Body, name: string, required: boolean): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) {
    if (required) throw badRequest(`${name} is required (epoch milliseconds)`);
    return undefined;
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw badRequest(`${name} must be a date in epoch milliseconds`);
  return v;
}

function oneOf<T extends string>(body: Body, name: string, allowed: readonly T[], fallback: T): T {
  const v = body[name];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw badRequest(`${name} must be one of: ${allowed.join(', ')}`);
  return v as T;
}

function route(app: Hono<SimEnv>, deps: CursorRouteDeps, method: 'get' | 'post', path: string, handler: Handler): void {
  app.on(method.toUpperCase(), path, async (c) => {
    const fail = (status: number, message: string) => jsonResponse(status, cursorErrorBody(status, message));
    const key = keyOf(c);
    if (!key) return fail(401, MESSAGES.missingAuth);
    if (deps.state.keyStatus(key) !== 'valid') return fail(401, MESSAGES.invalidKey);
    if (!deps.rateLimits.take(String(deps.state.seed.team.id))) return fail(429, MESSAGES.rateLimited);
    try {
      const body = method === 'post' ? parseBody(await c.req.text()) : {};
      return jsonResponse(200, handler(body));
    } catch (err) {
      if (err instanceof CursorApiError) return fail(err.status, err.message);
      throw err;
    }
  });
}

export function mountRoutes(app: Hono<SimEnv>, deps: CursorRouteDeps): void {
  const { state } = deps;

  // §6.2: every member, removed ones flagged; no pagination.
  route(app, deps, 'get', '/teams/members', () => ({ teamMembers: state.allMembers().map(memberWire) }));

  // §6.3: current members' spend in the current billing cycle.
  route(app, deps, 'post', '/teams/spend', (body) => {
    const search = body.searchTerm;
    if (search !== undefined && search !== null && typeof search !== 'string') throw badRequest('searchTerm must be a string');
    const sortBy = oneOf(body, 'sortBy', ['amount', 'date', 'user'] as const, 'date');
    const direction = oneOf(body, 'sortDirection', ['asc', 'desc'] as const, 'desc');
    const page = integer(body, 'page', { min: 1, fallback: 1 })!;
    const pageSize = integer(body, 'pageSize', { min: 1, max: PAGE_SIZE.spend.max, fallback: PAGE_SIZE.spend.default })!;
    const term = typeof search === 'string' ? search.trim().toLowerCase() : '';
    const rows = state.cycleSpend().filter((s) => !term || s.member.name.toLowerCase().includes(term) || s.member.email.toLowerCase().includes(term));
    const key = (s: (typeof rows)[number]): number | string =>
      sortBy === 'amount' ? s.onDemandMc : sortBy === 'user' ? (s.member.name || s.member.email).toLowerCase() : s.member.joined;
    rows.sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      const order = ka < kb ? -1 : ka > kb ? 1 : a.member.id - b.member.id;
      return direction === 'asc' ? order : -order;
    });
    return {
      teamMemberSpend: rows.slice((page - 1) * pageSize, page * pageSize).map(spendWire),
      subscriptionCycleStart: state.cycleStartMs,
      totalMembers: rows.length,
      totalPages: Math.ceil(rows.length / pageSize),
    };
  });

  // §6.4: per member per day, at most 30 days; paged by users. Without page/pageSize only the
  // active rows come back, unpaged.
  route(app, deps, 'post', '/teams/daily-usage-data', (body) => {
    const startDate = epochMs(body, 'startDate', true)!;
    const endDate = epochMs(body, 'endDate', true)!;
    if (endDate < startDate) throw badRequest('endDate must not be before startDate');
    if (endDate - startDate > DAILY_MAX_RANGE_MS) throw badRequest('Date range cannot exceed 30 days');
    const paged = body.page !== undefined || body.pageSize !== undefined;
    const page = integer(body, 'page', { min: 1, fallback: 1 })!;
    const pageSize = integer(body, 'pageSize', { min: 1, max: PAGE_SIZE.daily.max, fallback: PAGE_SIZE.daily.default })!;
    const rows = state.dailyRows(startDate, endDate);
    const period = { startDate, endDate };
    if (!paged) return { data: rows.filter((r) => r.isActive).map(dailyWire), period };
    const users = [...new Set(rows.map((r) => r.member.id))];
    const onPage = new Set(users.slice((page - 1) * pageSize, page * pageSize));
    const totalPages = Math.ceil(users.length / pageSize);
    return {
      data: rows.filter((r) => onPage.has(r.member.id)).map(dailyWire),
      period,
      pagination: { page, pageSize, totalUsers: users.length, totalPages, hasNextPage: page < totalPages, hasPreviousPage: page > 1 },
    };
  });

  // §6.4: usage events, newest first. Without dates: the 30 days up to now (ours; undocumented).
  route(app, deps, 'post', '/teams/filtered-usage-events', (body) => {
    const endDate = epochMs(body, 'endDate', false) ?? deps.now();
    const startDate = epochMs(body, 'startDate', false) ?? endDate - 30 * DAY_MS;
    if (endDate < startDate) throw badRequest('endDate must not be before startDate');
    const email = body.email;
    if (email !== undefined && email !== null && typeof email !== 'string') throw badRequest('email must be a string');
    const userId = integer(body, 'userId', { min: 1 });
    const page = integer(body, 'page', { min: 1, fallback: 1 })!;
    const pageSize = integer(body, 'pageSize', { min: 1, max: PAGE_SIZE.events.max, fallback: PAGE_SIZE.events.default })!;
    const events = state.eventsBetween(startDate, endDate, { email: typeof email === 'string' ? email : undefined, userId }).reverse();
    const numPages = Math.ceil(events.length / pageSize);
    return {
      totalUsageEventsCount: events.length,
      pagination: { numPages, currentPage: page, pageSize, hasNextPage: page < numPages, hasPreviousPage: page > 1 },
      usageEvents: events.slice((page - 1) * pageSize, page * pageSize).map(eventWire),
      period: { startDate, endDate },
    };
  });
}
