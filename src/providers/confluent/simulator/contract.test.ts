/**
 * Contract test (docs/providers/sources-additions.md §2.6, §2.10): Confluent ships no npm client and
 * no spec package, so spec/confluent-api.schema.json transcribes the published billing/v1 and
 * org/v2 schemas (Cost, CostList, Environment(List), Organization(List), Failure). Every response
 * the simulator gives, successes and errors alike, is validated against it with Ajv; on top of
 * the schema, no object may carry a field the spec does not define, and the open enums
 * (`x-extensible-enum`) must hold the values the spec lists.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import {
  DEFAULT_CONFLUENT_ENVIRONMENTS as ENVS,
  DEFAULT_CONFLUENT_KEYS as KEYS,
  DEFAULT_CONFLUENT_ORG as ORG,
  SEED_CLOCK,
  SEED_FIRST_DAY,
  startConfluentSimulator,
  type ConfluentSimulator,
} from './index.ts';

type Json = Record<string, any>;

const schema = JSON.parse(readFileSync(new URL('./spec/confluent-api.schema.json', import.meta.url), 'utf8')) as Json;
const ajv = new Ajv({ strict: false, allErrors: true });
(addFormatsModule as unknown as { default: (a: Ajv) => Ajv }).default(ajv);
ajv.addSchema(schema);
const ref = (name: string) => `${schema.$id}#/definitions/${name}`;

/** A definition, with $ref and allOf resolved into one properties map. */
function resolve(node: Json): { properties?: Json; items?: Json; anyOf?: Json[] } {
  if (node.$ref) return resolve(schema.definitions[node.$ref.split('/').pop()]);
  if (node.allOf) return node.allOf.map(resolve).reduce((a: Json, b: Json) => ({ ...a, ...b, properties: { ...a.properties, ...b.properties } }), {});
  return node;
}

/** Paths of fields the spec does not define, and open-enum values it does not list. */
function drift(value: unknown, node: Json, path = '$'): string[] {
  const n = resolve(node);
  if (n.anyOf) return value === null ? [] : drift(value, n.anyOf[0], path);
  if (Array.isArray(value)) return n.items ? value.flatMap((v, i) => drift(v, n.items!, `${path}[${i}]`)) : [];
  if (value === null || typeof value !== 'object') {
    const open = (node as Json)['x-extensible-enum'] as string[] | undefined;
    return open && !open.includes(value as string) ? [`${path}: ${String(value)} is not among ${open.join(', ')}`] : [];
  }
  if (!n.properties) return [];
  return Object.entries(value).flatMap(([k, v]) => (k in n.properties! ? drift(v, n.properties![k], `${path}.${k}`) : [`${path}.${k}: not in the spec`]));
}

function assertSpec(definition: string, body: unknown, what: string): void {
  const validate = ajv.getSchema(ref(definition))!;
  assert.ok(validate(body), `${what}: ${ajv.errorsText(validate.errors)}`);
  assert.deepEqual(drift(body, { $ref: `#/definitions/${definition}` }), [], what);
}

let sim: ConfluentSimulator;
let limited: ConfluentSimulator;
const basic = (k: { key: string; secret: string }) => `Basic ${Buffer.from(`${k.key}:${k.secret}`).toString('base64')}`;

async function call(path: string, auth: string | null = basic(KEYS.orgAdmin), target = sim) {
  const res = await fetch(path.startsWith('http') ? path : `${target.baseUrl}${path}`, { headers: auth ? { authorization: auth } : {} });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
}

before(async () => {
  sim = await startConfluentSimulator({ rateLimit: { limit: 1_000_000, windowMs: 60_000 } });
  limited = await startConfluentSimulator({ rateLimit: { limit: 2, windowMs: 60_000 } });
});
after(async () => {
  await sim?.close();
  await limited?.close();
});

