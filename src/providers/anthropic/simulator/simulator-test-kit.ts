/**
 * Shared pieces of the Anthropic simulator's own tests (simulator*.test.ts): an Admin API GET with
 * the headers Anthropic requires, the /__sim hook caller and the error-body assertion. Each test
 * file starts and stops its own simulator; this module holds no server state.
 */
import assert from 'node:assert/strict';
import { DEFAULT_ANTHROPIC_ADMIN_KEY as ADMIN, type AnthropicSimulator } from './index.ts';

export interface Res {
  status: number;
  headers: Headers;
  body: any;
}

export interface GetOptions {
  /** null: no key at all. */
  key?: string | null;
  /** `x-api-key` (the docs' header, default) or `bearer` (what the SDK sends). */
  via?: 'x-api-key' | 'bearer';
  /** false: no anthropic-version header. */
  version?: boolean;
}

export async function get(sim: AnthropicSimulator, path: string, opts: GetOptions = {}): Promise<Res> {
  const key = opts.key === undefined ? ADMIN : opts.key;
  const headers: Record<string, string> = {};
  if (key !== null) {
    if (opts.via === 'bearer') headers.authorization = `Bearer ${key}`;
    else headers['x-api-key'] = key;
  }
  if (opts.version !== false) headers['anthropic-version'] = '2023-06-01';
  const res = await fetch(`${sim.baseUrl}/v1/organizations${path}`, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export async function hook(sim: AnthropicSimulator, method: string, path: string, body?: unknown): Promise<Res> {
  const res = await fetch(`${sim.origin}/__sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** Anthropic's error body, with the request id of the body equal to the `request-id` header. */
export function assertAnthropicError(res: Res, status: number, type: string, message: string | RegExp): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  assert.equal(res.body.type, 'error');
  assert.equal(res.body.error.type, type);
  if (typeof message === 'string') assert.equal(res.body.error.message, message);
  else assert.match(res.body.error.message, message);
  assert.equal(res.body.request_id, res.headers.get('request-id'));
}

/** Query string with array values repeated in brackets, as the SDK's qs does. */
export function qs(query: Record<string, string | number | string[]>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (Array.isArray(v)) for (const item of v) params.append(`${k}[]`, item);
    else params.set(k, String(v));
  }
  return params.toString();
}
