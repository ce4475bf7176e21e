/**
 * Anthropic usage rows over HTTP (docs/contract.md §17.3; docs/providers/sources.md §3, §5.6):
 * token rows from the messages usage report, then one cost row per day from the cost report, against
 * the sandbox account of `startTestStack()`. The money check is the point: for every day, the
 * charges Tessera returns add up to the simulator's cost total, rounded once to whole cents.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  AnthropicState,
  DAY_MS,
  DEFAULT_ANTHROPIC_ADMIN_KEY as ADMIN,
  DEFAULT_ANTHROPIC_FIXTURES as F,
  SEED_CLOCK,
  SEED_FIRST_DAY,
  defaultAnthropicSeed,
  parseAnthropicSeed,
  parseCents,
} from './simulator/index.ts';
import { schemaValidator } from '../../../test/helpers/schema.ts';
import { simulatorOrigin, startTestStack, type TestStack } from '../../../test/helpers/stack.ts';

type Json = Record<string, any>;

const validUsage = schemaValidator('usage-metering', 'usage');
const state = new AnthropicState(parseAnthropicSeed(defaultAnthropicSeed()));
const NOVEMBER = 'start_date=2026-11-01&end_date=2026-11-28';

let stack: TestStack;
let account: string;
let sim: string;

const usageUrl = (query: string) => `/unified/usage-metering/usage?integrated_account_id=${account}&${query}`;

async function getJson(path: string) {
  const res = await stack.api(path);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Json) : ({} as Json), text };
}

/** Every row of a unified usage list, following next_cursor. */
async function listAll(query: string): Promise<{ rows: Json[]; pages: number }> {
  const rows: Json[] = [];
  let cursor: string | null = '';
  let pages = 0;
  do {
    const { status, body, text } = await getJson(usageUrl(`${query}&next_cursor=${encodeURIComponent(cursor ?? '')}`));
    assert.equal(status, 200, text);
    rows.push(...body.result);
    cursor = body.next_cursor;
    assert.ok(++pages < 50, 'paging did not terminate');
  } while (cursor);
  return { rows, pages };
}

/** The simulator's own report, read directly with the admin key (not through Tessera). */
async function simReport(path: string, query: Record<string, string | string[]>): Promise<Json[]> {
  const buckets: Json[] = [];
  let page: string | null = null;
  do {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) for (const item of [v].flat()) params.append(Array.isArray(v) ? `${k}[]` : k, item);
    if (page) params.set('page', page);
    const res = await fetch(`${stack.simulators.anthropic}/v1/organizations/${path}?${params}`, {
      headers: { 'x-api-key': ADMIN, 'anthropic-version': '2023-06-01' },
    });
    const body = (await res.json()) as Json;
    assert.equal(res.status, 200, JSON.stringify(body));
    buckets.push(...body.data);
    page = body.next_page;
  } while (page);
  return buckets;
}

/** Cents, rounded half away from zero, from milli-cents: the integration's documented rounding. */
const roundCents = (milli: bigint) => Number((milli + 500n) / 1000n);

const tokenRows = (rows: Json[]) => rows.filter((r) => r.id.startsWith('anthropic:usage_report:'));
const costRows = (rows: Json[]) => rows.filter((r) => r.id.startsWith('anthropic:cost_report:'));

before(async () => {
  stack = await startTestStack();
  account = stack.accounts.anthropic;
  sim = simulatorOrigin(stack.simulators.anthropic);
});
after(async () => {
  await stack?.close();
});

