/**
 * The Datadog integration over HTTP, through a real Tessera and the sandbox account of
 * `startTestStack()`: organizations (list, get), products (billing dimensions), connecting with
 * the right and the wrong keys, remote errors and rate limits from the simulator, the cached side
 * loads of the usage list, and secrets in debug output. Usage rows and their sums are
 * datadog-usage.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { DEFAULT_DATADOG_KEYS as K, DEFAULT_DATADOG_ORGS as O } from './simulator/index.ts';
import { schemaValidator } from '../../../test/helpers/schema.ts';
import { simulatorOrigin, startTestStack, type TestStack } from '../../../test/helpers/stack.ts';

type Json = Record<string, any>;

let stack: TestStack;
let account: string;
let sim: string;

before(async () => {
  stack = await startTestStack();
  account = stack.accounts.datadog;
  sim = simulatorOrigin(stack.simulators.datadog);
});
after(async () => {
  await stack?.close();
});

const url = (resource: string, query = '') =>
  `/unified/usage-metering/${resource}${resource.includes('?') ? '&' : '?'}integrated_account_id=${account}${query ? `&${query}` : ''}`;

async function getJson(path: string) {
  const res = await stack.api(path);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Json) : ({} as Json), text };
}

/** Every record of a unified list by next_cursor, schema-checked, ids unique across pages. */
async function listAll(resource: string, query = ''): Promise<Json[]> {
  const valid = schemaValidator('usage-metering', resource);
  const out: Json[] = [];
  let cursor: string | null = '';
  do {
    const { status, body, text } = await getJson(url(resource, `${query}&next_cursor=${encodeURIComponent(cursor ?? '')}`));
    assert.equal(status, 200, text);
    for (const r of body.result) assert.equal(valid(r), null, `${r.id}: ${valid(r)}`);
    out.push(...body.result);
    cursor = body.next_cursor;
  } while (cursor);
  assert.equal(new Set(out.map((r) => r.id)).size, out.length, 'ids are unique');
  return out;
}

