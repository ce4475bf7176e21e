import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Hono } from 'hono';
import { errors } from '../errors/catalogue.ts';
import { nameParam, uuidParam } from './params.ts';
import { refuseControlCharactersInPath } from './path-guard.ts';
import { errorResponse } from './respond.ts';
import type { HttpEnv } from './types.ts';

const app = new Hono<HttpEnv>();
app.use('*', refuseControlCharactersInPath());
app.get('/models/:model', (c) => c.json({ model: nameParam(c, 'model', 'model') }));
app.get('/integrations/:name', (c) => c.json({ name: nameParam(c, 'name', 'integration') }));
app.get('/accounts/:id', (c) => c.json({ id: uuidParam(c, 'id', errors.accountNotFound) }));
app.get('/records/:id', (c) => c.json({ id: c.req.param('id') }));
app.onError((e, c) => errorResponse(c, e));

async function get(path: string) {
  const res = await app.request(path);
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

test('a name every object inherits is the unknown thing it names, never a lookup', async () => {
  for (const name of ['__proto__', 'constructor', 'toString', '%5F%5Fproto%5F%5F', 'hasOwnProperty']) {
    const model = await get(`/models/${name}`);
    assert.equal(model.status, 404, name);
    assert.equal(model.body.code, 'TESSERA_UNKNOWN_MODEL');
    assert.equal((await get(`/integrations/${name}`)).body.code, 'TESSERA_INTEGRATION_NOT_FOUND');
  }
  assert.equal((await get(`/models/${'m'.repeat(129)}`)).status, 404);
  assert.deepEqual((await get('/models/usage-metering')).body, { model: 'usage-metering' });
});

test('uuid parameters are lower-cased once; anything else is the given 404', async () => {
  assert.deepEqual((await get('/accounts/0B7C3F2E-2B1A-4C3D-9E8F-112233445566')).body, { id: '0b7c3f2e-2b1a-4c3d-9e8f-112233445566' });
  const bad = await get('/accounts/not-a-uuid');
  assert.equal(bad.status, 404);
  assert.equal(bad.body.code, 'TESSERA_ACCOUNT_NOT_FOUND');
  assert.match((await get(`/accounts/${'x'.repeat(500)}`)).body.message, /^Integrated account x{80}… not found$/);
});

test('control characters anywhere in the path are a 400; other encodings pass through', async () => {
  for (const seg of ['%00', 'a%00b', '%0A', '%0d%0aSet-Cookie:x', '%1F', '%7f']) {
    const res = await get(`/records/${seg}`);
    assert.equal(res.status, 400, seg);
    assert.equal(res.body.code, 'TESSERA_BAD_REQUEST');
  }
  for (const seg of ['%2500', '%20', '%F0%9F%92%A9', 'constructor']) assert.equal((await get(`/records/${seg}`)).status, 200, seg);
  // The query string is the query parser's business (it refuses %00 with its own message).
  assert.equal((await get('/records/x?q=%0A')).status, 200);
});
