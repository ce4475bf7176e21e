import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { centsOf, MAX_SPAN_DAYS, startUsageFixtureServer, type UsageFixtureServer } from '../../test/fixtures/usage/server.ts';
import { startCustomStack, type CustomStack } from '../../test/helpers/custom-stack.ts';
import { resolveWindow } from './windows.ts';

/**
 * Lists over date windows (usage reports), over real sockets against test/fixtures/usage: the
 * window is checked and split into the source's allowed spans, every row comes once through
 * next_cursor (which resumes in the middle of the fan-out), parameters the integration lacks are
 * refused by name, POST-for-read sends the query in the body, and the request budget is kept.
 */
const CATALOG = path.join(import.meta.dirname, '../../test/fixtures/usage/catalog');
let upstream: UsageFixtureServer;
let stack: CustomStack;
let getAccount: string;
let postAccount: string;

async function connect(resource?: string): Promise<string> {
  const override = resource ? { 'usage-metering': { usage: { list: { resource } } } } : {};
  const res = await stack.api('/integrated-account', {
    method: 'POST',
    body: JSON.stringify({
      tenant_id: 't',
      integration: 'usagefix',
      context: { api_key: 'k' },
      integration_override: { base_url: upstream.url },
      unified_model_override: override,
    }),
  });
  const body = (await res.json()) as { id: string; status: string };
  assert.equal(body.status, 'active');
  return body.id;
}

before(async () => {
  upstream = await startUsageFixtureServer();
  // The budget (3 per second) would slow every test; its own test below turns it back on.
  stack = await startCustomStack(CATALOG);
  getAccount = await connect();
  postAccount = await connect('daily_post');
});
after(async () => {
  await stack?.close();
  await upstream?.close();
});

const usage = (account: string, query: string) => `/unified/usage-metering/usage?integrated_account_id=${account}&${query}`;

async function json(p: string) {
  const res = await stack.api(p);
  return { status: res.status, body: (await res.json()) as any };
}

async function listAll(account: string, query: string) {
  const rows: any[] = [];
  let cursor = '';
  let pages = 0;
  do {
    const { status, body } = await json(usage(account, `${query}&next_cursor=${encodeURIComponent(cursor)}`));
    assert.equal(status, 200, JSON.stringify(body));
    rows.push(...body.result);
    cursor = body.next_cursor ?? '';
    pages++;
  } while (cursor && pages < 100);
  return { rows, pages };
}

describe('resolveWindow', () => {
  const def = { start_param: 'start_date', end_param: 'end_date', default_days: 7, max_days: 60, chunk_days: 10, align: 'day' as const };
  const now = Date.parse('2026-11-29T15:00:00Z');

  test('defaults to the last default_days whole days up to the end of today, split into chunk_days', () => {
    const w = resolveWindow(def, {}, 'x', now);
    assert.equal(w.start, '2026-11-23T00:00:00Z');
    assert.equal(w.end, '2026-11-30T00:00:00Z');
    assert.deepEqual(
      w.chunks.map((c) => [c.start_day, c.last_day]),
      [['2026-11-23', '2026-11-29']],
    );
  });

  test('25 days become chunks of 10, 10 and 5 days that tile the window', () => {
    const w = resolveWindow(def, { start_date: '2026-10-01', end_date: '2026-10-26' }, 'x', now);
    assert.deepEqual(
      w.chunks.map((c) => (c.end_ms - c.start_ms) / 86_400_000),
      [10, 10, 5],
    );
    for (let i = 1; i < w.chunks.length; i++) assert.equal(w.chunks[i].start, w.chunks[i - 1].end);
    assert.equal(w.chunks[0].start_s, Date.parse('2026-10-01T00:00:00Z') / 1000);
  });

  test('a date parameter is that one day', () => {
    const w = resolveWindow({ ...def, date_param: 'date' }, { date: '2026-11-02' }, 'x', now);
    assert.deepEqual([w.start, w.end, w.chunks.length], ['2026-11-02T00:00:00Z', '2026-11-03T00:00:00Z', 1]);
    assert.throws(
      () => resolveWindow({ ...def, date_param: 'date' }, { date: '2026-11-02', start_date: '2026-11-01' }, 'x', now),
      /date cannot be combined with start_date/,
    );
    assert.throws(() => resolveWindow({ ...def, date_param: 'date' }, { date: 'monday' }, 'x', now), /date must be a day \(YYYY-MM-DD\)/);
  });

  test('bad windows are 400s that name the parameter and the limit', () => {
    const bad: [Record<string, string>, RegExp][] = [
      [{ start_date: 'yesterday' }, /start_date must be an ISO 8601 date/],
      [{ start_date: '2026-02-30' }, /start_date/],
      [{ end_date: '2026-11-01T00:00:00' }, /end_date must be an ISO 8601 date .*with a zone/],
      [{ start_date: '2026-11-10', end_date: '2026-11-01' }, /end_date \(2026-11-01T00:00:00Z\) must be after start_date/],
      [{ start_date: '2026-01-01', end_date: '2026-11-01' }, /spans 304 days; x allows at most 60 days/],
    ];
    for (const [query, message] of bad) {
      assert.throws(
        () => resolveWindow(def, query, 'x', now),
        (e: any) => e.status === 400 && e.code === 'TESSERA_INVALID_QUERY' && message.test(e.message),
        JSON.stringify(query),
      );
    }
  });
});

