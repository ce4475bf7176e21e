import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startVocabServer, type VocabServer } from '../../../../test/fixtures/vocab/server.ts';
import { startCustomStack, type CustomStack } from '../../../../test/helpers/custom-stack.ts';
import { ensureEnvironment, hashToken, issueApiToken } from '../../../services/tokens.ts';

/**
 * The unified data plane's own rules, on the test fixture catalog (`test/fixtures/vocab`): what
 * any integration's caller gets for bad input, whatever the provider. Provider behaviour is
 * tested in each provider's folder.
 */
const CATALOG = path.join(import.meta.dirname, '../../../../test/fixtures/vocab/catalog');
let upstream: VocabServer;
let stack: CustomStack;
let account: string;

before(async () => {
  upstream = await startVocabServer();
  stack = await startCustomStack(CATALOG);
  const res = await stack.api('/integrated-account', {
    method: 'POST',
    body: JSON.stringify({ tenant_id: 't', integration: 'vocab', context: { api_key: 'k-123' }, integration_override: { base_url: upstream.url } }),
  });
  const body = (await res.json()) as { id: string; status: string };
  assert.equal(body.status, 'active');
  account = body.id;
});
after(async () => {
  await stack?.close();
  await upstream?.close();
});

const usersUrl = (query = '', id?: string) =>
  `/unified/usage-metering/users${id ? `/${encodeURIComponent(id)}` : ''}?integrated_account_id=${account}${query ? `&${query}` : ''}`;

async function getJson(p: string, init?: RequestInit) {
  const res = await stack.api(p, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, text };
}

describe('bad input gets a clear 4xx in the envelope', () => {
  const cases: [string, string, number, RegExp, string][] = [
    [
      'missing integrated_account_id',
      '/unified/usage-metering/users/x',
      400,
      /Missing required query parameters: integrated_account_id/,
      'TESSERA_MISSING_QUERY_PARAMETERS',
    ],
    [
      'non-uuid integrated_account_id',
      '/unified/usage-metering/users/x?integrated_account_id=nope',
      400,
      /integrated_account_id must be a UUID/,
      'TESSERA_INVALID_QUERY',
    ],
    ['unknown format', 'FORMAT', 400, /truto_response_format must be one of unified, raw, normalized, stream, debug/, 'TESSERA_INVALID_QUERY'],
    ['unknown model', '/unified/crm/users?integrated_account_id=ACCOUNT', 404, /Unknown unified model crm/, 'TESSERA_UNKNOWN_MODEL'],
    [
      'unknown resource',
      '/unified/usage-metering/contacts?integrated_account_id=ACCOUNT',
      404,
      /Unknown resource contacts of unified model usage-metering/,
      'TESSERA_UNKNOWN_MODEL',
    ],
    [
      'unsupported method',
      '/unified/usage-metering/usage/x?integrated_account_id=ACCOUNT',
      404,
      /Method get is not supported for usage-metering\/usage on integration vocab/,
      'TESSERA_METHOD_NOT_SUPPORTED',
    ],
    [
      'malformed brackets',
      '/unified/usage-metering/users?integrated_account_id=ACCOUNT&remote_query[foo=bar',
      400,
      /brackets must be balanced/,
      'TESSERA_INVALID_QUERY',
    ],
    [
      'bad boolean',
      '/unified/usage-metering/users?integrated_account_id=ACCOUNT&truto_ignore_remote_data=yes',
      400,
      /truto_ignore_remote_data must be true or false/,
      'TESSERA_INVALID_QUERY',
    ],
    [
      'bad limit',
      '/unified/usage-metering/users?integrated_account_id=ACCOUNT&limit=0',
      400,
      /limit must be an integer from 1 to 10000/,
      'TESSERA_INVALID_QUERY',
    ],
    [
      'unknown account',
      '/unified/usage-metering/users?integrated_account_id=11111111-1111-4111-8111-111111111111',
      404,
      /Integrated account .* not found/,
      'TESSERA_ACCOUNT_NOT_FOUND',
    ],
  ];
  for (const [name, p, status, message, code] of cases) {
    test(name, async () => {
      const url = p === 'FORMAT' ? usersUrl('truto_response_format=xml') : p.replace('ACCOUNT', account);
      const { status: s, body, text } = await getJson(url);
      assert.equal(s, status, text);
      assert.equal(body.statusCode, status);
      assert.match(body.message, message);
      assert.equal(typeof body.error, 'string');
      assert.equal(body.code, code);
      assert.equal(text.includes('    at '), false, 'no stack trace');
    });
  }

  test('no token, or a wrong one, is a 401', async () => {
    const none = await fetch(`${stack.apiUrl}${usersUrl()}`);
    assert.equal(none.status, 401);
    assert.equal(none.headers.get('www-authenticate'), 'Bearer');
    assert.deepEqual(await none.json(), {
      statusCode: 401,
      error: 'Unauthorized',
      message: 'Missing Authorization header: send Authorization: Bearer <API token>',
      code: 'TESSERA_UNAUTHORIZED',
    });
    const basic = await fetch(`${stack.apiUrl}${usersUrl()}`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } });
    assert.equal(basic.status, 401);
    assert.match(((await basic.json()) as { message: string }).message, /must use the Bearer scheme/);
    const wrong = await fetch(`${stack.apiUrl}${usersUrl()}`, { headers: { authorization: 'Bearer tsk_wrong' } });
    assert.equal(wrong.status, 401);
    assert.equal(((await wrong.json()) as { message: string }).message, 'Invalid API token');
    // An expired token says so, and when.
    const env = await ensureEnvironment(stack.services.store, 'expiry-env');
    const expired = 'tsk_expired-token-for-the-401-test';
    const at = '2026-01-01T00:00:00.000Z';
    await stack.services.store.createApiToken({
      id: randomUUID(),
      environment_id: env.id,
      name: 'expired',
      token_hash: hashToken(expired),
      expires_at: at,
      revoked_at: null,
      role: 'admin',
      integrated_account_id: null,
      created_by: null,
      created_at: at,
      updated_at: at,
    });
    const late = await fetch(`${stack.apiUrl}${usersUrl()}`, { headers: { authorization: `Bearer ${expired}` } });
    assert.equal(late.status, 401);
    assert.equal(((await late.json()) as { message: string }).message, `The API token expired at ${at}; create a new one`);
  });

  test("another environment's account is a 404", async () => {
    const other = await ensureEnvironment(stack.services.store, 'other-env');
    const { token } = await issueApiToken(stack.services.store, other.id, 'other');
    const res = await fetch(`${stack.apiUrl}${usersUrl()}`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 404);
    assert.match(((await res.json()) as { message: string }).message, /Integrated account .* not found/);
  });
});

describe('custom method names', () => {
  test('each request runs its own method, and names every object inherits are unknown methods', async () => {
    const post = (name: string) =>
      getJson(`/unified/usage-metering/users/${name}?integrated_account_id=${account}`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
    for (const name of ['first_custom', 'second_custom']) {
      const res = await post(name);
      assert.equal(res.status, 404);
      assert.match(res.body.message, new RegExp(`Method ${name} is not supported`));
    }
    for (const name of ['constructor', '__proto__', 'toString']) {
      const res = await post(name);
      assert.equal(res.status, 404, name);
      assert.equal(res.body.code, 'TESSERA_METHOD_NOT_SUPPORTED');
    }
  });
});
