import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startCustomStack, type CustomStack } from '../../../../test/helpers/custom-stack.ts';

const FIXTURES = fileURLToPath(new URL('../../../../test/fixtures/usage/catalog', import.meta.url));
let stack: CustomStack;

before(async () => {
  stack = await startCustomStack(FIXTURES);
});
after(async () => {
  await stack?.close();
});

interface Envelope {
  statusCode: number;
  code: string;
  message: string;
  details: { checks: Record<string, string> };
}

test('GET /ready without a token: 200 with every check ok (no redis check without TESSERA_REDIS_URL)', async () => {
  const res = await fetch(`${stack.apiUrl}/ready`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ready', checks: { database: 'ok', migrations: 'ok', encryption_key: 'ok' } });
});

test('while draining: 503 TESSERA_NOT_READY in the envelope, naming the check, with Retry-After; /health stays 200', async () => {
  stack.services.readiness.draining = true;
  try {
    const res = await fetch(`${stack.apiUrl}/ready`);
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '5');
    const body = (await res.json()) as Envelope;
    assert.equal(body.code, 'TESSERA_NOT_READY');
    assert.equal(body.statusCode, 503);
    assert.equal(body.message, 'Not ready: draining: shutting down');
    assert.equal(body.details.checks.draining, 'shutting down');
    assert.equal((await fetch(`${stack.apiUrl}/health`)).status, 200, 'liveness is not readiness');
  } finally {
    stack.services.readiness.draining = false;
  }
});
