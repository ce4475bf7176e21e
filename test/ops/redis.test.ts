import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { bootstrapToken, closedPort, spawnTessera, type TesseraProcess } from './process.ts';

/**
 * Redis carries only the rate-limit counters, so it must never stall or stop a replica: with it
 * down, Tessera starts, answers at full speed with the limits counted in memory, and /ready says
 * so without taking the replica out of rotation. With it up, replicas share one window.
 */
async function serve(dataDir: string, env: Record<string, string>): Promise<TesseraProcess> {
  const run = await spawnTessera('serve', { ...env, TESSERA_DATA_DIR: dataDir });
  await run.waitFor(/Tessera listening/);
  return run;
}

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-ops-redis-'));

test('Redis down: the replica starts, 20 requests each answer in < 300 ms, /ready is 200 with redis degraded, one log line', async () => {
  const dataDir = tempDir();
  const env = { TESSERA_REDIS_URL: `redis://127.0.0.1:${await closedPort()}` };
  const token = await bootstrapToken(dataDir, env);
  const run = await serve(dataDir, env);
  try {
    const latencies: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      const res = await fetch(`${run.url}/integration`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      latencies.push(performance.now() - started);
      assert.equal(res.status, 200);
      assert.ok(res.headers.get('ratelimit-limit'), 'the limits still apply, counted in memory');
    }
    const worst = Math.max(...latencies);
    assert.ok(worst < 300, `slowest request ${Math.round(worst)} ms`);
    console.log(`# Redis down: 20 requests, median ${Math.round(latencies.sort((a, b) => a - b)[10])} ms, slowest ${Math.round(worst)} ms`);

    const ready = await fetch(`${run.url}/ready`);
    const body = (await ready.json()) as { status: string; checks: Record<string, string> };
    assert.equal(ready.status, 200, JSON.stringify(body));
    assert.equal(body.status, 'ready');
    assert.match(body.checks.redis, /^unavailable \(limits in memory\)/);
    assert.equal(body.checks.database, 'ok');
    assert.equal(body.checks.encryption_key, 'ok');
    assert.equal(run.stderr().match(/Redis \(TESSERA_REDIS_URL\) unavailable/g)?.length, 1, 'one line per outage, not per request');
  } finally {
    await run.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});

const redisUrl = process.env.TESSERA_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisUp = await new Promise<boolean>((resolve) => {
  const { hostname, port } = new URL(redisUrl);
  const socket = net.connect(Number(port || 6379), hostname);
  socket.once('connect', () => (socket.destroy(), resolve(true)));
  socket.once('error', () => resolve(false));
});

test('Redis up: two replicas share one window per token', { skip: redisUp ? false : `no Redis at ${redisUrl}` }, async () => {
  const dataDir = tempDir();
  const env = { TESSERA_REDIS_URL: redisUrl, TESSERA_RATE_LIMIT_TOKEN: '5', TESSERA_RATE_LIMIT_WINDOW_S: '60' };
  const token = await bootstrapToken(dataDir, env);
  const a = await serve(dataDir, env);
  const b = await serve(dataDir, env);
  try {
    for (const replica of [a, b]) {
      // The connection to Redis is made in the background; wait until /ready sees it.
      let redis = '';
      for (let i = 0; i < 50 && redis !== 'ok'; i++) {
        redis = ((await (await fetch(`${replica.url}/ready`)).json()) as { checks: Record<string, string> }).checks.redis;
        if (redis !== 'ok') await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(redis, 'ok');
    }
    const statuses: number[] = [];
    for (const replica of [a, b, a, b, a, b]) {
      const res = await fetch(`${replica.url}/integration`, { headers: { authorization: `Bearer ${token}` } });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429], 'the sixth request in the window is over the shared limit of 5');
  } finally {
    await a.cleanup();
    await b.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
