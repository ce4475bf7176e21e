import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import pg from 'pg';
import { startStub, type Stub } from '../hostile/stub-upstream.ts';
import { bootstrapToken, spawnTessera, type TesseraProcess } from './process.ts';

/**
 * Two replicas as operators run them (`tessera serve` processes) on one PostgreSQL and one Redis,
 * in front of a provider stub that counts the writes it receives. Load goes to both; then one is
 * killed with SIGKILL while three writes it started are still at the provider, and everything is
 * retried on the survivor with the same Idempotency-Keys. What must hold:
 *   - the survivor serves everything sent to it afterwards (no 5xx, every account readable);
 *   - the shared per-account limit holds across both replicas, before and after the kill;
 *   - no write ran twice, by the provider's own count: finished writes replay, the interrupted
 *     ones answer 409 TESSERA_IDEMPOTENCY_OUTCOME_UNKNOWN;
 *   - no account and no idempotency record made before the kill is lost.
 *
 * Each run has a Postgres schema of its own (dropped at the end) and its own token and account
 * ids, which are the Redis keys, so parallel runs do not meet. Skipped without Postgres or Redis.
 */
const PG_URL = process.env.TESSERA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.TESSERA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LIMIT = 12; // per integrated account, one 600 s window for the whole test
const WRITE_ACCOUNTS = 4;

