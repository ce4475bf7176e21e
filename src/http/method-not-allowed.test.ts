import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestStack, type TestStack } from '../../test/helpers/stack.ts';
import { collapseLeadingSlashes } from './path-guard.ts';

let stack: TestStack;
before(async () => {
  stack = await startTestStack();
});
after(() => stack?.close());

test('a known path under another method is a 405 with Allow; an unknown path stays a 404', async () => {
  const put = await stack.api('/integrated-account', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(put.status, 405);
  assert.equal(put.headers.get('allow'), 'GET, HEAD, POST');
  assert.deepEqual(await put.json(), {
    statusCode: 405,
    error: 'Method Not Allowed',
    message: 'PUT is not allowed on /integrated-account; allowed: GET, HEAD, POST',
    code: 'TESSERA_METHOD_NOT_ALLOWED',
  });
  const one = await stack.api('/integrated-account/00000000-0000-4000-8000-000000000000', { method: 'PUT' });
  assert.equal(one.status, 405);
  assert.equal(one.headers.get('allow'), 'DELETE, GET, HEAD, PATCH');
  const unknown = await stack.api('/no-such-route', { method: 'PUT' });
  assert.equal(unknown.status, 404);
  assert.equal(((await unknown.json()) as { code: string }).code, 'TESSERA_ROUTE_NOT_FOUND');
});

test('a doubled leading slash (an SDK base URL ending in /) reaches the same route', async () => {
  const account = stack.accounts.neon;
  const doubled = await fetch(`${stack.apiUrl}//unified/usage-metering/users?integrated_account_id=${account}&limit=2`, {
    headers: { authorization: `Bearer ${stack.token}` },
  });
  assert.equal(doubled.status, 200, await doubled.clone().text());
  assert.equal(((await doubled.json()) as { result: unknown[] }).result.length, 2);
  const custom = await fetch(`${stack.apiUrl}//custom/users/me?integrated_account_id=${account}`, { headers: { authorization: `Bearer ${stack.token}` } });
  assert.equal(custom.status, 200, await custom.clone().text());
  assert.equal(collapseLeadingSlashes('///a//b'), '/a//b', 'only the leading run collapses');
  assert.equal(collapseLeadingSlashes('/a'), '/a');
});
