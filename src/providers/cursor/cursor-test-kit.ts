/**
 * Shared pieces of the Cursor integration's HTTP tests (cursor*.test.ts): a real Tessera with
 * every simulator (startTestStack), accounts connected through the API, a unified list followed
 * through next_cursor to the end, and the simulator read directly (not through Tessera) for the
 * numbers to compare with.
 *
 * Cursor allows 20 requests a minute per team (docs/providers/sources.md §6.1) and the
 * integration declares that budget, so Tessera spaces its calls to fit. A suite makes hundreds of
 * calls; `connectFast` connects an account whose `integration_override` lifts the budget so the
 * suite takes seconds, not minutes. The sandbox account keeps the declared budget, and the budget
 * test uses an account that keeps it too.
 */
import assert from 'node:assert/strict';
import { simulatorOrigin, startTestStack, type TestStack } from '../../../test/helpers/stack.ts';
import { DEFAULT_CURSOR_API_KEY, millicentsOf, simulator } from './simulator/index.ts';

export type Json = Record<string, any>;

export interface CursorStack {
  stack: TestStack;
  /** The simulator's base URL (the origin: Cursor's paths start with /teams). */
  simApi: string;
  /** Origin of the /__sim hooks. */
  sim: string;
}

export async function startCursorStack(env: Record<string, string> = {}): Promise<CursorStack> {
  const stack = await startTestStack(env);
  assert.ok(stack.accounts.cursor, 'the sandbox connects a cursor account');
  const simApi = stack.simulators.cursor;
  return { stack, simApi, sim: simulatorOrigin(simApi) };
}

/** A new account on the simulator; `budget` overrides the declared 20 per minute (null keeps it). */
export async function connect(
  s: CursorStack,
  budget: { requests: number; per_seconds: number } | null = { requests: 10_000, per_seconds: 1 },
): Promise<string> {
  const override: Json = { base_url: s.simApi, ...(budget ? { rate_limit: { budget } } : {}) };
  const res = await s.stack.api('/integrated-account', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant_id: 'cursor-tests', integration: 'cursor', context: simulator.sandbox.context, integration_override: override }),
  });
  const body = (await res.json()) as Json;
  assert.equal(body.status, 'active', JSON.stringify(body));
  return body.id as string;
}

export const unifiedUrl = (account: string, resource: string, query = '', id?: string) =>
  `/unified/usage-metering/${resource}${id ? `/${encodeURIComponent(id)}` : ''}?integrated_account_id=${account}${query ? `&${query}` : ''}`;

export async function getJson(s: CursorStack, path: string) {
  const res = await s.stack.api(path);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : ({} as Json), text };
}

/** Every page of a unified list, following next_cursor; ids must be unique across pages. */
export async function listAll(s: CursorStack, account: string, resource: string, query = '') {
  const records: Json[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const { status, body, text } = await getJson(s, unifiedUrl(account, resource, `${query}${cursor ? `&next_cursor=${encodeURIComponent(cursor)}` : ''}`));
    assert.equal(status, 200, text);
    assert.equal(body.result_count, body.result.length);
    records.push(...body.result);
    cursor = body.next_cursor;
    pages++;
  } while (cursor && pages < 500);
  assert.equal(cursor, null, 'paging terminates');
  const ids = records.map((r) => r.id);
  assert.equal(new Set(ids).size, ids.length, 'ids are unique across pages');
  return { records, pages };
}

/** A call to the simulator itself, with the sandbox key. */
export async function simCall(s: CursorStack, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${s.simApi}${path}`, {
    method,
    headers: { authorization: `Basic ${Buffer.from(`${DEFAULT_CURSOR_API_KEY}:`).toString('base64')}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.equal(res.status, 200);
  return (await res.json()) as Json;
}

export interface LoggedRequest {
  method: string;
  path: string;
  query: Record<string, unknown>;
  body?: any;
}

export async function simRequests(s: CursorStack): Promise<LoggedRequest[]> {
  return ((await (await fetch(`${s.sim}/__sim/requests`)).json()) as { requests: LoggedRequest[] }).requests;
}

export async function clearSimRequests(s: CursorStack): Promise<void> {
  await fetch(`${s.sim}/__sim/requests`, { method: 'DELETE' });
}

export async function injectFault(s: CursorStack, fault: Json): Promise<void> {
  const res = await fetch(`${s.sim}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fault) });
  assert.equal(res.status, 201);
}

export async function clearFaults(s: CursorStack): Promise<void> {
  await fetch(`${s.sim}/__sim/faults`, { method: 'DELETE' });
}

/** Fractional cents (≤ 3 decimals, as the simulator writes them) to integer millicents, from the text. */
export const millicents = millicentsOf;
