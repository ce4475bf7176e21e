/**
 * 500 concurrent connections, for `npm run bench`: does every one get an answer?
 *
 * Starts the Neon simulator (its own process, rate limits off) and a real `tessera serve` (its
 * own process, SQLite in a temp dir, Tessera's rate limits off), connects an account, then opens
 * BENCH_CONNECTIONS (default 500) raw TCP connections at once, each sending one unified users
 * list with `Connection: close`, and waits up to 30 s. Reported: answered, 200s, 503s (the
 * overload answer, with Retry-After), other statuses, unanswered (no status line before the
 * deadline, or the socket closed or reset without one), p50/p99 latency of the answers, wall time.
 *
 * Run twice: with Tessera's connection settings (the defaults of docs/deploy.md), and with the
 * concurrency limit off and Node's own server timeouts, the configuration before they existed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_NEON_BIG_ORG_ID, DEFAULT_NEON_EXTRA_KEYS } from '../src/providers/neon/simulator/default-seed.ts';
import { bootstrapToken, freePort, spawnTessera } from '../test/ops/process.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface StormResult {
  connections: number;
  answered: number;
  /** Count per status code. */
  statuses: Record<number, number>;
  /** Answers with a status of 503 that carried a Retry-After header. */
  retryAfter503: number;
  unanswered: number;
  /** Why the unanswered ones ended: `deadline`, `closed`, `reset`, `refused`… */
  unansweredWhy: Record<string, number>;
  p50: number;
  p99: number;
  wallMs: number;
}

interface OneAnswer {
  status?: number;
  retryAfter?: boolean;
  ms: number;
  why?: string;
}

/** One connection, one request, `Connection: close`: the status line and headers, or why none came. */
function oneRequest(port: number, request: string, deadlineAt: number): Promise<OneAnswer> {
  const started = performance.now();
  return new Promise((resolve) => {
    let head = '';
    let settled = false;
    const socket = net.connect(port, '127.0.0.1');
    const finish = (answer: Omit<OneAnswer, 'ms'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...answer, ms: performance.now() - started });
    };
    const timer = setTimeout(() => finish({ why: 'deadline' }), Math.max(0, deadlineAt - performance.now()));
    socket.setNoDelay(true);
    socket.once('connect', () => socket.write(request));
    socket.on('data', (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const lines = head.slice(0, end).split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0])?.[1]);
      if (!status) return finish({ why: 'garbled' });
      // The answer is counted once its head is in; the body is not waited for.
      finish({ status, retryAfter: lines.some((l) => /^retry-after:\s*\d+/i.test(l)) });
    });
    socket.once('error', (e: NodeJS.ErrnoException) =>
      finish({ why: e.code === 'ECONNRESET' ? 'reset' : e.code === 'ECONNREFUSED' ? 'refused' : (e.code ?? 'error') }),
    );
    socket.once('close', () => finish({ why: 'closed' }));
  });
}

/** `connections` sockets opened at once against `url`, each sending GET `pathAndQuery`. */
export async function storm(
  url: string,
  pathAndQuery: string,
  headers: Record<string, string>,
  connections: number,
  deadlineMs = 30_000,
  /** Called with each status as it arrives (tests count the early ones). */
  onAnswer?: (status: number) => void,
): Promise<StormResult> {
  const { port, host } = new URL(url);
  const request = [`GET ${pathAndQuery} HTTP/1.1`, `host: ${host}`, ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`), 'connection: close', '', ''].join(
    '\r\n',
  );
  const started = performance.now();
  const deadlineAt = started + deadlineMs;
  const answers = await Promise.all(
    Array.from({ length: connections }, async () => {
      const answer = await oneRequest(Number(port), request, deadlineAt);
      if (answer.status) onAnswer?.(answer.status);
      return answer;
    }),
  );
  const wallMs = performance.now() - started;
  const statuses: Record<number, number> = {};
  const unansweredWhy: Record<string, number> = {};
  const latencies: number[] = [];
  let retryAfter503 = 0;
  for (const a of answers) {
    if (a.status) {
      statuses[a.status] = (statuses[a.status] ?? 0) + 1;
      if (a.status === 503 && a.retryAfter) retryAfter503++;
      latencies.push(a.ms);
    } else unansweredWhy[a.why!] = (unansweredWhy[a.why!] ?? 0) + 1;
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] : NaN);
  return {
    connections,
    answered: latencies.length,
    statuses,
    retryAfter503,
    unanswered: connections - latencies.length,
    unansweredWhy,
    p50: at(0.5),
    p99: at(0.99),
    wallMs,
  };
}

/** The Neon simulator in a process of its own (rate limits off), so it does not share a CPU queue with the clients. */
async function startNeonSimulator(): Promise<{ baseUrl: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/simulator-kit/cli.ts', 'neon', '--port', String(port), '--no-rate-limit', '--quiet'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening: (\S+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the Neon simulator exited (${code})`)));
  });
  return { baseUrl, child };
}