describe('billing/v1 CostList', () => {
  it('every page of the seed, in month-sized windows and at several page sizes, matches the spec', async () => {
    const windows: [string, string][] = [];
    for (let s = Date.parse(SEED_FIRST_DAY); s < Date.parse(SEED_CLOCK); s += 28 * 86_400_000) {
      windows.push([new Date(s).toISOString().slice(0, 10), new Date(Math.min(s + 28 * 86_400_000, Date.parse(SEED_CLOCK))).toISOString().slice(0, 10)]);
    }
    let rows = 0;
    for (const pageSize of ['', '&page_size=250', '&page_size=10000']) {
      let seen = 0;
      for (const [start, end] of windows) {
        let url: string | null = `/billing/v1/costs?start_date=${start}&end_date=${end}${pageSize}`;
        while (url) {
          const res = await call(url);
          assert.equal(res.status, 200, JSON.stringify(res.body));
          assertSpec('billing.v1.CostList', res.body, url);
          assert.ok(res.headers.get('x-request-id'));
          for (const h of ['x-ratelimit-limit', 'x-ratelimit-remaining', 'x-ratelimit-reset']) assert.match(res.headers.get(h) ?? '', /^\d+$/, h);
          seen += res.body.data.length;
          url = res.body.metadata.next;
        }
      }
      if (rows) assert.equal(seen, rows, 'every page size yields the same lines');
      rows = seen;
    }
    assert.equal(rows, sim.state.lines.length);
  });

  it('lines without a resource or product (support, promotional credit) still match', async () => {
    const res = await call(`/billing/v1/costs?start_date=${SEED_FIRST_DAY}&end_date=2026-09-02`);
    const promo = res.body.data.filter((c: Json) => c.line_type === 'PROMO_CREDIT');
    assert.ok(promo.length > 0 && promo.every((c: Json) => c.product === undefined && c.resource === undefined && c.amount < 0));
    assert.ok(res.body.data.some((c: Json) => c.line_type === 'SUPPORT' && c.resource === undefined));
    assertSpec('billing.v1.CostList', res.body, 'first days');
  });

  it('the checks bite: a missing required field, an unknown field and an unlisted enum value fail', async () => {
    const body = (await call('/billing/v1/costs?start_date=2026-11-01&end_date=2026-11-02&page_size=1')).body;
    const { unit: _unit, ...noUnit } = body.data[0];
    assert.equal(ajv.getSchema(ref('billing.v1.CostList'))!({ ...body, data: [noUnit] }), false);
    const odd = { ...body.data[0], currency: 'USD', line_type: 'KAFKA_MAGIC', resource: { ...body.data[0].resource, kind: 'Cluster' } };
    assert.deepEqual(drift(odd, { $ref: '#/definitions/billing.v1.Cost' }).sort(), [
      '$.currency: not in the spec',
      '$.line_type: KAFKA_MAGIC is not among ' + schema.definitions['billing.v1.Cost'].properties.line_type['x-extensible-enum'].join(', '),
      '$.resource.kind: not in the spec',
    ]);
  });
});

describe('org/v2', () => {
  it('environments at page sizes 1, 2 and the default; each one by id', async () => {
    for (const size of ['?page_size=1', '?page_size=2', '']) {
      let url: string | null = `/org/v2/environments${size}`;
      const ids: string[] = [];
      while (url) {
        const res = await call(url);
        assert.equal(res.status, 200);
        assertSpec('org.v2.EnvironmentList', res.body, url);
        ids.push(...res.body.data.map((e: Json) => e.id));
        url = res.body.metadata.next;
      }
      assert.deepEqual(ids, Object.values(ENVS));
    }
    for (const id of Object.values(ENVS)) assertSpec('org.v2.EnvironmentGet', (await call(`/org/v2/environments/${id}`)).body, id);
  });

  it('the organization, listed and by id', async () => {
    const list = await call('/org/v2/organizations');
    assertSpec('org.v2.OrganizationList', list.body, 'organizations');
    assert.equal(list.body.data[0].id, ORG.id);
    assertSpec('org.v2.OrganizationGet', (await call(`/org/v2/organizations/${ORG.id}`)).body, 'organization');
  });
});

