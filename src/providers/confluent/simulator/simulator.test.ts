/**
 * The Confluent Cloud simulator's own behaviour (docs/providers/sources-additions.md §2.6): that its
 * numbers add up (every line exact in integer micro-dollars, the pages summing to its own totals),
 * paging through metadata.next, the window rules, Basic auth and roles, the rate limit, the hooks,
 * seed validation and the command line.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, beforeEach, describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  ConfluentState,
  DEFAULT_CONFLUENT_ENVIRONMENTS as ENVS,
  DEFAULT_CONFLUENT_KEYS as KEYS,
  DEFAULT_CONFLUENT_RESOURCES,
  InvalidSeedError,
  PRODUCTION_DISCOUNT_BP,
  PROMO_CODE,
  PROMO_CREDIT_MICRO,
  SEED_CLOCK,
  SEED_DAYS,
  SEED_FIRST_DAY,
  SEED_LAST_DAY,
  defaultConfluentSeed,
  generateConfluentSeed,
  parseConfluentSeed,
  parseMicro,
  parseMilli,
  startConfluentSimulator,
  type ConfluentSimulator,
} from './index.ts';

type Json = Record<string, any>;

let sim: ConfluentSimulator;
const basic = (k: { key: string; secret: string }) => `Basic ${Buffer.from(`${k.key}:${k.secret}`).toString('base64')}`;

async function call(path: string, auth: string | null = basic(KEYS.orgAdmin)) {
  const res = await fetch(path.startsWith('http') ? path : `${sim.baseUrl}${path}`, { headers: auth ? { authorization: auth } : {} });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
}

/** Every line of [start, end) through metadata.next. */
async function allLines(start: string, end: string, pageSize?: number): Promise<{ lines: Json[]; pages: number; urls: string[] }> {
  const lines: Json[] = [];
  const urls: string[] = [];
  let url: string | null = `/billing/v1/costs?start_date=${start}&end_date=${end}${pageSize ? `&page_size=${pageSize}` : ''}`;
  while (url) {
    urls.push(url);
    const res = await call(url);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    lines.push(...res.body.data);
    url = res.body.metadata.next;
    assert.ok(urls.length < 1000, 'paging terminates');
  }
  return { lines, pages: urls.length, urls };
}

function months(): [string, string][] {
  const out: [string, string][] = [];
  for (let s = Date.parse(SEED_FIRST_DAY); s < Date.parse(SEED_CLOCK); s += 28 * 86_400_000) {
    out.push([new Date(s).toISOString().slice(0, 10), new Date(Math.min(s + 28 * 86_400_000, Date.parse(SEED_CLOCK))).toISOString().slice(0, 10)]);
  }
  return out;
}

before(async () => {
  // "Now" pinned to the seed's clock, so the one-year look-back does not move with the calendar.
  sim = await startConfluentSimulator({ rateLimits: false, now: () => Date.parse(SEED_CLOCK) });
});
beforeEach(() => sim.reset());
after(() => sim?.close());