/** One run: a fresh Tessera with `env`, one account, the storm. */
export async function runConnections(connections: number, env: Record<string, string>, simulatorUrl: string): Promise<StormResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-conn-'));
  const base = {
    TESSERA_DATA_DIR: dataDir,
    TESSERA_LOG_LEVEL: 'warn',
    TESSERA_UPSTREAM_ALLOW: '127.0.0.1',
    TESSERA_RATE_LIMIT_TOKEN: '0',
    TESSERA_RATE_LIMIT_ACCOUNT: '0',
  };
  const token = await bootstrapToken(dataDir, base);
  const tessera = await spawnTessera('serve', { ...base, ...env });
  try {
    // Logs are at warn: the start is seen on /health.
    for (let ok = false; !ok;) {
      if (tessera.child.exitCode !== null) throw new Error(`tessera exited: ${tessera.stderr()}`);
      ok = await fetch(`${tessera.url}/health`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (!ok) await new Promise((r) => setTimeout(r, 50));
    }
    const headers = { authorization: `Bearer ${token}` };
    const created = await fetch(`${tessera.url}/integrated-account`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        tenant_id: 'bench',
        integration: 'neon',
        context: { api_key: DEFAULT_NEON_EXTRA_KEYS.bigOrg, org_id: DEFAULT_NEON_BIG_ORG_ID },
        integration_override: { base_url: simulatorUrl },
      }),
    });
    if (created.status !== 200) throw new Error(`creating the bench account failed: ${created.status} ${await created.text()}`);
    const account = ((await created.json()) as { id: string }).id;
    const list = `/unified/usage-metering/users?integrated_account_id=${account}&limit=${process.env.BENCH_CONNECTIONS_PAGE ?? 100}`;
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${tessera.url}${list}`, { headers });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`warm-up request failed with ${res.status}`);
    }
    return await storm(tessera.url, list, headers, connections);
  } finally {
    await tessera.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

function describe(r: StormResult): string {
  const other = Object.entries(r.statuses)
    .filter(([s]) => s !== '200' && s !== '503')
    .map(([s, n]) => `${s}×${n}`)
    .join(' ');
  const why = Object.entries(r.unansweredWhy)
    .map(([w, n]) => `${w} ${n}`)
    .join(', ');
  const ms = (n: number) => (Number.isNaN(n) ? '   -' : n.toFixed(0)).padStart(7);
  return (
    `${String(r.answered).padStart(9)}${String(r.statuses[200] ?? 0).padStart(7)}${String(r.statuses[503] ?? 0).padStart(7)}` +
    `${String(r.unanswered).padStart(12)}${ms(r.p50)}${ms(r.p99)}${(r.wallMs / 1000).toFixed(1).padStart(8)} s` +
    `${other ? `   other: ${other}` : ''}${why ? `   unanswered: ${why}` : ''}${r.statuses[503] ? `   (${r.retryAfter503} with Retry-After)` : ''}`
  );
}

/** The bench row: BENCH_CONNECTIONS concurrent connections, with the defaults and with the limits off. */
export async function connectionsBench(): Promise<void> {
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 500);
  const simulator = await startNeonSimulator();
  try {
    console.log(`\n${connections} concurrent connections, one unified users list each, 30 s deadline; latency in ms`);
    console.log(`${''.padEnd(34)}answered    200    503  unanswered    p50    p99    wall`);
    const runs: [string, Record<string, string>][] = [
      ['tessera defaults', {}],
      // What the server did before these settings existed: no admission limit, Node's own timeouts.
      [
        'no limit, Node timeouts (before)',
        {
          TESSERA_MAX_CONCURRENT_REQUESTS: '0',
          TESSERA_HEADERS_TIMEOUT_MS: '60000',
          TESSERA_REQUEST_TIMEOUT_MS: '300000',
          TESSERA_KEEP_ALIVE_TIMEOUT_MS: '5000',
        },
      ],
    ];
    for (const [name, env] of runs) console.log(`${name.padEnd(34)}${describe(await runConnections(connections, env, simulator.baseUrl))}`);
  } finally {
    simulator.child.kill('SIGTERM');
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await connectionsBench();
