/**
 * The Anthropic simulator's reports (README.md in this folder): bucket widths, limits and paging of
 * `usage_report/messages` and `cost_report`, group_by in both spellings, filters, and the invariant
 * the seed is built for: on every day the cost report's total, in any grouping, equals the day's
 * usage priced with the seed's price table. Then the Enterprise endpoints' consistency with usage.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DEFAULT_ANTHROPIC_FIXTURES as F,
  SEED_FIRST_DAY,
  SEED_LAST_DAY,
  defaultAnthropicSeed,
  parseCents,
  priceAggregate,
  startAnthropicSimulator,
  type AnthropicSimulator,
} from './index.ts';
import { assertAnthropicError, get, qs } from './simulator-test-kit.ts';

type Json = Record<string, any>;

const NOW = Date.parse('2026-11-29T15:00:00Z');
const seed = defaultAnthropicSeed();
let sim: AnthropicSimulator;

before(async () => {
  sim = await startAnthropicSimulator({ rateLimits: false, now: () => NOW });
});
after(async () => {
  await sim?.close();
});

/** Every bucket of a report, following next_page. */
async function walk(path: string, query: Record<string, string | number | string[]>): Promise<{ buckets: Json[]; pages: number }> {
  const buckets: Json[] = [];
  let page: string | null = null;
  let pages = 0;
  do {
    const res = await get(sim, `${path}?${qs(query)}${page ? `&page=${encodeURIComponent(page)}` : ''}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual(Object.keys(res.body).sort(), ['data', 'has_more', 'next_page']);
    assert.equal(res.body.has_more, res.body.next_page !== null);
    buckets.push(...res.body.data);
    page = res.body.next_page;
    assert.ok(++pages < 200);
  } while (page);
  return { buckets, pages };
}

const sumMilli = (results: Json[]) => results.reduce((s: bigint, r: Json) => s + parseCents(r.amount), 0n);
const FULL = { starting_at: `${SEED_FIRST_DAY}T00:00:00Z`, ending_at: '2026-11-28T00:00:00Z', limit: 31 };

describe('anthropic simulator: bucket widths, limits and paging', () => {
  it('limit defaults and maxima per width: 1d 7/31, 1h 24/168, 1m 60/1440', async () => {
    for (const [width, def, max] of [
      ['1d', 7, 31],
      ['1h', 24, 168],
      ['1m', 60, 1440],
    ] as const) {
      const start = '2026-10-01T00:00:00Z';
      const res = await get(sim, `/usage_report/messages?${qs({ starting_at: start, bucket_width: width })}`);
      assert.equal(res.body.data.length, def, width);
      assert.equal((await get(sim, `/usage_report/messages?${qs({ starting_at: start, bucket_width: width, limit: max })}`)).body.data.length, max);
      assertAnthropicError(
        await get(sim, `/usage_report/messages?${qs({ starting_at: start, bucket_width: width, limit: max + 1 })}`),
        400,
        'invalid_request_error',
        /^limit: /,
      );
    }
    assertAnthropicError(
      await get(sim, `/usage_report/messages?${qs({ starting_at: '2026-10-01T00:00:00Z', bucket_width: '1w' })}`),
      400,
      'invalid_request_error',
      /^bucket_width/,
    );
  });

  it('the cost report is daily only, limit ≤ 31', async () => {
    assertAnthropicError(
      await get(sim, `/cost_report?${qs({ starting_at: '2026-11-01T00:00:00Z', bucket_width: '1h' })}`),
      400,
      'invalid_request_error',
      /^bucket_width: Input should be '1d'/,
    );
    assertAnthropicError(await get(sim, `/cost_report?${qs({ starting_at: '2026-11-01T00:00:00Z', limit: 32 })}`), 400, 'invalid_request_error', /^limit: /);
    assert.equal((await get(sim, `/cost_report?${qs({ starting_at: '2026-11-01T00:00:00Z' })}`)).body.data.length, 7);
  });

  it('starting_at is required and RFC 3339; ending_at must follow it; starting_at snaps to the bucket', async () => {
    assertAnthropicError(await get(sim, '/usage_report/messages'), 400, 'invalid_request_error', 'starting_at: Field required');
    assertAnthropicError(await get(sim, '/cost_report?starting_at=2026-11-01'), 400, 'invalid_request_error', /^starting_at: Input should be a valid RFC 3339/);
    assertAnthropicError(
      await get(sim, `/cost_report?${qs({ starting_at: '2026-11-05T00:00:00Z', ending_at: '2026-11-01T00:00:00Z' })}`),
      400,
      'invalid_request_error',
      /^ending_at/,
    );
    const snapped = await get(sim, `/usage_report/messages?${qs({ starting_at: '2026-11-05T13:45:10Z', ending_at: '2026-11-07T00:00:00Z' })}`);
    assert.deepEqual(
      snapped.body.data.map((b: Json) => [b.starting_at, b.ending_at]),
      [
        ['2026-11-05T00:00:00Z', '2026-11-06T00:00:00Z'],
        ['2026-11-06T00:00:00Z', '2026-11-07T00:00:00Z'],
      ],
    );
    const partial = await get(sim, `/usage_report/messages?${qs({ starting_at: '2026-11-05T00:00:00Z', ending_at: '2026-11-06T12:00:00Z' })}`);
    assert.equal(partial.body.data.length, 1, 'a bucket ending after ending_at is not returned');
  });

  it('next_page walks contiguous buckets; the token is page_ + base64 of the next start; a bad token is a 400', async () => {
    const { buckets, pages } = await walk('/usage_report/messages', { ...FULL, limit: 10 });
    assert.equal(buckets.length, 90);
    assert.equal(pages, 9);
    buckets.forEach((b, i) => i > 0 && assert.equal(b.starting_at, buckets[i - 1].ending_at));
    const first = await get(sim, `/cost_report?${qs({ ...FULL, limit: 5 })}`);
    assert.equal(Buffer.from(first.body.next_page.slice('page_'.length), 'base64').toString(), buckets[5].starting_at);
    assertAnthropicError(await get(sim, `/cost_report?${qs({ ...FULL })}&page=page_bm9wZQ==`), 400, 'invalid_request_error', /^page: /);
  });

  it('without ending_at the last bucket is the one holding now; days after the seed are empty', async () => {
    const { buckets } = await walk('/cost_report', { starting_at: '2026-11-25T00:00:00Z' });
    assert.deepEqual(
      buckets.map((b) => b.starting_at.slice(0, 10)),
      ['2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-29'],
    );
    assert.deepEqual(
      buckets.slice(3).map((b) => b.results),
      [[], []],
    );
  });
});

describe('anthropic simulator: the messages report', () => {
  const day = { starting_at: '2026-11-20T00:00:00Z', ending_at: '2026-11-21T00:00:00Z' };

  it('group_by[]=x and repeated group_by=x are the same; every dimension key is present, null unless grouped', async () => {
    const brackets = await get(sim, `/usage_report/messages?${qs({ ...day, group_by: ['model', 'workspace_id'] })}`);
    const bare = await get(sim, `/usage_report/messages?${new URLSearchParams({ ...day })}&group_by=model&group_by=workspace_id`);
    assert.deepEqual(bare.body, brackets.body);
    for (const r of brackets.body.data[0].results) {
      assert.equal(typeof r.model, 'string');
      for (const k of ['api_key_id', 'account_id', 'service_tier', 'context_window', 'inference_geo', 'service_account_id']) assert.equal(r[k], null, k);
    }
    const ungrouped = await get(sim, `/usage_report/messages?${qs(day)}`);
    assert.equal(ungrouped.body.data[0].results.length, 1);
    assertAnthropicError(await get(sim, `/usage_report/messages?${qs({ ...day, group_by: ['colour'] })}`), 400, 'invalid_request_error', /^group_by: /);
  });

  it('filters narrow the records: models[], account_ids[], workspace_ids[], service_tiers[]', async () => {
    const total = (res: Json) => res.body.data.flatMap((b: Json) => b.results).reduce((s: number, r: Json) => s + r.output_tokens, 0);
    const expect = (pred: (r: (typeof seed.usage)[number]) => boolean) =>
      seed.usage.filter((r) => r.at.startsWith('2026-11-20') && pred(r)).reduce((s, r) => s + r.output_tokens, 0);
    assert.equal(
      total(await get(sim, `/usage_report/messages?${qs({ ...day, models: ['claude-haiku-4-5-20251001'] })}`)),
      expect((r) => r.model === 'claude-haiku-4-5-20251001'),
    );
    assert.equal(
      total(await get(sim, `/usage_report/messages?${qs({ ...day, account_ids: [F.monthlyLimit.id] })}`)),
      expect((r) => r.account_id === F.monthlyLimit.id),
    );
    assert.equal(
      total(await get(sim, `/usage_report/messages?${qs({ ...day, service_tiers: ['batch'] })}`)),
      expect((r) => r.service_tier === 'batch'),
    );
    const wsId = seed.api_keys[2].workspace_id!;
    assert.equal(
      total(await get(sim, `/usage_report/messages?${qs({ ...day, workspace_ids: [wsId] })}`)),
      expect((r) => r.workspace_id === wsId),
    );
  });

  it('hour and minute buckets add up to the day', async () => {
    const tokens = (buckets: Json[]) => buckets.flatMap((b) => b.results).reduce((s: number, r: Json) => s + r.uncached_input_tokens + r.output_tokens, 0);
    const daily = tokens((await walk('/usage_report/messages', { ...day, bucket_width: '1d' })).buckets);
    const hourly = await walk('/usage_report/messages', { ...day, bucket_width: '1h', limit: 168 });
    assert.equal(hourly.buckets.length, 24);
    assert.equal(tokens(hourly.buckets), daily);
    const minutes = await walk('/usage_report/messages', { ...day, bucket_width: '1m', limit: 1440 });
    assert.equal(minutes.buckets.length, 1440);
    assert.equal(tokens(minutes.buckets), daily);
  });
});

describe('anthropic simulator: costs add up', () => {
  it("for every day: the cost total in every grouping equals the usage of that day priced with the seed's table", async () => {
    const [plain, byDescription, byWorkspace, byBoth, usage] = await Promise.all([
      walk('/cost_report', FULL),
      walk('/cost_report', { ...FULL, group_by: ['description'] }),
      walk('/cost_report', { ...FULL, group_by: ['workspace_id'] }),
      walk('/cost_report', { ...FULL, group_by: ['workspace_id', 'description'] }),
      walk('/usage_report/messages', {
        ...FULL,
        group_by: ['account_id', 'api_key_id', 'workspace_id', 'model', 'service_tier', 'context_window', 'inference_geo'],
      }),
    ]);
    assert.equal(plain.buckets.length, 90);
    let grand = 0n;
    plain.buckets.forEach((bucket, i) => {
      const total = sumMilli(bucket.results);
      assert.ok(total > 0n, `${bucket.starting_at} has usage`);
      assert.equal(sumMilli(byDescription.buckets[i].results), total, `description ${bucket.starting_at}`);
      assert.equal(sumMilli(byWorkspace.buckets[i].results), total, `workspace ${bucket.starting_at}`);
      assert.equal(sumMilli(byBoth.buckets[i].results), total, `both ${bucket.starting_at}`);
      let priced = 0n;
      for (const r of usage.buckets[i].results) {
        const counts = {
          uncached_input_tokens: r.uncached_input_tokens,
          cache_creation_5m: r.cache_creation.ephemeral_5m_input_tokens,
          cache_creation_1h: r.cache_creation.ephemeral_1h_input_tokens,
          cache_read_input_tokens: r.cache_read_input_tokens,
          output_tokens: r.output_tokens,
          web_search_requests: r.server_tool_use.web_search_requests,
        };
        for (const line of priceAggregate(seed.pricing, r, counts)) priced += line.milli;
      }
      assert.equal(priced, total, `priced usage ${bucket.starting_at}`);
      grand += total;
    });
    assert.ok(grand > 100_000_000n, 'more than $1,000 over 90 days');
  });

  it('amounts are decimal strings of cents with at most 3 decimals; description lines carry their details', async () => {
    const { buckets } = await walk('/cost_report', { starting_at: '2026-11-20T00:00:00Z', ending_at: '2026-11-21T00:00:00Z', group_by: ['description'] });
    const results = buckets[0].results as Json[];
    for (const r of results) {
      assert.match(r.amount, /^\d+(\.\d{1,3})?$/);
      assert.equal(r.currency, 'USD');
      if (r.cost_type === 'tokens') {
        assert.ok(r.model && r.token_type && r.service_tier && r.context_window, r.description);
        assert.match(r.description, /Usage/);
      } else {
        assert.deepEqual([r.cost_type, r.description, r.model, r.token_type], ['web_search', 'Web Search Usage', null, null]);
      }
    }
    assert.ok(results.some((r) => r.service_tier === 'batch' && /\(Batch\)/.test(r.description)));
  });
});

describe('anthropic simulator: Enterprise endpoints follow the usage', () => {
  it("spend_limits/effective: pages by member; monthly period-to-date spend is the member's priced November usage", async () => {
    const pages: Json[][] = [];
    let page: string | null = null;
    do {
      const res = await get(sim, `/spend_limits/effective?limit=1${page ? `&page=${page}` : ''}`);
      pages.push(res.body.data);
      page = res.body.next_page;
    } while (page);
    assert.equal(pages.length, 5, 'five members have limit rows');
    for (const rows of pages) assert.equal(new Set(rows.map((r) => r.actor.user_id)).size, 1, 'a member never splits across pages');
    const margaret = pages.flat().filter((r) => r.actor.user_id === F.monthlyAndDaily.id);
    assert.deepEqual(
      margaret.map((r) => r.period),
      ['monthly', 'daily'],
    );
    const usage = await walk('/cost_report', { starting_at: '2026-11-01T00:00:00Z', ending_at: '2026-11-28T00:00:00Z' });
    assert.ok(parseCents(margaret[0].period_to_date_spend) > 0n);
    assert.ok(parseCents(margaret[0].period_to_date_spend) < usage.buckets.reduce((s, b) => s + sumMilli(b.results), 0n));
    assert.equal(margaret[1].period_to_date_spend, '0', 'the day of the clock has no usage yet');
  });

  it('analytics/users: a member is active on exactly the days with usage', async () => {
    for (const date of ['2026-11-21', '2026-11-22', SEED_LAST_DAY]) {
      const rows = (await get(sim, `/analytics/users?date=${date}&limit=100`)).body.data as Json[];
      const active = new Set(seed.usage.filter((r) => r.at.startsWith(date) && r.account_id).map((r) => r.account_id));
      assert.equal(rows.length, seed.users.length);
      for (const r of rows) assert.equal(r.last_activity_date === date, active.has(r.user.id), `${date} ${r.user.email_address}`);
    }
  });

  it('analytics/users validates its dates: first day, freshness, one mode at a time', async () => {
    assertAnthropicError(await get(sim, '/analytics/users?date=2025-12-31'), 400, 'invalid_request_error', /no earlier than 2026-01-01/);
    assertAnthropicError(await get(sim, '/analytics/users?date=2026-11-29'), 400, 'invalid_request_error', /available up to 2026-11-28/);
    assertAnthropicError(
      await get(sim, '/analytics/users?date=2026-11-20&starting_date=2026-11-01'),
      400,
      'invalid_request_error',
      /either date or starting_date/,
    );
    assertAnthropicError(await get(sim, '/analytics/users'), 400, 'invalid_request_error', /^date: Field required/);
    assert.equal((await get(sim, '/analytics/users?date=2026-11-28')).status, 200, 'after the seed, before now: no activity, not an error');
  });
});
