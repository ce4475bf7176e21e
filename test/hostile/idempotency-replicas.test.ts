import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SecretBox } from '../../src/store/secret-box.ts';
import { startCustomStack, type CustomStack } from '../helpers/custom-stack.ts';
import { hostileStores } from './stores.ts';

/**
 * Replicas (Tessera processes on one database) given the same Idempotency-Key: the write reaches
 * the provider once, whichever replica each attempt lands on, and a write whose replica was
 * killed mid-flight is reported as of unknown outcome instead of being run again. Also: the
 * letter case of an account id does not open a second per-account rate-limit window.
 *
 * Two in-process servers plus one child process (the one that gets SIGKILLed) share SQLite (one
 * file, WAL) or a Postgres schema, in front of one loopback stub that counts writes.
 */
const ROOT = path.join(import.meta.dirname, '../..');
const CATALOG = path.join(ROOT, 'test/fixtures/vocab/catalog');
const RATE_LIMIT = 5;

/** The provider: every POST is a write, answered after 500 ms; POST /hang never answers. */
async function startProvider() {
  const writes: { path: string; body: string }[] = [];
  let arrived: (() => void) | undefined;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method !== 'POST') return res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      writes.push({ path: req.url!, body });
      if (req.url!.startsWith('/hang')) return arrived?.();
      setTimeout(() => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ id: writes.length, body: JSON.parse(body) })), 500);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    writes,
    /** Resolves when the next POST /hang has reached the provider. */
    nextHang: () => new Promise<void>((resolve) => (arrived = resolve)),
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

/** A replica in a process of its own, so it can be killed for real. */
async function startChildReplica(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const script = `
    const load = (p) => import(${JSON.stringify(ROOT)} + p);
    const { loadConfig } = await load('/src/config.ts');
    const { createLogger } = await load('/src/logger.ts');
    const { loadCatalog } = await load('/src/integrations/catalog.ts');
    const { createAppServices } = await load('/src/services/app-services.ts');
    const { startHttpServer } = await load('/src/http/server.ts');
    const config = loadConfig(process.env);
    const services = await createAppServices(config, createLogger('silent'), loadCatalog(${JSON.stringify(CATALOG)}));
    const server = await startHttpServer(services, 0, '127.0.0.1');
    process.stdout.write(JSON.stringify({ url: server.url }) + '\\n');`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { ...process.env, ...env, PORT: '0', TESSERA_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve((JSON.parse(out.split('\n')[0]) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`the child replica exited (${code}) before listening`)));
  });
  return { url, child };
}