describe('the default seed', () => {
  it('is deterministic and covers 90 days up to the last full day before the clock', () => {
    assert.deepEqual(generateConfluentSeed(), defaultConfluentSeed());
    const seed = parseConfluentSeed(defaultConfluentSeed());
    const days = [...new Set(seed.costs.map((c) => c.date))].sort();
    assert.equal(days.length, SEED_DAYS);
    assert.deepEqual([days[0], days.at(-1)], [SEED_FIRST_DAY, SEED_LAST_DAY]);
    assert.equal(seed.environments.length, 3);
    const kinds = new Set(seed.resources.map((r) => r.kind));
    for (const k of ['kafka_dedicated', 'kafka_standard', 'kafka_basic', 'connector', 'ksql', 'flink']) assert.ok(kinds.has(k as never), k);
  });

  it('every line is exact in integer micro-dollars on the wire: original = quantity × price, amount = original − discount', async () => {
    let checked = 0;
    for (const [start, end] of months()) {
      for (const c of (await allLines(start, end)).lines) {
        const original = parseMicro(c.original_amount);
        assert.equal(parseMilli(c.quantity) * parseMicro(c.price), original * 1000, `${c.id}: quantity × price`);
        assert.equal(parseMicro(c.amount), original - parseMicro(c.discount_amount), `${c.id}: amount`);
        checked++;
      }
    }
    assert.equal(checked, sim.state.lines.length);
  });

  it("the pages add up to the simulator's own totals, to the micro-dollar", async () => {
    const sums = { original: 0, credit: 0, discount: 0, amount: 0, rows: 0 };
    for (const [start, end] of months()) {
      for (const c of (await allLines(start, end, 500)).lines) {
        sums.rows++;
        if (c.line_type === 'PROMO_CREDIT') sums.credit += parseMicro(c.original_amount);
        else sums.original += parseMicro(c.original_amount);
        sums.discount += parseMicro(c.discount_amount);
        sums.amount += parseMicro(c.amount);
      }
    }
    const t = sim.state.totals();
    assert.deepEqual(sums, { original: t.original_micro, credit: t.credit_micro, discount: t.discount_micro, amount: t.amount_micro, rows: t.rows });
    assert.equal(t.amount_micro, t.original_micro + t.credit_micro - t.discount_micro);
  });

  it('the promotional credit pays whole days until its balance is spent; discounts are 12% of production Kafka and Connect', () => {
    const state = sim.state;
    const promo = state.lines.filter((l) => l.line_type === 'PROMO_CREDIT');
    assert.equal(
      promo.reduce((s, l) => s + l.original_micro, 0),
      -PROMO_CREDIT_MICRO,
    );
    for (const p of promo) {
      assert.equal(p.description, PROMO_CODE);
      assert.equal(p.product, undefined);
      const bill = state
        .linesBetween(p.date, `${p.date}~`)
        .filter((l) => l !== p)
        .reduce((s, l) => s + l.amount_micro, 0);
      assert.ok(-p.amount_micro <= bill, `${p.date}: the credit never exceeds the day's bill`);
    }
    assert.ok(promo.length < SEED_DAYS, 'the balance runs out');
    const prod = new Set(DEFAULT_CONFLUENT_RESOURCES.filter((r) => r.discount_bp).map((r) => r.id));
    for (const l of state.lines) {
      const discounted = prod.has(l.resource_id ?? '') && (l.product === 'KAFKA' || l.product === 'CONNECT');
      assert.equal(l.discount_micro, discounted ? Math.floor((l.original_micro * PRODUCTION_DISCOUNT_BP) / 10_000) : 0, l.id);
    }
  });
});

