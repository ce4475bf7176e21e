/**
 * Shared pieces of the OpenAI simulator tests: a GET with an admin key, the OpenAI error
 * assertion, and a walk over bucket pages. Each test file starts its own simulator; this module
 * holds no server state.
 */
import assert from 'node:assert/strict';
import { DEFAULT_OPENAI_ADMIN_KEY, type OpenAISimulator } from './index.ts';

export interface Res {
  status: number;
  headers: Headers;
  body: any;
}

/** GET `<baseUrl><path>` with `Authorization: Bearer <key>` (null: no header at all). */
export async function get(sim: OpenAISimulator, path: string, key: string | null = DEFAULT_OPENAI_ADMIN_KEY): Promise<Res> {
  const res = await fetch(`${sim.baseUrl}${path}`, { headers: key === null ? {} : { authorization: `Bearer ${key}` } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

/** OpenAI's error body: exactly `{error:{message,type,param,code}}`, and a request id on the response. */
export function assertOpenAIError(res: Res, status: number, expected: { message?: RegExp; type?: string; param?: string | null; code?: string | null }): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  assert.deepEqual(Object.keys(res.body), ['error']);
  assert.deepEqual(Object.keys(res.body.error).sort(), ['code', 'message', 'param', 'type']);
  assert.ok(res.headers.get('x-request-id'), 'x-request-id on every response');
  if (expected.message) assert.match(res.body.error.message, expected.message);
  if (expected.type !== undefined) assert.equal(res.body.error.type, expected.type);
  if (expected.param !== undefined) assert.equal(res.body.error.param, expected.param);
  if (expected.code !== undefined) assert.equal(res.body.error.code, expected.code);
}

/** Every bucket of a usage or costs query, following next_page; fails on a runaway walk. */
export async function allBuckets(sim: OpenAISimulator, path: string, query: string): Promise<{ pages: Res[]; buckets: any[] }> {
  const pages: Res[] = [];
  let page: string | null = null;
  do {
    const res = await get(sim, `${path}?${query}${page ? `&page=${encodeURIComponent(page)}` : ''}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    pages.push(res);
    assert.equal(res.body.has_more, res.body.next_page !== null, 'has_more iff next_page');
    page = res.body.next_page;
    assert.ok(pages.length <= 200, 'paging did not terminate');
  } while (page);
  return { pages, buckets: pages.flatMap((p) => p.body.data) };
}

export const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