for (const store of await hostileStores()) {
  describe(`an Idempotency-Key write runs once across replicas (${store.name})`, { skip: store.env ? false : 'no Postgres reachable' }, () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-replicas-'));
    const env: Record<string, string> = {
      ...store.env,
      ...(store.name === 'sqlite' ? { TESSERA_DATA_DIR: dataDir } : {}),
      TESSERA_ENCRYPTION_KEY: SecretBox.generateKey(),
      // Loopback stubs are the provider here (an egress policy would refuse them otherwise).
      TESSERA_UPSTREAM_ALLOW: '127.0.0.1',
      TESSERA_IDEMPOTENCY_LEASE_S: '2',
      TESSERA_RATE_LIMIT_ACCOUNT: String(RATE_LIMIT),
      TESSERA_RATE_LIMIT_WINDOW_S: '600',
    };
    let provider: Awaited<ReturnType<typeof startProvider>>;
    let a: CustomStack;
    let b: CustomStack;
    let child: ChildProcess | undefined;

    const newAccount = async () => {
      const res = await a.api('/integrated-account', {
        method: 'POST',
        body: JSON.stringify({ tenant_id: 't', integration: 'vocab', context: { api_key: 'k-1' }, integration_override: { base_url: provider.url } }),
      });
      assert.equal(res.status, 200, await res.clone().text());
      return ((await res.json()) as { id: string }).id;
    };
    const write = (replica: { apiUrl: string; token: string }, account: string, key: string, body: unknown, upstreamPath = 'things') =>
      fetch(`${replica.apiUrl}/custom/${upstreamPath}?integrated_account_id=${account}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${replica.token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify(body),
      });

    before(async () => {
      provider = await startProvider();
      // One after the other: the first creates the schema, the environment and the token store.
      a = await startCustomStack(CATALOG, env);
      b = await startCustomStack(CATALOG, env);
      assert.equal(a.environmentId, b.environmentId, 'both replicas serve the same environment');
    });
    after(async () => {
      child?.kill('SIGKILL');
      await a?.close();
      await b?.close();
      await provider?.close();
      await store.cleanup();
      fs.rmSync(dataDir, { recursive: true, force: true });
    });

    test('the same key sent to both replicas at once: one write upstream, the same answer twice', async () => {
      const account = await newAccount();
      const before = provider.writes.length;
      const [ra, rb] = await Promise.all([write(a, account, 'order-1', { qty: 1 }), write(b, account, 'order-1', { qty: 1 })]);
      assert.equal(provider.writes.length - before, 1, 'the provider saw exactly one write');
      assert.equal(ra.status, 201);
      assert.equal(rb.status, ra.status);
      assert.equal(await rb.text(), await ra.text());
      assert.deepEqual([ra.headers.get('idempotent-replayed'), rb.headers.get('idempotent-replayed')].sort(), ['true', null].sort());

      // The key is (environment, key, method, path): the account id's case in the query is the same request.
      const upper = await fetch(`${b.apiUrl}/custom/things?integrated_account_id=${account.toUpperCase()}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${b.token}`, 'content-type': 'application/json', 'idempotency-key': 'order-1' },
        body: JSON.stringify({ qty: 1 }),
      });
      assert.equal(upper.status, 201);
      assert.equal(upper.headers.get('idempotent-replayed'), 'true');
      assert.equal(provider.writes.length - before, 1);
    });

    test('the same key with another body on the other replica is a 409, and nothing is written', async () => {
      const account = await newAccount();
      assert.equal((await write(a, account, 'order-2', { qty: 1 })).status, 201);
      const before = provider.writes.length;
      const res = await write(b, account, 'order-2', { qty: 2 });
      assert.equal(res.status, 409);
      const body = (await res.json()) as { code: string; message: string };
      assert.equal(body.code, 'TESSERA_CONFLICT');
      assert.equal(body.message, 'Idempotency-Key reused with a different request');
      assert.equal(provider.writes.length, before);
    });

    test('a replica killed mid-write: the retry on another replica is a 409 "interrupted, outcome unknown", never a second write', async () => {
      const account = await newAccount();
      const killed = await startChildReplica(env);
      child = killed.child;
      const arrived = provider.nextHang();
      const inFlight = write({ apiUrl: killed.url, token: a.token }, account, 'order-3', { qty: 3 }, 'hang').catch((e: Error) => e);
      await arrived;
      killed.child.kill('SIGKILL');
      assert.ok((await inFlight) instanceof Error, 'the client of the killed replica lost its connection');
      const before = provider.writes.length;

      const started = Date.now();
      const retry = await write(b, account, 'order-3', { qty: 3 }, 'hang');
      assert.equal(retry.status, 409);
      const body = (await retry.json()) as { code: string; message: string };
      assert.equal(body.code, 'TESSERA_IDEMPOTENCY_OUTCOME_UNKNOWN');
      assert.match(body.message, /was interrupted.*outcome is unknown.*new Idempotency-Key/);
      assert.ok(Date.now() - started < 10_000, 'answered once the 2 s lease lapsed, not after the 30 s wait');
      assert.equal(provider.writes.length, before, 'the retry did not write again');
      assert.equal(provider.writes.filter((w) => w.path.startsWith('/hang')).length, 1);
    });

    test('the per-account rate limit counts an upper-case account id as the same account', async () => {
      const account = await newAccount();
      const spellings = [account, account.toUpperCase(), account, `${account.slice(0, 8).toUpperCase()}${account.slice(8)}`, account.toUpperCase()];
      for (const id of spellings) {
        const res = await a.api(`/custom/ping?integrated_account_id=${id}`);
        assert.equal(res.status, 200, `${id}: ${await res.text()}`);
        assert.equal(res.headers.get('ratelimit-limit'), String(RATE_LIMIT));
      }
      const over = await a.api(`/custom/ping?integrated_account_id=${account.toUpperCase()}`);
      assert.equal(over.status, 429);
      assert.match(((await over.json()) as { message: string }).message, /per integrated account/);
      const encodedName = await a.api(`/unified/usage-metering/users?integrated%5Faccount%5Fid=${account.toUpperCase()}`);
      assert.equal(encodedName.status, 429, 'another spelling of the parameter name is the same account too');
    });
  });
}