async function simHook(method: string, path: string, body?: unknown) {
  const res = await fetch(`${sim}/__sim${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  return (await res.json()) as Json;
}

async function connect(context: Json, expectStatus = 200): Promise<Json> {
  const res = await stack.api('/integrated-account', {
    method: 'POST',
    body: JSON.stringify({ tenant_id: 'dd-test', integration: 'datadog', context, integration_override: { base_url: stack.simulators.datadog } }),
  });
  const body = (await res.json()) as Json;
  assert.equal(res.status, expectStatus, JSON.stringify(body));
  return body;
}

describe('datadog organizations and products', () => {
  test('organizations: the parent and its two child orgs, by public id, with ISO creation times; get by id; 404 for another', async () => {
    const orgs = await listAll('organizations');
    assert.deepEqual(
      orgs.map((o) => ({ id: o.id, name: o.name, created_at: o.created_at })),
      [
        { id: O.parent.public_id, name: O.parent.name, created_at: '2023-02-14T09:30:00Z' },
        { id: O.production.public_id, name: O.production.name, created_at: '2023-02-14T09:41:12Z' },
        { id: O.staging.public_id, name: O.staging.name, created_at: '2024-06-03T15:02:45Z' },
      ],
    );
    assert.equal(orgs[1].remote_data.public_id, O.production.public_id);
    const one = await getJson(url(`organizations/${O.staging.public_id}`));
    assert.equal(one.status, 200, one.text);
    assert.equal(one.body.name, O.staging.name);
    const missing = await getJson(url('organizations/zzzzzzzzzzzzzzzz'));
    assert.equal(missing.status, 404);
    assert.equal(missing.body.truto_is_remote_error, true);
    assert.equal(missing.body.message, 'Not found');
  });

  test("products: the contract's billing dimensions, named as Plan & Usage names them", async () => {
    const products = await listAll('products');
    assert.deepEqual(
      products.map((p) => p.id),
      [
        'infra_host',
        'apm_host',
        'infra_container',
        'logs_ingested',
        'logs_indexed_15day',
        'apm_trace_search',
        'ingested_spans',
        'llm_observability',
        'rum_lite',
        'rum_replay',
      ],
    );
    assert.deepEqual(products[0], {
      id: 'infra_host',
      name: 'Infra Hosts',
      description: 'Metered by hourly usage infra_hosts.host_count',
      // Datadog stamps the mapping with the month asked for, by default the current one.
      updated_at: `${new Date().toISOString().slice(0, 7)}-01T00:00:00Z`,
      remote_data: products[0].remote_data,
    });
    const normalized = await getJson(url('products', 'truto_response_format=normalized'));
    assert.deepEqual(Object.keys(normalized.body.result[0]), ['id', 'name', 'description', 'created_at', 'updated_at']);
    assert.equal(normalized.body.result[0].created_at, null);
  });
});

describe('datadog connections', () => {
  test("the parent's keys connect; a child org's keys and a key without billing_read are refused with Datadog's reason", async () => {
    assert.equal((await connect({ api_key: K.api, application_key: K.app, site: 'datadoghq.com' })).status, 'active');
    // A refused connect is a 422 that keeps nothing (docs/contract.md §10.3), with Datadog's reason.
    const child = await connect({ api_key: K.childApi, application_key: K.childApp, site: 'datadoghq.com' }, 422);
    assert.equal(child.code, 'TESSERA_ACCOUNT_VALIDATION_FAILED');
    assert.match(child.message, /non-parent org keys/);
    const scoped = await connect({ api_key: K.api, application_key: K.scopedApp, site: 'datadoghq.com' }, 422);
    assert.equal(scoped.code, 'TESSERA_ACCOUNT_VALIDATION_FAILED');
    assert.match(scoped.message, /Forbidden/);
    assert.equal(scoped.truto_is_remote_error, true);
  });

  test('keys that are not Datadog-shaped are refused before any call', async () => {
    const res = await stack.api('/integrated-account', {
      method: 'POST',
      body: JSON.stringify({ tenant_id: 'dd-test', integration: 'datadog', context: { api_key: 'not-a-key', application_key: K.app } }),
    });
    assert.equal(res.status, 400);
  });

  test("a site that is not one of Datadog's is refused before any call: it would become the API host", async () => {
    const res = await stack.api('/integrated-account', {
      method: 'POST',
      body: JSON.stringify({ tenant_id: 'dd-test', integration: 'datadog', context: { api_key: K.api, application_key: K.app, site: 'attacker.example/x#' } }),
    });
    const body = (await res.json()) as { code: string; message: string };
    assert.equal(res.status, 400);
    assert.equal(body.code, 'TESSERA_VALIDATION_FAILED');
    assert.match(body.message, /Datadog site must be one of datadoghq.com, us3.datadoghq.com/);
  });
});

describe('datadog remote errors and rate limits', () => {
  test('403 {"errors":["Forbidden"]} is a remote 403 whose message is Datadog\'s', async () => {
    await simHook('POST', '/faults', { path: '/api/v1/org', status: 403, count: 1 });
    const res = await getJson(url('organizations'));
    assert.equal(res.status, 403);
    assert.equal(res.body.truto_is_remote_error, true);
    assert.equal(res.body.message, 'Forbidden');
    assert.deepEqual(res.body.raw_response, { errors: ['Forbidden'] });
  });

  test('JSON:API errors give their detail as the message', async () => {
    const detail = 'API called with non-parent org keys. Data is only available at the root level org';
    await simHook('POST', '/faults', {
      path: '/api/v2/usage/billing_dimension_mapping',
      status: 400,
      count: 1,
      body: { errors: [{ status: '400', title: 'Bad Request', detail }] },
    });
    const res = await getJson(url('products'));
    assert.equal(res.status, 400);
    assert.equal(res.body.message, detail);
  });

  test('a 429 whose X-RateLimit-Reset is short is waited out; a long one reaches the caller with Retry-After and the X-RateLimit headers', async () => {
    const headers = (reset: string) => ({
      'x-ratelimit-limit': '100',
      'x-ratelimit-period': '60',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': reset,
      'x-ratelimit-name': 'org_read',
    });
    await simHook('POST', '/faults', { path: '/api/v1/org', status: 429, count: 1, headers: headers('1') });
    const started = Date.now();
    const waited = await getJson(url('organizations'));
    assert.equal(waited.status, 200, waited.text);
    assert.ok(Date.now() - started >= 900, 'waited for the reset');
    await simHook('POST', '/faults', { path: '/api/v1/org', status: 429, count: 1, headers: headers('3000') });
    const refused = await getJson(url('organizations'));
    assert.equal(refused.status, 429);
    assert.equal(refused.body.truto_is_remote_error, true);
    assert.equal(refused.headers.get('retry-after'), '3000');
    assert.equal(refused.headers.get('x-ratelimit-name'), 'org_read');
    assert.deepEqual(refused.body.raw_response, { errors: ['Too many requests'] });
  });

  test('503 is retried', async () => {
    await simHook('POST', '/faults', { path: '/api/v2/usage/billing_dimension_mapping', status: 503, count: 1 });
    assert.equal((await getJson(url('products'))).status, 200);
  });
});

describe('datadog usage list plumbing', () => {
  test("the usage list's side loads (billing dimensions, historical and estimated cost) are fetched once per ten minutes", async () => {
    await simHook('DELETE', '/requests');
    for (const day of ['2026-11-05', '2026-11-06']) {
      const res = await getJson(url('usage', `start_date=${day}&end_date=${day}T12:00:00Z&limit=5&truto_ignore_remote_data=true`));
      assert.equal(res.status, 200, res.text);
    }
    const paths = ((await simHook('GET', '/requests')).requests as Json[]).map((r) => r.path);
    for (const path of ['/api/v2/usage/billing_dimension_mapping', '/api/v2/usage/historical_cost', '/api/v2/usage/estimated_cost']) {
      assert.ok(paths.filter((p) => p === path).length <= 1, `${path} called ${paths.filter((p) => p === path).length} times`);
    }
    assert.equal(paths.filter((p) => p === '/api/v2/usage/hourly_usage').length, 2);
    const hourly = ((await simHook('GET', '/requests?path=/api/v2/usage/hourly_usage')).requests as Json[])[0];
    assert.deepEqual(hourly.query, {
      'filter[timestamp][start]': '2026-11-05T00',
      'filter[timestamp][end]': '2026-11-06T00',
      'filter[product_families]': 'all',
      'filter[include_descendants]': 'true',
      'page[limit]': '5',
    });
  });

  test('debug output masks both Datadog keys', async () => {
    const res = await getJson(url('organizations', 'truto_response_format=debug'));
    assert.equal(res.status, 200);
    const headers = res.body.debug.requestOptions.headers as Json;
    assert.equal(headers['dd-api-key'], '********');
    assert.equal(headers['dd-application-key'], '********');
    assert.ok(!res.text.includes(K.api) && !res.text.includes(K.app));
  });
});
