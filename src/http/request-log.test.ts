import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { type RequestLogRecord } from '../logger.ts';
import { simulatorOrigin, startTestStack, type TestStack } from '../../test/helpers/stack.ts';
import { createMetrics } from './metrics.ts';
import { engineObserver, requestId } from './request-log.ts';

/** The request log line, read from pino's real output while a real server answers over sockets. */

type Line = Record<string, any>;
const lines: Line[] = [];
const logStream = new Writable({
  write(chunk, _encoding, done) {
    for (const text of String(chunk).split('\n')) if (text.trim()) lines.push(JSON.parse(text));
    done();
  },
});

let stack: TestStack;
let account: string;
let sim: string;
before(async () => {
  stack = await startTestStack({ TESSERA_LOG_LEVEL: 'info' }, { logStream });
  account = stack.accounts.neon;
  sim = simulatorOrigin(stack.simulators.neon);
});
after(async () => {
  await stack?.close();
});

async function injectFault(spec: Record<string, unknown>) {
  const res = await fetch(`${sim}/__sim/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spec) });
  assert.ok(res.status < 300, await res.text());
}

/** The line of one request: written when it completes, so wait for it briefly. */
async function requestLine(id: string): Promise<Line> {
  for (let i = 0; i < 50; i++) {
    const line = lines.find((l) => l.msg === 'request' && l.request_id === id);
    if (line) return line;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`no request line for ${id}`);
}

describe('request log', () => {
  test('a failing unified list logs the account, integration, each upstream attempt and the error code, and no secret', async () => {
    // 503 twice (retried), then 500 (not retryable): three attempts of the same call.
    await injectFault({ path: '/api/v2/organizations/*/members', status: 503, count: 2 });
    await injectFault({ path: '/api/v2/organizations/*/members', status: 500, count: 1 });
    const res = await stack.api(`/unified/usage-metering/users?integrated_account_id=${account}`, { headers: { 'x-request-id': 'client-req.42' } });
    const text = await res.text();
    assert.equal(res.status, 500, text);
    assert.equal(res.headers.get('x-request-id'), 'client-req.42', 'a valid client id is reused');
    assert.equal(text.includes('    at '), false, 'no stack trace in the response');

    const line = await requestLine('client-req.42');
    assert.equal(line.level, 50, '5xx logs at error');
    assert.equal(line.method, 'GET');
    assert.equal(line.route, '/unified/:model/:resource');
    assert.equal(line.status, 500);
    assert.equal(typeof line.ms, 'number');
    assert.equal(line.account_id, account);
    assert.equal(line.integration, 'neon');
    assert.equal(line.model, 'usage-metering');
    assert.equal(line.resource, 'users');
    assert.equal(line.resource_method, 'list');
    assert.equal(line.error.code, 'TESSERA_REMOTE_ERROR');
    assert.equal(typeof line.error.message, 'string');
    assert.equal(typeof line.error.stack, 'string', 'the stack is logged for a 5xx');
    const members = (line.upstream as Line[]).filter((u) => u.url.endsWith('/members') || u.url.includes('/members?'));
    assert.deepEqual(
      members.map((u) => [u.method, u.status, u.attempt, u.role]),
      [
        ['GET', 503, 1, 'main'],
        ['GET', 503, 2, 'main'],
        ['GET', 500, 3, 'main'],
      ],
    );
    for (const u of members) assert.equal(typeof u.ms, 'number');
    assert.equal(line.upstream_calls, line.upstream.length);

    // The account's own API key, as stored, is nowhere in the log; nor is the API token.
    const stored = await stack.services.store.getIntegratedAccount(account);
    const secrets = Object.entries(stored!.context)
      .filter(([key, v]) => stack.services.engineServices.isSecret(key) && typeof v === 'string')
      .map(([, v]) => v as string);
    assert.ok(secrets.length > 0, 'the sandbox account has a secret to look for');
    const all = JSON.stringify(lines);
    for (const secret of [...secrets, stack.token]) assert.equal(all.includes(secret), false, 'a secret in the log');
  });

  test('an id a client may not set is replaced; a success logs at info with its upstream calls', async () => {
    const res = await stack.api(`/unified/usage-metering/users?integrated_account_id=${account}`, { headers: { 'x-request-id': 'has space' } });
    assert.equal(res.status, 200, await res.text());
    const id = res.headers.get('x-request-id')!;
    assert.match(id, /^[0-9a-f-]{36}$/);
    const line = await requestLine(id);
    assert.equal(line.level, 30);
    assert.equal(line.error, undefined);
    assert.ok(line.upstream.some((u: Line) => u.status === 200 && u.role === 'main'));
    assert.equal(requestId('x'.repeat(129)).length, 36);
    assert.equal(requestId('abc-DEF_1.2:3'), 'abc-DEF_1.2:3');
  });

  test('a request refused before any upstream call names the account and the reason', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const res = await stack.api(`/proxy/members?integrated_account_id=${missing}`, { headers: { 'x-request-id': 'missing-account' } });
    assert.equal(res.status, 404);
    const line = await requestLine('missing-account');
    assert.equal(line.account_id, missing);
    assert.equal(line.route, '/proxy/:resource');
    assert.equal(typeof line.error.code, 'string');
    assert.equal(line.error.stack, undefined, 'no stack below 5xx');
    assert.deepEqual(line.upstream, []);
  });

  test('a revoked key: the warning written inside the request carries its id; the later refusal names the integration', async () => {
    const revoked = await stack.connect(
      'neon',
      { tenant_id: 'log-test', context: { api_key: 'revoked-key-for-the-log-test', org_id: 'org-log-test' } },
      '?keep_on_validation_error=true',
    );

    const first = await stack.api(`/proxy/members?integrated_account_id=${revoked}`, { headers: { 'x-request-id': 'revoked-1' } });
    assert.equal(first.status, 401, await first.text());
    await requestLine('revoked-1');
    const warning = lines.find((l) => l.msg === 'Integrated account needs re-authentication' && l.integrated_account_id === revoked);
    assert.equal(warning?.request_id, 'revoked-1', 'a line written while the request runs carries its request id');

    const later = await stack.api(`/unified/usage-metering/users?integrated_account_id=${revoked}`, { headers: { 'x-request-id': 'revoked-2' } });
    assert.equal(later.status, 401);
    const line = await requestLine('revoked-2');
    assert.equal(line.error.code, 'TESSERA_ACCOUNT_NEEDS_REAUTH');
    assert.equal(line.integration, 'neon', 'refused before any upstream call, still labelled with its integration');
    assert.deepEqual(line.upstream, []);
  });

  test('a /custom call names its account and integration', async () => {
    const res = await stack.api(`/custom/users/me?integrated_account_id=${account}`, { headers: { 'x-request-id': 'custom-1' } });
    assert.equal(res.status, 200, await res.text());
    const line = await requestLine('custom-1');
    assert.equal(line.route, '/custom/*');
    assert.equal(line.path, '/custom/users/me');
    assert.equal(line.account_id, account);
    assert.equal(line.integration, 'neon');
    assert.ok(line.upstream.some((u: Line) => u.url.endsWith('/users/me') && u.status === 200));
  });

  test('an NDJSON stream is logged when it ends', async () => {
    const res = await stack.api(`/unified/usage-metering/users?integrated_account_id=${account}&truto_response_format=stream`);
    assert.equal(res.status, 200);
    await res.text();
    const line = await requestLine(res.headers.get('x-request-id')!);
    assert.equal(line.stream, 'complete');
    assert.equal(line.integration, 'neon');
    assert.ok(line.upstream.length >= 1);
  });
});

describe('engine observer', () => {
  test('masks credentials in upstream URLs before they reach the request log', () => {
    const record: RequestLogRecord = { request_id: 'r', upstream: [], upstream_calls: 0 };
    const observer = engineObserver(createMetrics({ processMetrics: false }));
    observer.upstreamAttempt(
      {
        integration: 'x',
        requestUrl: 'https://user:hunter22@api.example.com/v1/things?api_key=sekrit-value&page=2',
        method: 'GET',
        status: null,
        error: 'timeout',
        durationMs: 12,
        role: 'main',
        attempt: 1,
      },
      record,
    );
    assert.equal(record.upstream.length, 1);
    const [entry] = record.upstream;
    assert.equal(entry.error, 'timeout');
    assert.equal(entry.url.includes('sekrit-value'), false);
    assert.equal(entry.url.includes('hunter22'), false);
    assert.ok(entry.url.includes('page=2'));
  });
});
