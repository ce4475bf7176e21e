/**
 * Shared pieces of the Cursor simulator's own tests: an Admin API call with HTTP Basic (the key
 * as username, empty password, docs/providers/sources.md §6.1), the /__sim hook caller,
 * the error-body assertion and a reader that follows a report's pages to the end. Each test file
 * starts and stops its own simulator; this module holds no server state.
 */
import assert from 'node:assert/strict';
import { DEFAULT_CURSOR_API_KEY, millicentsOf, type CursorSimulator } from './index.ts';

export interface Res {
  status: number;
  headers: Headers;
  body: any;
}

export const basic = (key: string, password = '') => `Basic ${Buffer.from(`${key}:${password}`).toString('base64')}`;

export interface CallOptions {
  /** null: no Authorization header. */
  key?: string | null;
  /** A whole Authorization header instead of Basic with `key`. */
  authorization?: string;
  /** Raw body text instead of JSON.stringify(body). */
  rawBody?: string;
}

export async function call(sim: CursorSimulator, method: 'GET' | 'POST', path: string, body?: unknown, opts: CallOptions = {}): Promise<Res> {
  const key = opts.key === undefined ? DEFAULT_CURSOR_API_KEY : opts.key;
  const headers: Record<string, string> = {};
  if (opts.authorization) headers.authorization = opts.authorization;
  else if (key !== null) headers.authorization = basic(key);
  const text = opts.rawBody ?? (body === undefined ? undefined : JSON.stringify(body));
  if (text !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${sim.baseUrl}${path}`, { method, headers, body: text });
  const raw = await res.text();
  return { status: res.status, headers: res.headers, body: raw ? JSON.parse(raw) : undefined };
}

export const post = (sim: CursorSimulator, path: string, body?: unknown, opts?: CallOptions) => call(sim, 'POST', path, body, opts);
export const get = (sim: CursorSimulator, path: string, opts?: CallOptions) => call(sim, 'GET', path, undefined, opts);

export async function hook(sim: CursorSimulator, method: string, path: string, body?: unknown): Promise<Res> {
  const res = await fetch(`${sim.origin}/__sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** Cursor's error body `{error, message}` (§6.1). */
export function assertCursorError(res: Res, status: number, error: string, message: string | RegExp): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  assert.deepEqual(Object.keys(res.body).sort(), ['error', 'message']);
  assert.equal(res.body.error, error);
  if (typeof message === 'string') assert.equal(res.body.message, message);
  else assert.match(res.body.message, message);
}

/** Every usage event of [startDate, endDate], following the pages. */
export async function allEvents(sim: CursorSimulator, body: Record<string, unknown>): Promise<any[]> {
  const out: any[] = [];
  for (let page = 1; ; page++) {
    const res = await post(sim, '/teams/filtered-usage-events', { ...body, page, pageSize: 500 });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    out.push(...res.body.usageEvents);
    if (!res.body.pagination.hasNextPage) return out;
  }
}

/** Every daily row of [startDate, endDate] (≤ 30 days), following the pages. */
export async function allDaily(sim: CursorSimulator, startDate: number, endDate: number): Promise<any[]> {
  const out: any[] = [];
  for (let page = 1; ; page++) {
    const res = await post(sim, '/teams/daily-usage-data', { startDate, endDate, page, pageSize: 500 });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    out.push(...res.body.data);
    if (!res.body.pagination.hasNextPage) return out;
  }
}

/** Fractional cents to integer millicents, from the number's text; the simulator writes at most 3 decimals. */
export function mc(cents: number): number {
  assert.ok((String(cents).split('.')[1] ?? '').length <= 3, `at most 3 decimals: ${cents}`);
  return millicentsOf(cents);
}