describe("error bodies are the spec's Failure", () => {
  const cases: [string, string, string | null, number, string?][] = [
    ['missing start_date', '/billing/v1/costs?end_date=2026-11-02', basic(KEYS.orgAdmin), 400, 'start_date'],
    ['bad date', '/billing/v1/costs?start_date=2026-11-31&end_date=2026-12-02', basic(KEYS.orgAdmin), 400, 'start_date'],
    ['end before start', '/billing/v1/costs?start_date=2026-11-05&end_date=2026-11-01', basic(KEYS.orgAdmin), 400, 'end_date'],
    ['more than a month', '/billing/v1/costs?start_date=2026-10-01&end_date=2026-11-02', basic(KEYS.orgAdmin), 400, 'end_date'],
    ['more than a year back', '/billing/v1/costs?start_date=2025-01-01&end_date=2025-01-10', basic(KEYS.orgAdmin), 400, 'start_date'],
    ['page_size too large', '/billing/v1/costs?start_date=2026-11-01&end_date=2026-11-02&page_size=10001', basic(KEYS.orgAdmin), 400, 'page_size'],
    ['foreign page_token', '/billing/v1/costs?start_date=2026-11-01&end_date=2026-11-02&page_token=abc', basic(KEYS.orgAdmin), 400, 'page_token'],
    ['no credentials', '/billing/v1/costs?start_date=2026-11-01&end_date=2026-11-02', null, 401],
    ['wrong secret', '/org/v2/environments', basic({ key: KEYS.orgAdmin.key, secret: 'nope-nope-nope-nope' }), 401],
    ['no billing role', '/billing/v1/costs?start_date=2026-11-01&end_date=2026-11-02', basic(KEYS.environmentAdmin), 403],
    ['unknown environment', '/org/v2/environments/env-nothere', basic(KEYS.orgAdmin), 404],
    ['unknown organization', '/org/v2/organizations/00000000-0000-4000-8000-000000000000', basic(KEYS.orgAdmin), 404],
    ['unknown route', '/billing/v1/invoices', basic(KEYS.orgAdmin), 404],
  ];
  for (const [what, path, auth, status, parameter] of cases) {
    it(`${status}: ${what}`, async () => {
      const res = await call(path, auth);
      assert.equal(res.status, status, JSON.stringify(res.body));
      assertSpec('Failure', res.body, what);
      assert.equal(res.body.errors[0].status, String(status));
      assert.ok(res.body.errors[0].detail && res.body.errors[0].title);
      if (parameter) assert.equal(res.body.errors[0].source.parameter, parameter);
      if (status === 401) assert.match(res.headers.get('www-authenticate') ?? '', /^Basic/);
    });
  }

  it('429 once the per-key limit is spent, with Retry-After and the relative reset', async () => {
    for (let i = 0; i < 2; i++) assert.equal((await call('/org/v2/environments', basic(KEYS.orgAdmin), limited)).status, 200);
    const res = await call('/org/v2/environments', basic(KEYS.orgAdmin), limited);
    assert.equal(res.status, 429);
    assertSpec('Failure', res.body, '429');
    assert.equal(res.headers.get('x-ratelimit-remaining'), '0');
    const reset = Number(res.headers.get('x-ratelimit-reset'));
    assert.ok(reset >= 1 && reset <= 60, 'seconds from now, not an epoch');
    assert.equal(res.headers.get('retry-after'), String(reset));
  });

  it('injected faults carry the same body', async () => {
    sim.injectFault({ path: '/billing/v1/costs', status: 503 });
    const res = await call('/billing/v1/costs?start_date=2026-11-01&end_date=2026-11-02');
    assert.equal(res.status, 503);
    assertSpec('Failure', res.body, 'fault');
  });
});