describe('GET /unified/usage-metering/usage over a window', () => {
  test('a 25-day window fans out in 10-day spans; next_cursor yields every day once, in order', async () => {
    upstream.requests.length = 0;
    const { rows, pages } = await listAll(getAccount, 'start_date=2026-10-01&end_date=2026-10-26');
    assert.equal(rows.length, 25);
    assert.equal(new Set(rows.map((r) => r.id)).size, 25, 'ids are unique');
    assert.deepEqual(
      rows.map((r) => r.start_date.slice(0, 10)),
      Array.from({ length: 25 }, (_, i) => `2026-10-${String(i + 1).padStart(2, '0')}`),
    );
    for (const r of upstream.requests) assert.ok((r.to - r.from) / 86_400 <= MAX_SPAN_DAYS, 'no upstream request spans more than the source allows');
    // 10 days = pages of 4, 4, 2 (twice); 5 days = 4, 1: eight upstream pages, each its own unified page.
    assert.equal(upstream.requests.length, 8);
    assert.equal(pages, 8);
    const total = rows.reduce((sum, r) => sum + r.charges[0].amount, 0);
    const expected = Array.from({ length: 25 }, (_, i) => centsOf(Date.parse('2026-10-01T00:00:00Z') / 1000 + i * 86_400)).reduce((a, b) => a + b, 0);
    assert.equal(total, expected, 'the charges add up to the source’s own numbers');
  });

  test('a cursor from the middle of the fan-out resumes there, on the window it started with', async () => {
    const first = await json(usage(getAccount, 'start_date=2026-10-01&end_date=2026-10-26'));
    let cursor = first.body.next_cursor;
    for (let i = 0; i < 3; i++) cursor = (await json(usage(getAccount, `next_cursor=${encodeURIComponent(cursor)}`))).body.next_cursor;
    // Page 5 is the second chunk's second page; no dates are passed again: the cursor carries them.
    const fifth = await json(usage(getAccount, `next_cursor=${encodeURIComponent(cursor)}`));
    assert.deepEqual(
      fifth.body.result.map((r: any) => r.start_date.slice(0, 10)),
      ['2026-10-15', '2026-10-16', '2026-10-17', '2026-10-18'],
    );
  });

  test('truto_ignore_limit and stream follow the whole window', async () => {
    const all = await json(usage(getAccount, 'start_date=2026-09-01&end_date=2026-10-01&truto_ignore_limit=true'));
    assert.equal(all.body.result.length, 30);
    const res = await stack.api(usage(getAccount, 'start_date=2026-09-01&end_date=2026-09-15&truto_response_format=stream'));
    const lines = (await res.text())
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.length, 14);
  });

  test('stream writes each upstream page as it arrives instead of buffering the window', async () => {
    upstream.requests.length = 0;
    upstream.delayMs = 150;
    try {
      const res = await stack.api(usage(getAccount, 'start_date=2026-08-01&end_date=2026-08-31&truto_response_format=stream'));
      const reader = res.body!.getReader();
      const first = await reader.read();
      assert.ok(first.value && first.value.length > 0);
      const fetchedWhenFirstLineArrived = upstream.requests.length;
      let text = new TextDecoder().decode(first.value);
      for (let r = await reader.read(); !r.done; r = await reader.read()) text += new TextDecoder().decode(r.value);
      assert.equal(text.trim().split('\n').length, 30);
      assert.ok(
        fetchedWhenFirstLineArrived < upstream.requests.length,
        `the first rows left before the last page was fetched (${fetchedWhenFirstLineArrived} of ${upstream.requests.length})`,
      );
    } finally {
      upstream.delayMs = 0;
    }
  });

  test('parameters the integration lacks, and values it cannot take, are 400s that say what it accepts', async () => {
    const cases: [string, RegExp][] = [
      ['user_ids[]=u1', /user_ids is not supported by usagefix for usage-metering\/usage list; it accepts: start_date, end_date, group_by/],
      ['group_by[]=model', /group_by must be equal to one of the allowed values; allowed: product/],
      ['start_date=2026-13-01', /start_date is not a real date/],
      ['start_date=2025-01-01&end_date=2026-01-01', /allows at most 60 days per request/],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await json(usage(getAccount, query));
      assert.equal(status, 400, query);
      assert.equal(body.code, 'TESSERA_INVALID_QUERY');
      assert.match(body.message, message);
    }
    assert.equal(
      (await json(usage(getAccount, 'group_by=product&start_date=2026-10-01&end_date=2026-10-02'))).status,
      200,
      'a single value is an array of one',
    );
  });

  test('POST-for-read sends the query and the page in the JSON body, never the URL', async () => {
    upstream.requests.length = 0;
    const { rows } = await listAll(postAccount, 'start_date=2026-10-01&end_date=2026-10-15');
    assert.equal(rows.length, 14);
    assert.ok(upstream.requests.length >= 4);
    for (const r of upstream.requests) assert.deepEqual([r.method, r.in], ['POST', 'body']);
  });

  test('the request budget (3 per second) spaces upstream calls instead of failing', async () => {
    upstream.requests.length = 0;
    const started = Date.now();
    // 14 days = two 10/4-day chunks: pages 4, 4, 2, 4 → four upstream calls; the fourth waits for the window.
    const all = await json(usage(getAccount, 'start_date=2026-07-01&end_date=2026-07-15&truto_ignore_limit=true'));
    assert.equal(all.status, 200);
    assert.equal(upstream.requests.length, 4);
    assert.ok(Date.now() - started >= 900, `the fourth call waited for the budget window (${Date.now() - started} ms)`);
  });

  test('a base URL may name account values; one the account lacks is a 400 naming it, before any call', async () => {
    const port = new URL(upstream.url).port;
    const connectWith = async (context: Record<string, unknown>) => {
      const res = await stack.api('/integrated-account', {
        method: 'POST',
        body: JSON.stringify({
          tenant_id: 't',
          integration: 'usagefix',
          context: { api_key: 'k', ...context },
          integration_override: { base_url: 'http://127.0.0.1:{{context.port}}' },
        }),
      });
      return ((await res.json()) as { id: string }).id;
    };
    const withPort = await connectWith({ port });
    const ok = await json(usage(withPort, 'start_date=2026-10-01&end_date=2026-10-03'));
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal(ok.body.result.length, 2);
    upstream.requests.length = 0;
    const without = await json(usage(await connectWith({}), 'start_date=2026-10-01&end_date=2026-10-03'));
    assert.equal(without.status, 400);
    assert.match(without.body.message, /base URL needs context\.port/);
    assert.equal(upstream.requests.length, 0);
  });
});
