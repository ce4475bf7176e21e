/**
 * The Confluent Cloud integration over HTTP, through a real Tessera and the sandbox account of
 * `startTestStack()` (docs/contract.md §17.3–§17.4; docs/providers/sources-additions.md §2.6): usage
 * rows over a window fanned out in month-safe spans and paged through metadata.next, workspaces,
 * organizations and products, and Confluent's errors. The money check is the point: every charge
 * type sums, over the whole seed, to the simulator's own lines rounded once each to whole cents.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  ConfluentState,
  DEFAULT_CONFLUENT_ENVIRONMENTS as ENVS,
  DEFAULT_CONFLUENT_KEYS as KEYS,
  DEFAULT_CONFLUENT_ORG as ORG,
  PRODUCT_IDS,
  SEED_CLOCK,
  SEED_FIRST_DAY,
  centsOf,
  defaultConfluentSeed,
  parseConfluentSeed,
} from './simulator/index.ts';
import { schemaValidator } from '../../../test/helpers/schema.ts';
import { simulatorOrigin, startTestStack, type TestStack } from '../../../test/helpers/stack.ts';

type Json = Record<string, any>;

const DAY_MS = 86_400_000;
const state = new ConfluentState(parseConfluentSeed(defaultConfluentSeed()));
const SEED_WINDOW = `start_date=${SEED_FIRST_DAY}&end_date=${SEED_CLOCK.slice(0, 10)}`;
const validators = Object.fromEntries(['usage', 'workspaces', 'organizations', 'products'].map((r) => [r, schemaValidator('usage-metering', r)]));

let stack: TestStack;
let account: string;
let sim: string;

const url = (resource: string, query = '') => `/unified/usage-metering/${resource}?integrated_account_id=${account}${query ? `&${query}` : ''}`;
const byId = (resource: string, id: string) => url(`${resource}/${encodeURIComponent(id)}`);

async function getJson(path: string) {
  const res = await stack.api(path);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : ({} as Json), text };
}

/** Every record of a unified list, following next_cursor; every record validated, ids unique. */
async function listAll(resource: string, query = ''): Promise<{ rows: Json[]; pages: number }> {
  const rows: Json[] = [];
  let cursor = '';
  let pages = 0;
  do {
    const { status, body, text } = await getJson(url(resource, `${query}&next_cursor=${encodeURIComponent(cursor)}`));
    assert.equal(status, 200, text);
    rows.push(...body.result);
    cursor = body.next_cursor ?? '';
    assert.ok(++pages < 200, 'paging terminates');
  } while (cursor);
  for (const r of rows) assert.equal(validators[resource](r), null, `${r.id}: ${validators[resource](r)}`);
  assert.equal(new Set(rows.map((r) => r.id)).size, rows.length, 'ids are unique across pages');
  return { rows, pages };
}

