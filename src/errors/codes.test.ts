import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { defaultCode, errors, TesseraError } from './catalogue.ts';
import { ERROR_CODES, type ErrorCode } from './codes.ts';

const DOC = fs.readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
const documented = new Map([...DOC.matchAll(/^\| `(TESSERA_[A-Z_]+)` \| (\d+|varies) \|/gm)].map((m) => [m[1], m[2]]));

test('every code in the catalogue is documented in docs/errors.md with its status, and nothing else is', () => {
  const codes = Object.keys(ERROR_CODES);
  assert.deepEqual(
    codes.filter((c) => !documented.has(c)),
    [],
    'codes missing from docs/errors.md',
  );
  assert.deepEqual(
    [...documented.keys()].filter((c) => !(c in ERROR_CODES)),
    [],
    'docs/errors.md lists codes that do not exist',
  );
  for (const [code, { status }] of Object.entries(ERROR_CODES)) assert.equal(documented.get(code), status === 0 ? 'varies' : String(status), code);
});

test('each constructor puts its code in the envelope, with the status the catalogue gives it', () => {
  const made: TesseraError[] = [
    errors.invalidQuery('x'),
    errors.invalidBody('x'),
    errors.validation('x', []),
    errors.missingQuery(['a']),
    errors.missingBody(['a']),
    errors.invalidCursor(),
    errors.oauthState('x'),
    errors.unauthorized(),
    errors.needsReauth(),
    errors.accountNotFound('id'),
    errors.integrationNotFound('x'),
    errors.unknownModel('x'),
    errors.methodNotSupported('x'),
    errors.recordNotFound('x'),
    errors.methodNotAllowed('x'),
    errors.conflict('x'),
    errors.payloadTooLarge('x'),
    errors.rateLimited(1),
    errors.accountBlocked(),
    errors.internal(),
    errors.mappingFailed('x'),
    errors.upstreamUnreachable('x'),
    errors.upstreamTimeout('x'),
  ];
  for (const e of made) {
    const expected = ERROR_CODES[e.code].status;
    if (expected !== 0) assert.equal(e.status, expected, `${e.code} has status ${e.status}`);
    assert.equal(e.toEnvelope().code, e.code);
  }
  assert.equal(new Set(made.map((e) => e.code)).size, made.length, 'each constructor has its own code');
});

test('errors raised without a code get the generic one of their status; remote ones say so', () => {
  assert.equal(new TesseraError(400, 'x').code, 'TESSERA_BAD_REQUEST');
  assert.equal(new TesseraError(418, 'x').code, 'TESSERA_BAD_REQUEST');
  assert.equal(new TesseraError(500, 'x').code, 'TESSERA_INTERNAL');
  const remote = new TesseraError(403, 'no', { remote: { rawResponse: { message: 'no' } } });
  assert.equal(remote.toEnvelope().code, 'TESSERA_REMOTE_ERROR');
  assert.equal(remote.toEnvelope().truto_is_remote_error, true);
  assert.equal(defaultCode(429, true), 'TESSERA_REMOTE_RATE_LIMITED' satisfies ErrorCode);
});