const schema = `tessera_replicas_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
const reachable = async (url: string, defaultPort: number) => {
  const { hostname, port } = new URL(url);
  return new Promise<boolean>((resolve) => {
    const socket = net.connect(Number(port || defaultPort), hostname);
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
};
const skip = !(await reachable(PG_URL, 5432)) ? `no Postgres at ${PG_URL}` : !(await reachable(REDIS_URL, 6379)) ? `no Redis at ${REDIS_URL}` : false;

let provider: Stub;
let dataDir: string;
let token: string;
let a: TesseraProcess;
let b: TesseraProcess;
/** POSTs to /hang reach the provider and are never answered: writes in flight when a replica dies. */
const hangArrived: (() => void)[] = [];

before(
  async () => {
    if (skip) return;
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`CREATE SCHEMA ${schema}`);
    await client.end();
    provider = await startStub(async (req, res) => {
      if (req.method === 'GET') return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ id: 'org-1', data: [] }));
      if (req.url.startsWith('/hang')) return hangArrived.shift()?.();
      // A write takes a moment, so some are in progress on both replicas at once.
      await new Promise((r) => setTimeout(r, 100));
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ created: JSON.parse(req.body) }));
    });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-ops-replicas-'));
    const env = {
      TESSERA_DATA_DIR: dataDir,
      TESSERA_DATABASE_URL: `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}options=${encodeURIComponent(`-c search_path=${schema}`)}`,
      TESSERA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      TESSERA_REDIS_URL: REDIS_URL,
      TESSERA_UPSTREAM_ALLOW: '127.0.0.1',
      TESSERA_RATE_LIMIT_ACCOUNT: String(LIMIT),
      TESSERA_RATE_LIMIT_TOKEN: '0',
      TESSERA_RATE_LIMIT_WINDOW_S: '600',
      TESSERA_IDEMPOTENCY_LEASE_S: '2',
      TESSERA_LOG_LEVEL: 'warn',
    };
    token = await bootstrapToken(dataDir, env);
    [a, b] = await Promise.all([spawnTessera('serve', env), spawnTessera('serve', env)]);
    for (const replica of [a, b]) {
      // Started when /ready says so, Redis included (the connection is made in the background).
      for (let redis = ''; redis !== 'ok';) {
        const body = await fetch(`${replica.url}/ready`).then(
          async (r) => (await r.json()) as { checks?: Record<string, string> },
          () => ({ checks: undefined }),
        );
        redis = body.checks?.redis ?? '';
        if (replica.child.exitCode !== null) throw new Error(`a replica exited: ${replica.stderr()}`);
        if (redis !== 'ok') await new Promise((r) => setTimeout(r, 100));
      }
    }
  },
  // Three processes start on a busy machine: tsx compiles each one.
  { timeout: 150_000 },
);

after(async () => {
  if (skip) return;
  await a?.cleanup();
  await b?.cleanup();
  await provider?.close();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

const headers = () => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
const call = (replica: TesseraProcess, p: string, init: RequestInit = {}) =>
  fetch(`${replica.url}${p}`, { ...init, headers: { ...headers(), ...(init.headers as Record<string, string>) } });

async function createAccount(replica: TesseraProcess): Promise<string> {
  const res = await call(replica, '/integrated-account', {
    method: 'POST',
    body: JSON.stringify({
      tenant_id: 'replicas',
      integration: 'neon',
      context: { api_key: 'k-1', org_id: 'org-1' },
      integration_override: { base_url: provider.origin },
    }),
  });
  const body = (await res.json()) as { id: string };
  assert.equal(res.status, 200, JSON.stringify(body));
  return body.id;
}

function write(replica: TesseraProcess, account: string, key: string, upstreamPath = 'orders') {
  return call(replica, `/custom/${upstreamPath}?integrated_account_id=${account}`, {
    method: 'POST',
    headers: { 'idempotency-key': key },
    body: JSON.stringify({ key }),
  });
}

/** How many POSTs carrying each key's body the provider received. */
function writesByKey(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of provider.requests) {
    if (r.method !== 'POST') continue;
    const { key } = JSON.parse(r.body) as { key: string };
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * Exactly LIMIT of the requests on the limited account were let through, by the two replicas
 * together. The one documented exception (README, TESSERA_REDIS_URL): a Redis call that takes
 * over 200 ms is counted in the replica's memory instead, so a replica starved of CPU can let a
 * few more through. It logs that it did; then each replica can have let through at most the
 * limit on its own, which is what is checked (and the run says so in a diagnostic line).
 */
function assertSharedLimit(t: TestContext, statuses: number[]) {
  const accepted = statuses.filter((s) => s === 200).length;
  const fellBack = [a, b].filter((r) => /Redis \(TESSERA_REDIS_URL\) unavailable/.test(r.stderr())).length;
  if (fellBack === 0) {
    assert.equal(accepted, LIMIT, `the shared limit of ${LIMIT} across both replicas: ${statuses.join(',')}`);
    assert.equal(statuses.filter((s) => s === 429).length, statuses.length - LIMIT);
  } else {
    t.diagnostic(`${fellBack} replica(s) counted in memory for a while (Redis slower than 200 ms on this busy machine): ${accepted} accepted`);
    assert.ok(accepted <= LIMIT * (1 + fellBack), `at most the limit per window counted: ${statuses.join(',')}`);
  }
}

test(
  'two replicas on one Postgres and Redis; one is SIGKILLed mid-write: the other serves everything, limits hold, no write runs twice, nothing is lost',
  { skip, timeout: 150_000 },
  async (t) => {
    // Accounts made on both replicas.
    const limited = await createAccount(a);
    const accounts = await Promise.all(Array.from({ length: WRITE_ACCOUNTS }, (_, i) => createAccount(i % 2 ? b : a)));

    // Load on both at once: writes with keys (two per account, one per replica) and reads on the limited account.
    const written = accounts.flatMap((account, i) => [`w-${i}-a`, `w-${i}-b`].map((key, j) => ({ account, key, replica: j ? b : a })));
    const reads = Array.from({ length: 2 * LIMIT }, (_, i) => call(i % 2 ? b : a, `/custom/items?integrated_account_id=${limited}`).then((r) => r.status));
    const writes = written.map((w) => write(w.replica, w.account, w.key).then(async (r) => ({ status: r.status, body: await r.text() })));
    const [readStatuses, writeAnswers] = await Promise.all([Promise.all(reads), Promise.all(writes)]);
    assert.deepEqual(
      writeAnswers.map((w) => w.status),
      written.map(() => 201),
    );
    assertSharedLimit(t, readStatuses);

    // Three writes reach the provider through replica A and stay there; then A is killed.
    const inFlightKeys = ['hang-1', 'hang-2', 'hang-3'];
    const arrived = inFlightKeys.map(() => new Promise<void>((resolve) => hangArrived.push(resolve)));
    const lost = inFlightKeys.map((key, i) =>
      write(a, accounts[i], key, 'hang').then(
        (r) => r.status,
        () => 'connection lost',
      ),
    );
    await Promise.all(arrived);
    a.child.kill('SIGKILL');
    assert.notEqual(await a.exited, 0);
    assert.deepEqual(await Promise.all(lost), ['connection lost', 'connection lost', 'connection lost']);
    const beforeRetries = new Map(writesByKey());

    // The survivor: every account made before the kill, on either replica, is there.
    for (const id of [limited, ...accounts]) {
      const res = await call(b, `/integrated-account/${id}`);
      assert.equal(res.status, 200, `account ${id}: ${await res.text()}`);
    }
    // Every finished write, retried on B (half of them were first sent to A): replayed, not rerun.
    const retried = await Promise.all(
      written.map((w) =>
        write(b, w.account, w.key).then(async (r) => ({ status: r.status, replayed: r.headers.get('idempotent-replayed'), body: await r.text() })),
      ),
    );
    for (const [i, r] of retried.entries()) {
      assert.equal(r.status, 201, `${written[i].key}: ${r.body}`);
      assert.equal(r.replayed, 'true', written[i].key);
      assert.equal(r.body, writeAnswers[i].body, 'the same answer as the first time');
    }
    // The interrupted ones: outcome unknown, and never sent again.
    const unknown = await Promise.all(
      inFlightKeys.map((key, i) => write(b, accounts[i], key, 'hang').then(async (r) => ({ status: r.status, body: (await r.json()) as { code: string } }))),
    );
    for (const u of unknown) {
      assert.equal(u.status, 409, JSON.stringify(u.body));
      assert.equal(u.body.code, 'TESSERA_IDEMPOTENCY_OUTCOME_UNKNOWN');
    }
    // New work on the survivor: new writes run once, and the shared window still counts A's hits.
    const fresh = await Promise.all(accounts.map((account, i) => write(b, account, `after-${i}`).then((r) => r.status)));
    assert.deepEqual(
      fresh,
      accounts.map(() => 201),
    );
    const over = await call(b, `/custom/items?integrated_account_id=${limited}`);
    assert.equal(over.status, 429, 'the limited account stays over its limit on the survivor');
    const listed = await call(b, '/integrated-account?tenant_id=replicas');
    const ids = ((await listed.json()) as { result: { id: string }[] }).result.map((r) => r.id);
    assert.deepEqual(new Set(ids), new Set([limited, ...accounts]));

    // By the provider's count: every key written exactly once, the interrupted ones included.
    const counts = writesByKey();
    assert.deepEqual(counts, new Map([...beforeRetries, ...accounts.map((_, i): [string, number] => [`after-${i}`, 1])]), 'no retry reached the provider');
    for (const [key, n] of counts) assert.equal(n, 1, `${key} reached the provider ${n} times`);
    assert.equal(counts.size, written.length + inFlightKeys.length + accounts.length);
    assert.ok(!/"level":(50|60)/.test(b.stderr()), `the survivor logged no error:\n${b.stderr()}`);
  },
);
