import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import qs from 'qs';
import { startTestStack, type TestStack } from '../../../../test/helpers/stack.ts';

/**
 * The platform routes as Truto's SDKs call them, byte for byte where it matters. The TS SDK
 * (@truto/truto-ts-sdk: ApiClient + Cursor) sends every query through `qs.stringify` with qs's
 * defaults (arrays as `x[0]=`), a trailing `?` even when there is no query, a first list page with
 * `next_cursor=` (empty), JSON bodies with Content-Type and Accept. Its resources:
 *   environment: list, get(id), update(id, body) → PATCH /environment/{id}
 *   apiToken: list, get(id)
 *   environmentIntegration: list, get(id), update(id, body), delete(id)
 *   integration.install(id, {is_enabled}) → POST /environment-integration {integration_id, is_enabled}
 *   unifiedModel: list, get(id)
 * The Python SDK encodes arrays as `x[]=`, booleans lowercase, with quote_plus.
 */
let stack: TestStack;
before(async () => {
  stack = await startTestStack();
});
after(() => stack?.close());

/** What ApiClient.request sends. */
async function tsRequest(endpoint: string, init: { method?: string; body?: string } = {}) {
  const res = await fetch(`${stack.apiUrl}${endpoint}`, {
    ...init,
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: `Bearer ${stack.token}` },
  });
  assert.equal(res.status, 200, `${init.method ?? 'GET'} ${endpoint}: ${res.status} ${await res.clone().text()}`);
  return (await res.json()) as any;
}
const ts = {
  list: (resource: string, options: Record<string, unknown> = {}) => tsRequest(`/${resource}?${qs.stringify({ ...options, next_cursor: '' })}`),
  /** Cursor.toArray: pages until next_cursor is empty. */
  async toArray(resource: string, options: Record<string, unknown> = {}) {
    const items: any[] = [];
    let cursor = '';
    do {
      const page = await tsRequest(`/${resource}?${qs.stringify({ ...options, next_cursor: cursor })}`);
      items.push(...page.result);
      cursor = page.next_cursor || '';
    } while (cursor);
    return items;
  },
  get: (resource: string, id: string, query?: Record<string, unknown>) => tsRequest(`/${resource}/${encodeURIComponent(id)}?${qs.stringify(query)}`),
  create: (resource: string, body: unknown) => tsRequest(`/${resource}?${qs.stringify(undefined)}`, { method: 'POST', body: JSON.stringify(body) }),
  update: (resource: string, id: string, body: unknown) =>
    tsRequest(`/${resource}/${encodeURIComponent(id)}?${qs.stringify(undefined)}`, { method: 'PATCH', body: JSON.stringify(body) }),
  delete: (resource: string, id: string) => tsRequest(`/${resource}/${encodeURIComponent(id)}?${qs.stringify(undefined)}`, { method: 'DELETE' }),
};

/** dict_to_query_string: `x[]=` for lists, lowercase booleans, quote_plus. */
function pythonQuery(params: Record<string, unknown>): string {
  const plus = (v: string) => encodeURIComponent(v).replace(/%20/g, '+');
  const scalar = (v: unknown) => (typeof v === 'boolean' ? String(v) : String(v));
  return Object.entries(params)
    .flatMap(([k, v]) => (Array.isArray(v) ? v.map((item) => `${plus(`${k}[]`)}=${plus(scalar(item))}`) : [`${plus(k)}=${plus(scalar(v))}`]))
    .join('&');
}

test('TS SDK environment.list / get / update', async () => {
  const [env] = await ts.toArray('environment');
  assert.equal(env.name, 'sandbox');
  assert.deepEqual(await ts.get('environment', env.id), env);
  const renamed = await ts.update('environment', env.id, { name: 'sandbox-renamed' });
  assert.equal(renamed.name, 'sandbox-renamed');
  await ts.update('environment', env.id, { name: 'sandbox' });
  assert.equal((await ts.list('environment', { id: [env.id] })).result.length, 1);
});