describe('GET /billing/v1/costs', () => {
  it('pages through metadata.next: full URLs with page_token, each line once, null at the end', async () => {
    const expected = sim.state.linesBetween('2026-11-01', '2026-11-08').map((l) => l.id);
    const { lines, pages, urls } = await allLines('2026-11-01', '2026-11-08', 25);
    assert.deepEqual(
      lines.map((l) => l.id),
      expected,
    );
    assert.equal(pages, Math.ceil(expected.length / 25));
    for (const u of urls.slice(1)) {
      const url = new URL(u);
      assert.equal(url.origin, sim.origin);
      assert.deepEqual(
        [url.searchParams.get('start_date'), url.searchParams.get('end_date'), url.searchParams.get('page_size')],
        ['2026-11-01', '2026-11-08', '25'],
      );
      assert.ok((url.searchParams.get('page_token') ?? '').length <= 255);
    }
    const dflt = await call('/billing/v1/costs?start_date=2026-11-01&end_date=2026-11-08');
    assert.equal(dflt.body.data.length, expected.length, 'page_size defaults to 5000');
    assert.equal(dflt.body.metadata.next, null);
  });

  it('a page_token only works for the window it came from', async () => {
    const first = await call('/billing/v1/costs?start_date=2026-11-01&end_date=2026-11-08&page_size=5');
    const token = new URL(first.body.metadata.next).searchParams.get('page_token');
    const other = await call(`/billing/v1/costs?start_date=2026-11-02&end_date=2026-11-08&page_size=5&page_token=${token}`);
    assert.equal(other.status, 400);
    assert.equal(other.body.errors[0].code, 'invalid_page_token');
  });

  it('one month at most, counted as a calendar month; one year back at most; end after start', async () => {
    const ok = ['2026-01-31&end_date=2026-03-03', '2026-02-01&end_date=2026-03-01', '2026-11-27&end_date=2026-12-27', '2025-11-28&end_date=2025-12-01'];
    for (const q of ok) assert.equal((await call(`/billing/v1/costs?start_date=${q}`)).status, 200, q);
    const bad: [string, string, RegExp][] = [
      ['2026-01-31&end_date=2026-03-04', 'end_date', /at most one month: end_date may be at most 2026-03-03/],
      ['2026-02-01&end_date=2026-03-02', 'end_date', /at most 2026-03-01/],
      ['2025-11-27&end_date=2025-12-01', 'start_date', /at most one year in the past \(2025-11-28 or later\)/],
      ['2026-11-02&end_date=2026-11-02', 'end_date', /must be after start_date/],
      ['11/01/2026&end_date=2026-11-02', 'start_date', /format YYYY-MM-DD/],
    ];
    for (const [q, parameter, detail] of bad) {
      const res = await call(`/billing/v1/costs?start_date=${q}`);
      assert.equal(res.status, 400, q);
      assert.equal(res.body.errors[0].source.parameter, parameter, q);
      assert.match(res.body.errors[0].detail, detail);
    }
    for (const size of ['0', '10001', 'ten'])
      assert.equal((await call(`/billing/v1/costs?start_date=2026-11-01&end_date=2026-11-02&page_size=${size}`)).status, 400);
    assert.equal((await call('/billing/v1/costs?start_date=2026-11-01&end_date=2026-11-02&page_size=10000')).status, 200);
  });

  it('needs Basic credentials of a live key with a billing role', async () => {
    const q = '/billing/v1/costs?start_date=2026-11-01&end_date=2026-11-02';
    const none = await call(q, null);
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Basic realm="Confluent Cloud"');
    for (const auth of [basic({ key: KEYS.orgAdmin.key, secret: 'wrong-secret-wrong' }), basic(KEYS.revoked), `Bearer ${KEYS.orgAdmin.secret}`]) {
      const res = await call(q, auth);
      assert.equal(res.status, 401, auth);
      assert.equal(res.body.errors[0].code, 'user_unauthenticated');
    }
    assert.match((await call(q, basic({ key: 'NOSUCHKEY0000000', secret: 'x' }))).headers.get('www-authenticate') ?? '', /invalid_key/);
    const envAdmin = await call(q, basic(KEYS.environmentAdmin));
    assert.equal(envAdmin.status, 403);
    assert.match(envAdmin.body.errors[0].detail, /OrganizationAdmin' or 'BillingAdmin' role/);
    assert.equal((await call(q, basic(KEYS.billingAdmin))).status, 200);
    assert.equal((await call('/org/v2/environments', basic(KEYS.environmentAdmin))).status, 200, 'org/v2 needs no billing role');
  });
});

describe('org/v2', () => {
  it('environments page with page_token; first and next are full URLs', async () => {
    const one = await call('/org/v2/environments?page_size=1');
    assert.equal(one.body.metadata.first, `${sim.origin}/org/v2/environments?page_size=1`);
    const ids = [one.body.data[0].id];
    let next = one.body.metadata.next;
    while (next) {
      const page = await call(next);
      ids.push(...page.body.data.map((e: Json) => e.id));
      next = page.body.metadata.next;
    }
    assert.deepEqual(ids, Object.values(ENVS));
    assert.equal((await call('/org/v2/environments?page_size=101')).status, 400);
    assert.equal((await call(`/org/v2/environments/${ENVS.staging}`)).body.display_name, 'staging');
  });
});

describe('rate limit', () => {
  it('counts per key in fixed windows and refuses with 429, Retry-After and a relative reset', async () => {
    const limited = await startConfluentSimulator({ rateLimit: { limit: 3, windowMs: 60_000 } });
    try {
      const get = (k: { key: string; secret: string }) => fetch(`${limited.baseUrl}/org/v2/organizations`, { headers: { authorization: basic(k) } });
      const remaining: string[] = [];
      for (let i = 0; i < 3; i++) remaining.push((await get(KEYS.orgAdmin)).headers.get('x-ratelimit-remaining')!);
      assert.deepEqual(remaining, ['2', '1', '0']);
      const refused = await get(KEYS.orgAdmin);
      assert.equal(refused.status, 429);
      assert.ok(Number(refused.headers.get('retry-after')) <= 60);
      assert.equal((await get(KEYS.billingAdmin)).status, 200, 'another key has its own window');
      limited.reset();
      assert.equal((await get(KEYS.orgAdmin)).status, 200, 'reset clears the windows');
    } finally {
      await limited.close();
    }
  });

  it('rateLimits: false keeps the headers but never refuses', async () => {
    for (let i = 0; i < 130; i++) await call('/org/v2/organizations');
    const res = await call('/org/v2/organizations');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-ratelimit-remaining'), '0');
  });
});

describe('hooks and seeds', () => {
  const tiny = () => {
    const seed = generateConfluentSeed({ days: 2 });
    return { ...seed, costs: seed.costs!.slice(0, 3) };
  };

  it('POST /__sim/seed replaces the data; an invalid seed is a 400 naming the path; reset restores the default', async () => {
    const post = (body: unknown) =>
      fetch(`${sim.origin}/__sim/seed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    assert.equal((await post(tiny())).status, 200);
    assert.equal(sim.state.lines.length, 3);
    const broken = tiny();
    broken.costs[1] = { ...broken.costs[1], resource_id: 'lkc-nothere' };
    const res = await post(broken);
    assert.equal(res.status, 400);
    assert.match(((await res.json()) as Json).error, /costs\[1\]\.resource_id: unknown resource "lkc-nothere"/);
    await fetch(`${sim.origin}/__sim/reset`, { method: 'POST' });
    assert.equal(sim.state.lines.length, new ConfluentState(parseConfluentSeed(defaultConfluentSeed())).lines.length);
  });

  it('seed validation keeps the money exact and the unified row key unique', () => {
    const seed = tiny();
    const inexact = { ...seed, costs: [{ ...seed.costs[0], line_type: 'KAFKA_STORAGE' as const, price_micro: 137, quantity_milli: 1500 }] };
    assert.throws(
      () => parseConfluentSeed(inexact),
      (e: Error) => e instanceof InvalidSeedError && /quantity × price must be a whole number of micro-dollars/.test(e.message),
    );
    const twice = { ...seed, costs: [seed.costs[0], { ...seed.costs[0], id: 'dlz-other01' }] };
    assert.throws(() => parseConfluentSeed(twice), /costs\[1\]\.line: duplicate line/);
    const late = { ...seed, costs: [{ ...seed.costs[0], date: SEED_CLOCK.slice(0, 10) }] };
    assert.throws(() => parseConfluentSeed(late), /must be before the clock's day/);
  });

  it('npm run simulator -- confluent --help lists its switches', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/simulator-kit/cli.ts', 'confluent', '--help'], {
      cwd: new URL('../../../../', import.meta.url).pathname,
    });
    assert.match(stdout, /--days <n>/);
    assert.match(stdout, /--prng-seed <n>/);
    assert.equal(generateConfluentSeed({ days: 10 }).costs!.filter((c) => c.line_type === 'SUPPORT').length, 10);
  });
});