const simRequests = async (path: string) => ((await (await fetch(`${sim}/__sim/requests?path=${encodeURIComponent(path)}`)).json()) as Json).requests as Json[];
const clearRequests = () => fetch(`${sim}/__sim/requests`, { method: 'DELETE' });
const clearFaults = () => fetch(`${sim}/__sim/faults`, { method: 'DELETE' });
async function injectFault(spec: Json) {
  const res = await fetch(`${sim}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
  assert.equal(res.status, 201);
}

/** Σ cents per charge type, from the unified rows; and the same from the simulator's lines, each rounded once. */
function chargeSums(rows: Json[]): Record<string, number> {
  const out: Record<string, number> = { total: 0, credit: 0, discount: 0, net: 0 };
  for (const r of rows) for (const c of r.charges) out[c.type] += c.amount;
  return out;
}
function expectedSums(start: string, end: string): Record<string, number> {
  const out: Record<string, number> = { total: 0, credit: 0, discount: 0, net: 0 };
  for (const l of state.linesBetween(start, end)) {
    out[l.line_type === 'PROMO_CREDIT' ? 'credit' : 'total'] += centsOf(l.original_micro);
    out.discount += centsOf(l.discount_micro);
    out.net += centsOf(l.amount_micro);
  }
  return out;
}

before(async () => {
  stack = await startTestStack();
  account = stack.accounts.confluent;
  sim = simulatorOrigin(stack.simulators.confluent);
});
after(async () => {
  await stack?.close();
});

describe('usage', () => {
  test('the whole seed: every line once, spans within a calendar month, pages from metadata.next, money that adds up', async () => {
    await clearRequests();
    const { rows, pages } = await listAll('usage', `${SEED_WINDOW}&limit=500`);
    const totals = state.totals();
    assert.equal(rows.length, totals.rows);
    const spansExpected = [
      ['2026-08-30', '2026-09-27'],
      ['2026-09-27', '2026-10-25'],
      ['2026-10-25', '2026-11-22'],
      ['2026-11-22', '2026-11-28'],
    ];
    assert.equal(
      pages,
      spansExpected.reduce((n, [s, e]) => n + Math.ceil(state.linesBetween(s, e).length / 500), 0),
      'one unified page per Confluent page',
    );
    const calls = await simRequests('/billing/v1/costs');
    const spans = new Map<string, number>();
    for (const c of calls) {
      const [start, end] = [c.query.start_date, c.query.end_date];
      const days = (Date.parse(end) - Date.parse(start)) / DAY_MS;
      assert.ok(days >= 1 && days <= 28, `${start}..${end}: at most 28 days, which every calendar month holds`);
      assert.equal(c.query.page_size, '500');
      spans.set(`${start}/${end}`, (spans.get(`${start}/${end}`) ?? 0) + 1);
    }
    assert.deepEqual(
      [...spans.keys()],
      spansExpected.map(([s, e]) => `${s}/${e}`),
    );
    assert.equal(calls.filter((c) => c.query.page_token).length, pages - spansExpected.length, "later pages of a span ask for metadata.next's page_token");

    const sums = chargeSums(rows);
    assert.deepEqual(sums, expectedSums('0000', '9999'), "each charge type = the simulator's lines, each rounded once to cents");
    // Rounding each line moves a sum by at most half a cent per line from the exact micro-dollars.
    const bound = rows.length * 5_000;
    assert.ok(Math.abs(sums.total * 10_000 - totals.original_micro) <= bound);
    assert.ok(Math.abs(sums.net * 10_000 - totals.amount_micro) <= bound);
    assert.ok(Math.abs((sums.total + sums.credit - sums.discount - sums.net) * 10_000) <= 3 * bound);
    const week = (await listAll('usage', 'start_date=2026-11-01&end_date=2026-11-08')).rows.map((r) => r.id);
    assert.deepEqual(
      week,
      rows.filter((r) => r.start_date >= '2026-11-01' && r.start_date < '2026-11-08').map((r) => r.id),
      're-reads give the same ids',
    );
  });

  test('a row carries product, line type, resource, environment, organization, quantity and dates', async () => {
    const { body } = await getJson(url('usage', 'start_date=2026-11-01&end_date=2026-11-02&limit=1000'));
    const ckus = body.result.find((r: Json) => r.metric_name === 'KAFKA_NUM_CKUS');
    const line = state.linesBetween('2026-11-01', '2026-11-02').find((l) => l.line_type === 'KAFKA_NUM_CKUS')!;
    assert.deepEqual(
      { ...ckus, remote_data: undefined },
      {
        id: 'confluent:costs:2026-11-01T00:00:00Z:-:KAFKA:KAFKA_NUM_CKUS:lkc-pr0d1',
        product: { id: 'KAFKA', name: 'Kafka' },
        metric_name: 'KAFKA_NUM_CKUS',
        resources: [{ id: 'lkc-pr0d1', name: 'orders-prod', workspace: { id: ENVS.production, name: 'production' } }],
        organization: { id: ORG.id, name: ORG.display_name },
        charges: [
          { amount: centsOf(line.original_micro), currency: 'USD', type: 'total' },
          { amount: centsOf(line.discount_micro), currency: 'USD', type: 'discount' },
          { amount: centsOf(line.amount_micro), currency: 'USD', type: 'net' },
        ],
        usage: { quantity: 48, unit: 'CKU-hour' },
        start_date: '2026-11-01T00:00:00Z',
        end_date: '2026-11-02T00:00:00Z',
        remote_data: undefined,
      },
    );
    assert.equal(ckus.remote_data.id, line.id);
    const support = body.result.find((r: Json) => r.metric_name === 'SUPPORT');
    assert.equal(support.resources, undefined, 'organization-wide lines name no resource');
  });

  test('promotional credits: no product, a negative credit charge, and the day nets to what is left', async () => {
    const { rows } = await listAll('usage', `start_date=${SEED_FIRST_DAY}&end_date=2026-09-05`);
    const promo = rows.filter((r) => r.metric_name === 'PROMO_CREDIT');
    assert.ok(promo.length >= 2);
    for (const r of promo) {
      assert.match(r.id, /^confluent:costs:2026-\d\d-\d\dT00:00:00Z:-:-:PROMO_CREDIT:-$/);
      assert.equal(r.product, undefined);
      assert.ok(r.charges[0].type === 'credit' && r.charges[0].amount < 0);
      assert.equal(r.charges[2].amount, r.charges[0].amount);
    }
    const first = rows.filter((r) => r.start_date === `${SEED_FIRST_DAY}T00:00:00Z`);
    const net = first.reduce((s, r) => s + r.charges[2].amount, 0);
    assert.ok(Math.abs(net) <= first.length, `the first day is paid by the credit (net ${net} cents, rounding only)`);
  });

  test('default window: the last 30 days up to the end of today', async () => {
    const end = Math.ceil(Date.now() / DAY_MS) * DAY_MS;
    const [startDay, endDay] = [new Date(end - 30 * DAY_MS).toISOString().slice(0, 10), new Date(end).toISOString().slice(0, 10)];
    const { rows } = await listAll('usage', 'limit=1000');
    assert.equal(rows.length, state.linesBetween(startDay, endDay).length);
    assert.ok(rows.every((r) => r.start_date.slice(0, 10) >= startDay));
  });

  test('product_ids keeps those products only', async () => {
    const { rows } = await listAll('usage', 'start_date=2026-11-01&end_date=2026-11-15&product_ids[]=FLINK&product_ids[]=KSQL');
    const expected = state.linesBetween('2026-11-01', '2026-11-15').filter((l) => l.product === 'FLINK' || l.product === 'KSQL');
    assert.equal(rows.length, expected.length);
    assert.deepEqual(new Set(rows.map((r) => r.product.id)), new Set(['FLINK', 'KSQL']));
  });

  test('what Confluent cannot answer is a 400 that says why', async () => {
    const cases: [string, RegExp][] = [
      ['user_ids[]=u1', /user_ids is not supported by confluent .* it accepts: start_date, end_date, product_ids/],
      ['group_by[]=product', /group_by is not supported by confluent/],
      ['start_date=2024-01-01&end_date=2024-02-01', /more than 365 days in the past; confluent keeps no older data/],
      ['start_date=2026-11-20&end_date=2026-11-10', /end_date .* must be after start_date/],
      ['start_date=yesterday', /start_date must be an ISO 8601 date/],
    ];
    for (const [query, message] of cases) {
      const { status, body } = await getJson(url('usage', query));
      assert.equal(status, 400, query);
      assert.match(body.message, message);
    }
  });
});

describe('workspaces, organizations, products', () => {
  test('workspaces are the environments, paged by next_cursor, with the organization', async () => {
    const { rows, pages } = await listAll('workspaces', 'limit=1');
    assert.equal(pages, 3);
    assert.deepEqual(
      rows.map((w) => [w.id, w.name]),
      [
        [ENVS.production, 'production'],
        [ENVS.staging, 'staging'],
        [ENVS.development, 'development'],
      ],
    );
    for (const w of rows) assert.deepEqual(w.organization, { id: ORG.id, name: ORG.display_name });
    const one = await getJson(byId('workspaces', ENVS.staging));
    assert.equal(one.status, 200);
    assert.equal(validators.workspaces(one.body), null);
    assert.equal(one.body.created_at, '2024-03-12T14:05:33Z');
    const missing = await getJson(byId('workspaces', 'env-nothere'));
    assert.equal(missing.status, 404);
    assert.equal(missing.body.truto_is_remote_error, true);
    assert.match(missing.body.message, /Environment 'env-nothere' not found/);
  });

  test('the organization, listed and by id', async () => {
    const { rows } = await listAll('organizations');
    assert.deepEqual(
      rows.map((o) => [o.id, o.name]),
      [[ORG.id, ORG.display_name]],
    );
    const one = await getJson(byId('organizations', ORG.id));
    assert.equal(one.status, 200);
    assert.equal(validators.organizations(one.body), null);
  });

  test("products: Confluent's product enum, covering every product a usage row names", async () => {
    const { rows } = await listAll('products');
    assert.deepEqual(
      rows.map((p) => p.id),
      PRODUCT_IDS,
    );
    const used = new Set(state.lines.flatMap((l) => (l.product ? [l.product] : [])));
    for (const p of used)
      assert.ok(
        rows.some((r) => r.id === p),
        p,
      );
  });
});

describe('Confluent errors through Tessera', () => {
  const costs = '/billing/v1/costs';
  const query = 'start_date=2026-11-01&end_date=2026-11-02';

  test('a 503 is retried', async () => {
    await injectFault({ path: costs, status: 503, count: 2 });
    const { status } = await getJson(url('usage', query));
    await clearFaults();
    assert.equal(status, 200);
  });

  test("a persistent 500 is a remote 500 carrying Confluent's detail", async () => {
    await injectFault({ path: costs, status: 500, count: 10 });
    const { status, body } = await getJson(url('usage', query));
    await clearFaults();
    assert.equal(status, 500);
    assert.equal(body.truto_is_remote_error, true);
    assert.equal(body.message, 'Oops, something went wrong!');
  });

  test('X-RateLimit-Reset counts seconds from now: a 1-second reset is waited out, a 15-minute one is a 429', async () => {
    const headers = (reset: number) => ({ 'x-ratelimit-limit': '120', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) });
    await injectFault({ path: costs, status: 429, count: 1, headers: headers(1) });
    const started = Date.now();
    assert.equal((await getJson(url('usage', query))).status, 200);
    assert.ok(Date.now() - started >= 900, 'waited for the reset');
    await injectFault({ path: costs, status: 429, count: 1, headers: headers(900) });
    const limited = await getJson(url('usage', query));
    await clearFaults();
    assert.equal(limited.status, 429);
    assert.equal(limited.body.truto_is_remote_error, true);
    const retryAfter = Number(limited.headers.get('retry-after'));
    assert.ok(retryAfter > 800 && retryAfter <= 901, `Retry-After ${retryAfter}`);
    assert.equal(limited.headers.get('x-ratelimit-remaining'), '0');
    assert.ok(limited.headers.get('x-request-id'), 'the request id is forwarded');
  });

  test('a Confluent 400 names the parameter', async () => {
    const body = {
      errors: [
        { id: 'e1', status: '400', code: 'invalid_filter', title: 'Invalid Filter', detail: 'end_date is too far out', source: { parameter: 'end_date' } },
      ],
    };
    await injectFault({ path: costs, status: 400, count: 1, body });
    const res = await getJson(url('usage', query));
    await clearFaults();
    assert.equal(res.status, 400);
    assert.equal(res.body.message, 'end_date is too far out (parameter end_date)');
  });

  test('connecting validates the key: a wrong secret or a key without a billing role is refused', async () => {
    const connect = async (key: string, secret: string) => {
      const res = await stack.api('/integrated-account', {
        method: 'POST',
        body: JSON.stringify({
          tenant_id: 'confluent-test',
          integration: 'confluent',
          context: { api_key: key, api_secret: secret },
          integration_override: { base_url: stack.simulators.confluent },
        }),
      });
      const body = (await res.json()) as Json;
      // A refused connect is a 422 that keeps nothing (docs/contract.md §10.3).
      return res.status === 200 ? body.status : `${res.status} ${body.code}`;
    };
    assert.equal(await connect(KEYS.billingAdmin.key, KEYS.billingAdmin.secret), 'active');
    assert.equal(await connect(KEYS.environmentAdmin.key, KEYS.environmentAdmin.secret), '422 TESSERA_ACCOUNT_VALIDATION_FAILED');
    assert.equal(await connect(KEYS.orgAdmin.key, 'not-the-secret-at-all'), '422 TESSERA_ACCOUNT_VALIDATION_FAILED');
  });
});
