import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Hono } from 'hono';
import { errors, TesseraError } from '../errors/catalogue.ts';
import { createLogger } from '../logger.ts';
import type { AppServices } from '../services/app-services.ts';
import { SecretBox } from '../store/secret-box.ts';
import { openSqliteStore, type SqlStore } from '../store/sql/sql-store.ts';
import { UpstreamNetworkError } from '../upstream/types.ts';
import { canonicalPath, canonicalSearch, hashRequest, idempotency, settlement, type IdempotencyTimings } from './idempotency.ts';
import { errorResponse } from './respond.ts';
import type { HttpEnv } from './types.ts';

/**
 * The middleware over a real SQLite store, on a bare Hono app whose handler counts its runs: the
 * claim, the wait, the replay and the failure rule. Replicas over real sockets and Postgres are
 * in test/hostile/idempotency-replicas.test.ts.
 */
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-idem-'));
let store: SqlStore;
before(async () => {
  store = await openSqliteStore(path.join(dir, 'tessera.db'), new SecretBox(SecretBox.generateKey()));
  await store.migrate();
});
after(async () => {
  await store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const ACCOUNT = '0f8fad5b-d9cb-469f-a165-70867728950e';

/** An app whose POST /w/* answers `respond()` after `delayMs`, counting runs. */
function app(timings: IdempotencyTimings, respond: () => Response | Promise<Response> = () => Response.json({ ok: true }, { status: 201 }), delayMs = 0) {
  let runs = 0;
  const services = { store, logger: createLogger('silent'), config: { idempotency: timings } } as unknown as AppServices;
  const hono = new Hono<HttpEnv>();
  hono.use('*', async (c, next) => {
    c.set('services', services);
    c.set('principal', { environmentId: 'env-1', tokenId: 't', role: 'admin' });
    await next();
  });
  hono.use('/w/*', idempotency());
  hono.post('/w/*', async () => {
    runs++;
    await sleep(delayMs);
    return respond();
  });
  hono.onError((e, c) => errorResponse(c, e));
  const call = (key: string, body: unknown = { n: 1 }, p = `/w/users?integrated_account_id=${ACCOUNT}`) =>
    hono.request(p, { method: 'POST', body: JSON.stringify(body), headers: { 'idempotency-key': key, 'content-type': 'application/json' } });
  return { call, runs: () => runs };
}

const FAST = { waitMs: 5_000, leaseMs: 30_000 };
let n = 0;
const freshKey = () => `k-${process.pid}-${++n}`;

describe('the rule for a finished request', () => {
  test('below 500 is kept, 429 and a blocked account are released, other 5xx and exceptions are failed', () => {
    assert.equal(settlement(201, undefined), 'completed');
    assert.equal(settlement(409, undefined), 'completed');
    assert.equal(settlement(429, undefined), 'release');
    assert.equal(settlement(503, new TesseraError(503, 'blocked', { code: 'TESSERA_ACCOUNT_BLOCKED' })), 'release');
    assert.equal(settlement(502, new TesseraError(502, 'not allowed', { code: 'TESSERA_EGRESS_REFUSED' })), 'release');
    // A refused connection never reached the provider; a reset mid-response may have.
    assert.equal(settlement(502, errors.upstreamUnreachable('refused', new UpstreamNetworkError('refused', 'network', true))), 'release');
    assert.equal(settlement(502, errors.upstreamUnreachable('reset', new UpstreamNetworkError('reset', 'network', false))), 'failed');
    assert.equal(settlement(503, new TesseraError(503, 'upstream said so', { remote: { rawResponse: null } })), 'failed');
    assert.equal(settlement(504, undefined), 'failed');
    assert.equal(settlement(500, new Error('boom')), 'failed');
  });
});

describe('the entry key ignores the letter case of UUIDs', () => {
  test('path segments and integrated_account_id', () => {
    assert.equal(canonicalPath(`/proxy/users/${ACCOUNT.toUpperCase()}`), `/proxy/users/${ACCOUNT}`);
    assert.equal(canonicalPath(`/custom/A%2FB/${ACCOUNT.toUpperCase()}`), `/custom/A%2FB/${ACCOUNT}`, 'an encoded slash stays inside its segment');
    // Every spelling the router treats alike is one key: no second write through `%2D` or `%73`.
    assert.equal(canonicalPath('/unified/usage%2Dmetering/user%73'), '/unified/usage-metering/users');
    assert.equal(canonicalPath('/unified/usage-metering/users'), '/unified/usage-metering/users');
    assert.equal(canonicalSearch(`?integrated_account_id=${ACCOUNT.toUpperCase()}&x=ABC`), `integrated_account_id=${ACCOUNT}&x=ABC`);
    assert.equal(canonicalSearch('?integrated_account_id=not-a-uuid&%zz'), 'integrated_account_id=not-a-uuid&%zz');
  });
});

describe('Idempotency-Key claims', () => {
  test('a repeat replays the first response; a different body is a 409', async () => {
    const { call, runs } = app(FAST);
    const key = freshKey();
    const first = await call(key);
    assert.equal(first.status, 201);
    const again = await call(key, { n: 1 }, `/w/users?integrated_account_id=${ACCOUNT.toUpperCase()}`);
    assert.equal(again.status, 201);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(await again.json(), { ok: true });
    const other = await call(key, { n: 2 });
    assert.equal(other.status, 409);
    assert.equal(((await other.json()) as { code: string }).code, 'TESSERA_CONFLICT');
    assert.equal(runs(), 1);
  });

  test('concurrent repeats wait for the first and replay it: the handler runs once', async () => {
    const { call, runs } = app(FAST, undefined, 300);
    const key = freshKey();
    const answers = await Promise.all([call(key), call(key), call(key)]);
    assert.deepEqual(
      answers.map((a) => a.status),
      [201, 201, 201],
    );
    assert.equal(answers.filter((a) => a.headers.get('idempotent-replayed') === 'true').length, 2);
    assert.equal(runs(), 1);
  });

  test('the owner renews its lease, so a long request is not taken for an interrupted one', async () => {
    const { call, runs } = app({ waitMs: 5_000, leaseMs: 300 }, undefined, 1_000);
    const key = freshKey();
    const first = call(key);
    await sleep(100);
    const second = await call(key);
    assert.equal(second.status, 201);
    assert.equal(second.headers.get('idempotent-replayed'), 'true');
    assert.equal((await first).status, 201);
    assert.equal(runs(), 1);
  });

  test('a repeat that waits too long gets 409 in progress with Retry-After, and the request is not run again', async () => {
    const { call, runs } = app({ waitMs: 200, leaseMs: 30_000 }, undefined, 800);
    const key = freshKey();
    const first = call(key);
    await sleep(50);
    const second = await call(key);
    assert.equal(second.status, 409);
    assert.equal(second.headers.get('retry-after'), '5');
    const body = (await second.json()) as { code: string; message: string };
    assert.equal(body.code, 'TESSERA_IDEMPOTENCY_IN_PROGRESS');
    assert.match(body.message, /still in progress .*retry later/);
    assert.equal((await first).status, 201);
    assert.equal(runs(), 1);
  });

  test('a claim whose lease lapsed (its replica died) is a 409 outcome unknown, never a second run', async () => {
    const { call, runs } = app(FAST);
    const key = freshKey();
    const stale = new Date(Date.now() - 60_000).toISOString();
    // The dead replica's claim on the same request: claimed a minute ago, never renewed since.
    const request_hash = hashRequest('POST', '/w/users', `?integrated_account_id=${ACCOUNT}`, JSON.stringify({ n: 1 }));
    const expires_at = new Date(Date.now() + 3_600_000).toISOString();
    const dead = await store.claimIdempotency({ key: `env-1:${key}:POST:/w/users`, request_hash, owner: 'gone/1', at: stale, expires_at });
    assert.equal(dead?.owner, 'gone/1');
    const res = await call(key);
    assert.equal(res.status, 409);
    const body = (await res.json()) as { code: string; message: string };
    assert.equal(body.code, 'TESSERA_IDEMPOTENCY_OUTCOME_UNKNOWN');
    assert.match(body.message, /was interrupted .*outcome is unknown.*new Idempotency-Key/);
    assert.equal(runs(), 0);
  });

  test('a 5xx after the provider may have been called is kept: a retry gets 409 outcome unknown', async () => {
    const { call, runs } = app(FAST, () => Response.json({ message: 'upstream timed out' }, { status: 504 }));
    const key = freshKey();
    assert.equal((await call(key)).status, 504);
    const retry = await call(key);
    assert.equal(retry.status, 409);
    const body = (await retry.json()) as { code: string; message: string };
    assert.equal(body.code, 'TESSERA_IDEMPOTENCY_OUTCOME_UNKNOWN');
    assert.match(body.message, /failed \(status 504\)/);
    assert.equal(runs(), 1);
  });

  test('a 429 releases the claim: a retry with the same key runs again', async () => {
    let status = 429;
    const { call, runs } = app(FAST, () => Response.json({}, { status }));
    const key = freshKey();
    assert.equal((await call(key)).status, 429);
    status = 201;
    const retry = await call(key);
    assert.equal(retry.status, 201);
    assert.equal(retry.headers.get('idempotent-replayed'), null);
    assert.equal(runs(), 2);
  });

  test('a path too long for the key column is stored by its digest', async () => {
    const { call, runs } = app(FAST);
    const key = freshKey();
    const long = `/w/${'x'.repeat(600)}?integrated_account_id=${ACCOUNT}`;
    assert.equal((await call(key, { n: 1 }, long)).status, 201);
    assert.equal((await call(key, { n: 1 }, long)).headers.get('idempotent-replayed'), 'true');
    assert.equal(runs(), 1);
  });

  test('a 204 replays without a body', async () => {
    const { call } = app(FAST, () => new Response(null, { status: 204 }));
    const key = freshKey();
    assert.equal((await call(key)).status, 204);
    const again = await call(key);
    assert.equal(again.status, 204);
    assert.equal(again.headers.get('idempotent-replayed'), 'true');
  });
});
