import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REDACTED, redactHeaders } from './request-log.ts';

test('the request log never keeps credentials, whatever header the provider puts them in', () => {
  const out = redactHeaders(
    new Headers({
      authorization: 'Bearer sk-admin-123',
      'x-api-key': 'sk-ant-admin-1',
      'dd-api-key': 'dd1',
      'dd-application-key': 'dd2',
      'x-auth-token': 't',
      cookie: 'a=b',
      'anthropic-version': '2023-06-01',
      'x-request-id': 'r1',
    }),
  );
  assert.equal(out.authorization, `Bearer ${REDACTED}`);
  for (const h of ['x-api-key', 'dd-api-key', 'dd-application-key', 'x-auth-token', 'cookie']) assert.equal(out[h], REDACTED, h);
  assert.equal(out['anthropic-version'], '2023-06-01');
  assert.equal(out['x-request-id'], 'r1');
});
