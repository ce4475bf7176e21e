/**
 * Shared pieces of the Datadog simulator's own tests: a GET with Datadog's two key headers, the
 * /__sim hook caller and the error-body assertion. Each test file starts its own simulator.
 */
import assert from 'node:assert/strict';
import { DEFAULT_DATADOG_KEYS as K, type DatadogSimulator } from './index.ts';

export interface Res {
  status: number;
  headers: Headers;
  body: any;
}

export interface GetOptions {
  /** null: the header is not sent. */
  apiKey?: string | null;
  appKey?: string | null;
}

export async function get(sim: DatadogSimulator, path: string, opts: GetOptions = {}): Promise<Res> {
  const headers: Record<string, string> = {};
  const apiKey = opts.apiKey === undefined ? K.api : opts.apiKey;
  const appKey = opts.appKey === undefined ? K.app : opts.appKey;
  if (apiKey !== null) headers['DD-API-KEY'] = apiKey;
  if (appKey !== null) headers['DD-APPLICATION-KEY'] = appKey;
  const res = await fetch(`${sim.origin}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export async function hook(sim: DatadogSimulator, method: string, path: string, body?: unknown): Promise<Res> {
  const res = await fetch(`${sim.origin}/__sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** `{"errors": [message]}` with the given status. */
export function assertDatadogError(res: Res, status: number, message: string | RegExp): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  assert.equal(res.body.errors.length, 1);
  if (typeof message === 'string') assert.equal(res.body.errors[0], message);
  else assert.match(res.body.errors[0], message);
}

/** The hourly_usage query string, with Datadog's bracketed filter names. */
export function hourlyQuery(params: Record<string, string | number | boolean>): string {
  return `/api/v2/usage/hourly_usage?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
}

/** Dollars (a JSON number with at most six decimals) to integer micro-dollars, from its text. */
export function micros(dollars: number): bigint {
  const [whole, frac = ''] = String(dollars).split('.');
  assert.ok(frac.length <= 6, `${dollars} has more than six decimals`);
  assert.ok(!String(dollars).includes('e'), `${dollars} is in exponent form`);
  return BigInt(whole) * 1_000_000n + BigInt(frac.padEnd(6, '0'));
}
