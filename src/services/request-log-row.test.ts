import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dataPlaneRow, loggedPath, requestTypeOf } from './request-log-row.ts';

test('requestTypeOf: the data-plane routes only', () => {
  assert.equal(requestTypeOf('/unified/usage-metering/users'), 'unified');
  assert.equal(requestTypeOf('/proxy/members'), 'proxy');
  assert.equal(requestTypeOf('/custom/users/me'), 'custom');
  assert.equal(requestTypeOf('/batch-request'), 'batch');
  for (const path of ['/integrated-account', '/log', '/unifiedx/a', '/batch-requests', '/health']) assert.equal(requestTypeOf(path), undefined, path);
});

test('loggedPath keeps the query and masks credential-named values, bracketed ones included', () => {
  assert.equal(loggedPath('/proxy/members', ''), '/proxy/members');
  assert.equal(loggedPath('/unified/m/r', 'integrated_account_id=a&limit=5&name=x%20y'), '/unified/m/r?integrated_account_id=a&limit=5&name=x%20y');
  const masked = decodeURIComponent(
    loggedPath('/unified/m/r', 'integrated_account_id=a&api_key=k1&remote_query[access_token]=k2&remote_query[private_key]=k3&q=ok'),
  );
  assert.equal(masked.includes('k1') || masked.includes('k2') || masked.includes('k3'), false, masked);
  assert.match(masked, /integrated_account_id=a&api_key=\*{8}&remote_query\[access_token\]=\*{8}&remote_query\[private_key\]=\*{8}&q=ok/);
  // An installation's own secret field names count too.
  assert.match(
    loggedPath('/proxy/x', 'tenant_pin=1234', (k) => k === 'tenant_pin'),
    /tenant_pin=\*{8}/,
  );
});

test('dataPlaneRow: the line as GET /log stores it', () => {
  const row = dataPlaneRow({
    environmentId: 'env',
    type: 'unified',
    method: 'GET',
    path: '/unified/m/r',
    status: 502,
    durationMs: 12.6,
    error: { code: 'TESSERA_REMOTE_ERROR', message: 'bad gateway' },
    line: {
      request_id: 'r1',
      account_id: 'acc',
      integration: 'x',
      model: 'm',
      resource: 'r',
      resource_method: 'list',
      upstream: [{ method: 'GET', url: 'https://h/p', status: 502, ms: 10, attempt: 1, role: 'main' }],
      upstream_calls: 1,
    },
    now: new Date('2026-01-01T00:00:00Z'),
  });
  assert.deepEqual(
    { ...row, id: 'id' },
    {
      id: 'id',
      environment_id: 'env',
      log_type: 'unified_proxy_api',
      integrated_account_id: 'acc',
      integration: 'x',
      request_id: 'r1',
      method: 'GET',
      path: '/unified/m/r',
      status: 502,
      duration_ms: 13,
      error: 'bad gateway',
      detail: {
        request_type: 'unified',
        error_code: 'TESSERA_REMOTE_ERROR',
        model: 'm',
        resource: 'r',
        resource_method: 'list',
        upstream: [{ method: 'GET', url: 'https://h/p', status: 502, duration_ms: 10, attempt: 1, role: 'main' }],
        upstream_calls: 1,
      },
      created_at: '2026-01-01T00:00:00.000Z',
    },
  );
});
