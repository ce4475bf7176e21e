/**
 * Cold start of the compiled server, for `npm run bench`: builds into a throwaway folder beside
 * dist/ (scripts/build.ts), prepares one data dir (an API token from `bootstrap` and a Neon account
 * pointed at the bench's simulator), then spawns `node <build>/main.js serve` on a fresh copy of it
 * several times, timing spawn → first 200 of GET /health and spawn → first 200 of a unified user
 * get (which loads the catalog, opens the account, calls the simulator and maps the answer), and
 * reads the process's RSS at rest 2 s later. `tsx src/main.ts serve` is timed the same way as the
 * baseline it replaces.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from '../scripts/build.ts';
import { freePort } from '../test/ops/process.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 5;

/** Where the Neon simulator the spawned servers call is, and who to ask it for. */
export interface ColdStartUpstream {
  neonOrigin: string;
  apiKey: string;
  orgId: string;
}

interface Prepared {
  dataDir: string;
  token: string;
  getPath: string;
  env: Record<string, string>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `url` answers 200 (a refused connection: not listening yet); the ms since `since`. */
async function firstOk(url: string, init: RequestInit, since: number, child: { exitCode: number | null }): Promise<number> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} before ${url} answered`);
    const res = await fetch(url, init).catch(() => undefined);
    if (res) {
      const text = await res.text();
      if (res.status === 200) return performance.now() - since;
      throw new Error(`${url} answered ${res.status}: ${text.slice(0, 300)}`);
    }
    await sleep(5);
  }
}

function spawnServer(command: string, args: string[], dataDir: string, port: number, env: Record<string, string>) {
  return spawn(command, args, {
    cwd: ROOT,
    stdio: 'ignore',
    env: { ...process.env, ...env, TESSERA_DATA_DIR: dataDir, PORT: String(port), TESSERA_LOG_LEVEL: 'warn' },
  });
}

async function stop(child: ReturnType<typeof spawn>): Promise<void> {
  child.kill('SIGTERM');
  await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
}

/** A data dir with a token and one account, made once by the compiled server and copied per run. */
async function prepare(out: string, upstream: ColdStartUpstream): Promise<Prepared> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-cold-template-'));
  const env = { TESSERA_UPSTREAM_ALLOW: new URL(upstream.neonOrigin).host };
  const boot = spawn(process.execPath, [path.join(out, 'main.js'), 'bootstrap'], { cwd: ROOT, env: { ...process.env, ...env, TESSERA_DATA_DIR: dataDir } });
  let text = '';
  boot.stdout.on('data', (d: Buffer) => (text += d));
  const code = await new Promise((r) => boot.once('exit', r));
  const token = /token: (\S+)/.exec(text)?.[1];
  if (code !== 0 || !token) throw new Error(`bootstrap failed (${code}): ${text}`);
  const members = (await (
    await fetch(`${upstream.neonOrigin}/organizations/${upstream.orgId}/members?limit=1`, { headers: { authorization: `Bearer ${upstream.apiKey}` } })
  ).json()) as { members: { member: { id: string } }[] };
  const port = await freePort();
  const server = spawnServer(process.execPath, [path.join(out, 'main.js'), 'serve'], dataDir, port, env);
  try {
    const auth = { authorization: `Bearer ${token}` };
    await firstOk(`http://127.0.0.1:${port}/health`, {}, 0, server);
    const created = await fetch(`http://127.0.0.1:${port}/integrated-account`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({
        tenant_id: 'bench-cold',
        integration: 'neon',
        context: { api_key: upstream.apiKey, org_id: upstream.orgId },
        integration_override: { base_url: upstream.neonOrigin },
      }),
    });
    if (created.status !== 200) throw new Error(`creating the cold-start account failed: ${created.status} ${await created.text()}`);
    const account = ((await created.json()) as { id: string }).id;
    return { dataDir, token, env, getPath: `/unified/usage-metering/users/${members.members[0].member.id}?integrated_account_id=${account}` };
  } finally {
    await stop(server);
  }
}

/** One start on a copy of the prepared data dir: ms to /health, ms to the unified get, RSS at rest. */
async function startOnce(command: string, args: string[], prepared: Prepared): Promise<{ health: number; get: number; rssMiB: number }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-cold-'));
  fs.cpSync(prepared.dataDir, dataDir, { recursive: true });
  const port = await freePort();
  const started = performance.now();
  const child = spawnServer(command, args, dataDir, port, prepared.env);
  try {
    const health = await firstOk(`http://127.0.0.1:${port}/health`, {}, started, child);
    const get = await firstOk(`http://127.0.0.1:${port}${prepared.getPath}`, { headers: { authorization: `Bearer ${prepared.token}` } }, started, child);
    await sleep(2000);
    // The process that serves (tsx runs the server in a child of its own, so its RSS is not comparable).
    const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const rssMiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
    return { health, get, rssMiB };
  } finally {
    await stop(child);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function coldStart(upstream: ColdStartUpstream): Promise<void> {
  const out = path.join(ROOT, `.tessera-test-bench-${process.pid}`);
  let prepared: Prepared | undefined;
  try {
    build(out);
    prepared = await prepare(out, upstream);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const span = (xs: number[]) => `${median(xs).toFixed(0).padStart(6)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
    console.log(`\ncold start, ${RUNS} runs each, median (min–max): spawn → first 200 of GET /health, of a unified user get; RSS at rest`);
    const rows: [string, string, string[]][] = [
      ['node <build>/main.js serve', process.execPath, [path.join(out, 'main.js'), 'serve']],
      ['tsx src/main.ts serve (baseline)', path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['src/main.ts', 'serve']],
    ];
    for (const [name, command, args] of rows) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await startOnce(command, args, prepared));
      const rss = command === process.execPath ? `${median(runs.map((r) => r.rssMiB)).toFixed(0)} MiB` : '(launcher only)';
      console.log(`${name.padEnd(34)}health ${span(runs.map((r) => r.health))}   unified get ${span(runs.map((r) => r.get))}   rss ${rss}`);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
    if (prepared) fs.rmSync(prepared.dataDir, { recursive: true, force: true });
  }
}
