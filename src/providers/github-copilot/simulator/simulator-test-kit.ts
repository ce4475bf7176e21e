/**
 * Shared pieces of the GitHub Copilot simulator tests (simulator-*.test.ts): a GitHub-style GET,
 * the /__sim hook caller, the GitHub error assertion, Link parsing and a rel="next" seat scan.
 * Each test file starts and stops its own simulator; this module holds no server state.
 */
import assert from 'node:assert/strict';
import { DEFAULT_GITHUB_COPILOT_TOKEN as OWNER, type GithubCopilotSimulator } from './index.ts';

export interface Res {
  status: number;
  headers: Headers;
  body: any;
}

export async function get(url: string, token: string | null = OWNER, headers: Record<string, string> = {}): Promise<Res> {
  const h: Record<string, string> = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', ...headers };
  if (token !== null) h.authorization ??= `Bearer ${token}`;
  const res = await fetch(url, { headers: h });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export async function hook(sim: GithubCopilotSimulator, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Res> {
  const res = await fetch(`${sim.origin}/__sim${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': contentType },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : undefined };
}

export function assertGithubError(res: Res, status: number, message: string | RegExp): void {
  assert.equal(res.status, status, `expected ${status}, got ${res.status}: ${JSON.stringify(res.body)}`);
  assert.deepEqual(Object.keys(res.body).sort(), ['documentation_url', 'message', 'status']);
  assert.equal(res.body.status, String(status), 'GitHub sends status as a string');
  assert.match(res.body.documentation_url, /^https:\/\/docs\.github\.com\/rest/);
  if (typeof message === 'string') assert.equal(res.body.message, message);
  else assert.match(res.body.message, message);
}

/** RFC 5988 `Link` → rel → URL. */
export function links(res: Res): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (res.headers.get('link') ?? '').split(',')) {
    const m = /<([^>]+)>;\s*rel="([^"]+)"/.exec(part.trim());
    if (m) out[m[2]] = m[1];
  }
  return out;
}

/** Follows rel="next" from `first` to the end, as a client should; fails on a runaway scan. */
export async function scanSeats(first: string, token = OWNER) {
  const pages: Res[] = [];
  let url: string | undefined = first;
  while (url) {
    const res = await get(url, token);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    pages.push(res);
    url = links(res).next;
    assert.ok(pages.length <= 100, 'paging did not terminate');
  }
  return { pages, seats: pages.flatMap((p) => p.body.seats as any[]) };
}

export const SEAT_KEYS = [
  'created_at',
  'pending_cancellation_date',
  'last_activity_at',
  'last_activity_editor',
  'last_authenticated_at',
  'plan_type',
  'assignee',
  'assigning_team',
];