test('TS SDK apiToken.list (with filters and limit) / get, and the create and delete our SDK adds', async () => {
  const made = await ts.create('api-token', { name: 'from-sdk' });
  assert.ok(made.token);
  const tokens = await ts.toArray('api-token', { limit: 1 });
  assert.ok(tokens.some((t) => t.id === made.id));
  assert.ok(tokens.every((t) => !('token' in t) && !('token_hash' in t)));
  const filtered = await ts.list('api-token', { name: ['from-sdk'], environment_id: made.environment_id });
  assert.deepEqual(
    filtered.result.map((t: { id: string }) => t.id),
    [made.id],
  );
  assert.equal((await ts.get('api-token', made.id)).name, 'from-sdk');
  assert.deepEqual(await ts.delete('api-token', made.id), { id: made.id });
});

test('TS SDK integration.install, environmentIntegration.list / get / update / delete', async () => {
  const installed = await ts.create('environment-integration', { integration_id: 'openai', is_enabled: true });
  assert.equal(installed.integration_id, 'openai');
  const all = await ts.toArray('environment-integration');
  assert.ok(all.some((ei) => ei.id === installed.id));
  assert.deepEqual(await ts.get('environment-integration', installed.id), installed);
  const updated = await ts.update('environment-integration', installed.id, { show_in_catalog: false, is_enabled: false, override: {} });
  assert.equal(updated.show_in_catalog, false);
  assert.equal(updated.is_enabled, false);
  assert.equal((await ts.list('environment-integration', { integration: { name: 'openai' } })).result[0].id, installed.id);
  assert.deepEqual(await ts.delete('environment-integration', installed.id), { id: installed.id });
  assert.equal((await ts.create('environment-integration', { integration_id: 'openai' })).is_enabled, true);
});

test('TS SDK unifiedModel.list / get', async () => {
  const models = await ts.toArray('unified-model');
  assert.ok(models.some((m) => m.id === 'usage-metering'));
  assert.equal((await ts.get('unified-model', 'usage-metering')).name, 'usage-metering');
});

test('Python SDK query form: x[]=, lowercase booleans, quote_plus', async () => {
  const get = async (path: string) => {
    const res = await stack.api(path);
    assert.equal(res.status, 200, `${path}: ${await res.clone().text()}`);
    return (await res.json()) as any;
  };
  const ei = await get(`/environment-integration?${pythonQuery({ integration_id: ['neon', 'openai'], is_enabled: true })}`);
  assert.deepEqual(ei.result.map((r: { integration_id: string }) => r.integration_id).sort(), ['neon', 'openai']);
  const tokens = await get(`/api-token?${pythonQuery({ name: ['sandbox'], limit: 10 })}`);
  assert.equal(tokens.result.length, 1);
  const envs = await get(`/environment?${pythonQuery({ name: ['sandbox'] })}`);
  assert.equal(envs.result.length, 1);
});

test('TS SDK integratedAccount.list / get / update / delete / refreshCredentials, and the Python list form', async () => {
  const sandbox = await stack.services.store.getIntegratedAccount(stack.accounts.neon);
  const id = await stack.connect('neon', { tenant_id: 'sdk-tenant', context: sandbox!.context });
  // Cursor over /integrated-account with a filter array, as qs writes it: tenant_id[0]=sdk-tenant.
  const listed = await ts.toArray('integrated-account', { tenant_id: ['sdk-tenant'] });
  assert.deepEqual(
    listed.map((a) => a.id),
    [id],
  );
  const python = await tsRequest(`/integrated-account?${pythonQuery({ tenant_id: ['sdk-tenant', 'nobody'], is_sandbox: false })}`);
  assert.deepEqual(
    python.result.map((a: { id: string }) => a.id),
    [id],
  );
  assert.equal((await ts.get('integrated-account', id)).id, id);
  const updated = await ts.update('integrated-account', id, { context: { nickname: 'from-the-sdk' } });
  assert.equal(updated.context.nickname, 'from-the-sdk');
  assert.equal(updated.context.api_key, '********');
  // refreshCredentials: `integrated-account/refresh-credentials` with no leading slash, so it
  // reaches us with a base URL that ends in `/`. An API-key account has nothing to refresh: 400.
  const refresh = await fetch(`${stack.apiUrl}/integrated-account/refresh-credentials`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', Authorization: `Bearer ${stack.token}` },
    body: JSON.stringify({ id }),
  });
  assert.equal(refresh.status, 400);
  assert.match(((await refresh.json()) as { message: string }).message, /no token to refresh/);
  assert.deepEqual(await ts.delete('integrated-account', id), { id });
  assert.deepEqual(await ts.toArray('integrated-account', { tenant_id: ['sdk-tenant'] }), []);
});