describe('GET /unified/usage-metering/usage on Anthropic', () => {
  test('a month: every row validates, ids are unique and deterministic, token rows then one cost row per day', async () => {
    const { rows, pages } = await listAll(NOVEMBER);
    assert.equal(pages, 27 + 1, 'token rows in pages of one day, cost rows in one page of 27');
    const ids = rows.map((r) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const r of rows) assert.equal(validUsage(r), null, `${r.id}: ${validUsage(r)}`);
    const costs = costRows(rows);
    assert.equal(costs.length, 27);
    assert.deepEqual(
      ids.slice(-27),
      costs.map((r) => r.id),
      'cost rows come after every token row',
    );
    assert.deepEqual(
      (await listAll(NOVEMBER)).rows.map((r) => r.id),
      ids,
      're-reads give the same ids',
    );
    for (const r of costs) {
      assert.match(r.id, /^anthropic:cost_report:2026-11-\d\dT00:00:00Z:-:-$/);
      assert.equal(Date.parse(r.end_date) - Date.parse(r.start_date), DAY_MS);
      assert.equal(r.surface, 'api');
      assert.deepEqual(r.organization, { id: state.seed.organization.id, name: state.seed.organization.name });
    }
  });

  test("for every day the charges sum to the simulator's cost total, rounded to whole cents", async () => {
    // truto_ignore_limit follows all 90 + 3 pages in one response.
    const { status, body, text } = await getJson(usageUrl(`start_date=${SEED_FIRST_DAY}&end_date=${SEED_CLOCK.slice(0, 10)}&truto_ignore_limit=true`));
    assert.equal(status, 200, text);
    assert.equal(body.next_cursor, null);
    const rows = body.result as Json[];
    const report = await simReport('cost_report', { starting_at: `${SEED_FIRST_DAY}T00:00:00Z`, ending_at: SEED_CLOCK, limit: '31' });
    assert.equal(report.length, 90);
    const byDay = new Map<string, number>();
    for (const r of rows) for (const c of r.charges ?? []) byDay.set(r.start_date, (byDay.get(r.start_date) ?? 0) + c.amount);
    for (const bucket of report) {
      const total = bucket.results.reduce((sum: bigint, x: Json) => sum + parseCents(x.amount), 0n);
      assert.equal(total, state.dayCost(Date.parse(bucket.starting_at)), 'the simulator totals its own price table');
      assert.equal(byDay.get(bucket.starting_at) ?? 0, roundCents(total), bucket.starting_at);
    }
    for (const r of costRows(rows)) {
      assert.equal(r.charges.length, 1);
      assert.ok(Number.isInteger(r.charges[0].amount));
      assert.deepEqual([r.charges[0].currency, r.charges[0].type], ['USD', 'total']);
    }
  });

  test('token rows carry the messages report per (day, member, model), with tokens that add up', async () => {
    const { rows } = await listAll(`${NOVEMBER}&report_type=usage`);
    assert.equal(costRows(rows).length, 0);
    const report = await simReport('usage_report/messages', {
      starting_at: '2026-11-01T00:00:00Z',
      ending_at: '2026-11-28T00:00:00Z',
      limit: '31',
      group_by: ['account_id', 'model'],
    });
    const expected = report.flatMap((b) => b.results.map((x: Json) => ({ ...x, day: b.starting_at })));
    const tokens = tokenRows(rows);
    assert.equal(tokens.length, expected.length);
    for (const x of expected) {
      const id = `anthropic:usage_report:${x.day}:${x.account_id ?? '-'}:${x.model}`;
      const row = tokens.find((r) => r.id === id);
      assert.ok(row, id);
      const write = x.cache_creation.ephemeral_1h_input_tokens + x.cache_creation.ephemeral_5m_input_tokens;
      assert.deepEqual(row.usage.tokens, {
        input: x.uncached_input_tokens,
        output: x.output_tokens,
        cache_read: x.cache_read_input_tokens,
        cache_write: write,
        total: x.uncached_input_tokens + x.output_tokens + x.cache_read_input_tokens + write,
      });
      assert.deepEqual(row.model, { id: x.model, provider: 'anthropic' });
      assert.equal(row.surface, 'api');
      assert.equal(row.charges, undefined, 'the messages report prices nothing per member');
      assert.equal(row.remote_data.model, x.model);
    }
  });

  test('members carry id, email and name; unattributed usage has no user and "-" in its id', async () => {
    const { rows } = await listAll(`${NOVEMBER}&report_type=usage`);
    const grace = tokenRows(rows).find((r) => r.user?.id === F.monthlyLimit.id)!;
    assert.deepEqual(grace.user, { id: F.monthlyLimit.id, email: 'grace@tessera.example', name: F.monthlyLimit.name });
    const bot = tokenRows(rows).find((r) => r.user?.id === F.emptyName.id)!;
    assert.equal(bot.user.name, 'ops-bot@tessera.example', 'an empty name falls back to the email');
    const batch = tokenRows(rows).filter((r) => !r.user);
    assert.ok(batch.length > 0, 'the nightly batch job is not attributed to a member');
    for (const r of batch) assert.match(r.id, /^anthropic:usage_report:[^:]+:\d\d:\d\dZ:-:claude-/);
  });

  test('report_type=cost keeps the cost rows; user_ids[] filters token rows and drops org-wide cost', async () => {
    const cost = await listAll(`${NOVEMBER}&report_type=cost`);
    assert.equal(tokenRows(cost.rows).length, 0);
    assert.equal(costRows(cost.rows).length, 27);
    await fetch(`${sim}/__sim/requests`, { method: 'DELETE' });
    const mine = await listAll(`${NOVEMBER}&user_ids[]=${F.monthlyLimit.id}&model_ids=claude-haiku-4-5-20251001`);
    assert.ok(mine.rows.length > 0);
    assert.ok(mine.rows.every((r) => r.user?.id === F.monthlyLimit.id && r.model.id === 'claude-haiku-4-5-20251001'));
    const sent = ((await (await fetch(`${sim}/__sim/requests?path=/v1/organizations/usage_report/messages`)).json()) as Json).requests[0].query;
    assert.equal(sent['account_ids[]'], F.monthlyLimit.id);
    assert.equal(sent['models[]'], 'claude-haiku-4-5-20251001');
    assert.deepEqual(sent['group_by[]'], ['account_id', 'model']);
  });

  test('date is one day: starting_at at midnight, ending_at the next midnight', async () => {
    await fetch(`${sim}/__sim/requests`, { method: 'DELETE' });
    const { rows } = await listAll('date=2026-11-26');
    assert.ok(rows.length > 0);
    assert.ok(rows.every((r) => r.start_date === '2026-11-26T00:00:00Z' && r.end_date === '2026-11-27T00:00:00Z'));
    const calls = ((await (await fetch(`${sim}/__sim/requests`)).json()) as Json).requests.filter((c: Json) => c.path.endsWith('/cost_report'));
    assert.equal(calls[0].query.starting_at, '2026-11-26T00:00:00Z');
    assert.equal(Date.parse(calls[0].query.ending_at), Date.parse('2026-11-27T00:00:00Z'));
  });

  test('bucket_width=hour gives hourly token rows that add up to the day', async () => {
    const hourly = tokenRows((await listAll('date=2026-11-25&bucket_width=hour&report_type=usage')).rows);
    const daily = tokenRows((await listAll('date=2026-11-25&report_type=usage')).rows);
    assert.ok(hourly.length > daily.length);
    for (const d of daily) {
      const key = `${d.user?.id ?? '-'}:${d.model.id}`;
      const parts = hourly.filter((h) => `${h.user?.id ?? '-'}:${h.model.id}` === key);
      assert.ok(parts.every((h) => Date.parse(h.end_date) - Date.parse(h.start_date) === 3_600_000));
      assert.equal(
        parts.reduce((s, h) => s + h.usage.tokens.total, 0),
        d.usage.tokens.total,
        key,
      );
    }
  });

  test('bad parameters are 400s naming them', async () => {
    for (const [query, message] of [
      ['date=26/11/2026', /date, start_date and end_date must be/],
      ['start_date=2026-11-01T00:00', /date, start_date and end_date must be/],
      ['report_type=activity', /report_type activity is not supported/],
      ['bucket_width=week', /bucket_width must be day, hour or minute/],
    ] as const) {
      const { status, body } = await getJson(usageUrl(query));
      assert.equal(status, 400, query);
      assert.match(body.message, message);
    }
  });
});
