/**
 * Streaming over a very large list, for `npm run bench` (bench/run.ts wires it in): a stub Neon
 * upstream in a child process of its own serves an organisation of BENCH_STREAM_RECORDS members
 * (default 1,000,000), generated on the fly and paged like Neon (500 a page, a cursor in
 * `pagination.next`, no invitations); Tessera runs in another child process (`node --import tsx
 * src/main.ts serve`, a fresh SQLite data dir), so the RSS sampled from /proc/<pid>/status is
 * Tessera's alone. Timed: the unified users list with `truto_response_format=stream` (NDJSON) and
 * with `truto_ignore_limit=true` (one JSON document), both read to the end by this process, and
 * the stub alone (the same pages fetched straight from it) as the ceiling.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { build } from '../scripts/build.ts';
import { freePort } from '../test/ops/process.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ORG = 'org-bench-stream-00000001';
const KEY = 'bench-stream-key';

export interface StreamRun {
  name: string;
  records: number;
  seconds: number;
  recordsPerSecond: number;
  /** Tessera's peak RSS during the run (max of VmRSS samples every 20 ms), MiB; undefined for the stub alone. */
  peakRssMiB?: number;
  /** Tessera's RSS after one small list, before the measured one. */
  rssAtRestMiB?: number;
  status: number;
  /** The stream's error line or the envelope's error, when the run did not end cleanly. */
  error?: string;
}

export interface StreamFigures {
  members: number;
  /** How Tessera ran: `node <build>/main.js` or `tsx src/main.ts`. */
  launch: string;
  runs: StreamRun[];
}

/** The stub: plain JavaScript so it starts at once; members are derived from their index, nothing is stored. */
const STUB = String.raw`
import http from 'node:http';
const total = Number(process.env.STUB_MEMBERS);
const org = process.env.STUB_ORG;
const roles = ['member', 'editor', 'viewer', 'collaborator', 'admin'];
const hex = (n, w) => n.toString(16).padStart(w, '0');
// Written as text, not built and stringified: the stub must outrun what it measures.
function member(i) {
  const h = hex(i, 12);
  return '{"member":{"id":"00000000-0000-4000-8000-' + h + '","user_id":"10000000-0000-4000-8000-' + h + '","org_id":"' + org +
    '","role":"' + roles[i % 5] + '","joined_at":"' + new Date(1.7e12 - i * 60000).toISOString().slice(0, 19) + 'Z"},"user":{"email":"user' + i +
    '@bench.example","has_mfa":' + (i % 3 === 0) + (i % 50 === 7 ? ',"deactivated_at":"2025-03-01T10:00:00Z"' : '') + '}}';
}
const json = (res, status, body) => {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};
http.createServer((req, res) => {
  const url = new URL(req.url, 'http://stub');
  const parts = url.pathname.split('/').filter(Boolean);
  if (url.pathname === '/auth') return json(res, 200, { auth_method: 'api_key_org', account_id: org });
  if (parts[0] !== 'organizations' || parts[1] !== org) return json(res, 404, { message: 'not found' });
  if (parts.length === 2) return json(res, 200, { id: org, name: 'Bench org', handle: org });
  if (parts[2] === 'invitations') return json(res, 200, { invitations: [] });
  if (parts[2] === 'members' && parts.length === 3) {
    const limit = Math.min(500, Number(url.searchParams.get('limit') ?? 100));
    const start = Number(url.searchParams.get('cursor') ?? 0);
    const end = Math.min(total, start + limit);
    let text = '{"members":[';
    for (let i = start; i < end; i++) text += (i > start ? ',' : '') + member(i);
    text += '],"pagination":{' + (end < total ? '"next":"' + end + '",' : '') + '"sort_by":"joined_at","sort_order":"desc"}}';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    return res.end(text);
  }
  json(res, 404, { message: 'not found' });
}).listen(Number(process.env.STUB_PORT), '127.0.0.1', () => process.send?.('ready'));
`;

function startChild(args: string[], env: Record<string, string>, ipc = false): ChildProcess {
  return spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ipc ? ['ignore', 'ignore', 'inherit', 'ipc'] : ['ignore', 'pipe', 'inherit'],
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitOk(url: string, child: ChildProcess): Promise<void> {
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the child exited with ${child.exitCode} before ${url} answered`);
    const res = await fetch(url).catch(() => undefined);
    if (res?.status === 200) return void (await res.arrayBuffer());
    await sleep(50);
  }
}

function rssMiB(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
  } catch {
    return NaN;
  }
}

/** Reads a response to the end without keeping it: NDJSON lines or the array's records are counted, not parsed. */
async function drain(res: Response, kind: 'ndjson' | 'json'): Promise<{ records: number; error?: string }> {
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let records = 0;
  let tail = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    const text = decoder.decode(value, { stream: true });
    // Each record is one object with one "remote_data": counting that key counts records in both formats.
    const scan = tail + text;
    if (kind === 'ndjson') {
      for (let i = scan.indexOf('\n'); i >= 0; i = scan.indexOf('\n', i + 1)) records++;
    } else {
      for (let i = scan.indexOf('"remote_data"'); i >= 0; i = scan.indexOf('"remote_data"', i + 1)) records++;
    }
    tail = scan.slice(-300);
    if (kind === 'json') {
      // Do not count a key twice across the chunk boundary.
      const cut = tail.lastIndexOf('"remote_data"');
      if (cut >= 0) tail = tail.slice(cut + 1);
    } else tail = '';
  }
  const error = /"truto_stream_error"[^\n]*/.exec(tail)?.[0];
  if (kind === 'ndjson' && error) records--;
  return { records, error };
}

async function timed(name: string, url: string, headers: Record<string, string>, kind: 'ndjson' | 'json', pid?: number): Promise<StreamRun> {
  let peak = pid ? rssMiB(pid) : 0;
  const sampler = pid ? setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 20) : undefined;
  const started = performance.now();
  try {
    const res = await fetch(url, { headers });
    if (res.status !== 200) {
      const text = await res.text();
      return {
        name,
        records: 0,
        seconds: (performance.now() - started) / 1000,
        recordsPerSecond: 0,
        status: res.status,
        error: text.slice(0, 300),
        peakRssMiB: pid ? peak : undefined,
      };
    }
    const { records, error } = await drain(res, kind);
    const seconds = (performance.now() - started) / 1000;
    return { name, records, seconds, recordsPerSecond: records / seconds, status: res.status, error, peakRssMiB: pid ? peak : undefined };
  } finally {
    if (sampler) clearInterval(sampler);
    if (pid) peak = Math.max(peak, rssMiB(pid));
  }
}

/** The stub alone: every page fetched and parsed by this process, the ceiling Tessera is measured against. */
async function stubAlone(origin: string, members: number): Promise<StreamRun> {
  const started = performance.now();
  let records = 0;
  for (let cursor: string | undefined; ;) {
    const res = await fetch(`${origin}/organizations/${ORG}/members?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    const body = (await res.json()) as { members: unknown[]; pagination: { next?: string } };
    records += body.members.length;
    cursor = body.pagination.next;
    if (!cursor) break;
  }
  const seconds = (performance.now() - started) / 1000;
  if (records !== members) throw new Error(`the stub served ${records} members, not ${members}`);
  return { name: 'stub upstream alone (JSON pages of 500)', records, seconds, recordsPerSecond: records / seconds, status: 200 };
}

/** How Tessera is started: the compiled build (what production runs) or tsx over the sources. */
interface Launch {
  args: string[];
  label: string;
}

/** A fresh Tessera in a child process, with its token and a Neon account pointed at the stub. */
async function startTessera(stubOrigin: string, members: number, launch: Launch) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-bench-stream-'));
  const env = {
    TESSERA_DATA_DIR: dataDir,
    TESSERA_UPSTREAM_ALLOW: new URL(stubOrigin).host,
    TESSERA_LOG_LEVEL: 'warn',
    // The caps would end a million-record listing early; the bench measures the whole of it.
    TESSERA_IGNORE_LIMIT_MAX_RECORDS: String(members + 1),
    TESSERA_IGNORE_LIMIT_MAX_PAGES: String(Math.ceil(members / 500) + 10),
  };
  const boot = startChild([...launch.args, 'bootstrap'], env);
  let text = '';
  boot.stdout!.on('data', (d: Buffer) => (text += d));
  const code = await new Promise((r) => boot.once('exit', r));
  const token = /token: (\S+)/.exec(text)?.[1];
  if (code !== 0 || !token) throw new Error(`bootstrap failed (${code}): ${text}`);
  const port = await freePort();
  // BENCH_STREAM_PROFILE=<dir>: a CPU profile of each Tessera run, written there when it stops.
  // BENCH_STREAM_NODE_ARGS: more flags for Tessera's node (e.g. --max-old-space-size=64, to tell a leak from a lazy GC).
  const profile = [
    ...(process.env.BENCH_STREAM_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_STREAM_PROFILE}`] : []),
    ...(process.env.BENCH_STREAM_NODE_ARGS?.split(' ').filter(Boolean) ?? []),
  ];
  const server = startChild([...profile, ...launch.args, 'serve'], { ...env, PORT: String(port) });
  const api = `http://127.0.0.1:${port}`;
  await waitOk(`${api}/health`, server);
  const auth = { authorization: `Bearer ${token}` };
  const close = async () => {
    await stop(server);
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  const created = await fetch(`${api}/integrated-account`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({
      tenant_id: 'bench-stream',
      integration: 'neon',
      context: { api_key: KEY, org_id: ORG },
      integration_override: { base_url: stubOrigin, rate_limit: { budget: { requests: 1_000_000, per_seconds: 1 } } },
    }),
  });
  if (created.status !== 200) {
    const text = await created.text();
    await close();
    throw new Error(`creating the bench account failed: ${created.status} ${text}`);
  }
  const account = ((await created.json()) as { id: string }).id;
  return {
    server,
    auth,
    url: (extra: string) => `${api}/unified/usage-metering/users?integrated_account_id=${account}&limit=500&${extra}`,
    close,
  };
}

/**
 * `members`: the org's size (BENCH_STREAM_RECORDS, default 1,000,000). `buildDir`: a compiled
 * build to run (scripts/build.ts `build(dir)`), e.g. one bench/run.ts already made; without it
 * one is built here and removed after.
 */
export async function streamBench(members = Number(process.env.BENCH_STREAM_RECORDS ?? 1_000_000), buildDir?: string): Promise<StreamFigures> {
  const stubPort = await freePort();
  const stub = startChild(['--input-type=module', '-e', STUB], { STUB_MEMBERS: String(members), STUB_ORG: ORG, STUB_PORT: String(stubPort) }, true);
  await new Promise<void>((resolve, reject) => {
    stub.once('message', () => resolve());
    stub.once('exit', (c) => reject(new Error(`the stub upstream exited with ${c}`)));
  });
  const stubOrigin = `http://127.0.0.1:${stubPort}`;
  const runs: StreamRun[] = [];
  // The compiled build, as in production and bench/cold-start.ts (tsx alone holds tens of MB);
  // BENCH_STREAM_TSX=1 runs the sources through tsx instead, without building.
  const out = buildDir ?? path.join(ROOT, `.tessera-test-bench-stream-${process.pid}`);
  let launch: Launch = { args: ['--import', 'tsx', 'src/main.ts'], label: 'tsx src/main.ts' };
  if (!process.env.BENCH_STREAM_TSX) {
    if (!buildDir) build(out);
    launch = { args: [path.join(out, 'main.js')], label: 'node <build>/main.js' };
  }
  try {
    runs.push(await stubAlone(stubOrigin, members));
    // One Tessera per measure, so each peak RSS is that measure's alone.
    for (const [name, query, kind] of [
      ['tessera stream (NDJSON)', 'truto_response_format=stream', 'ndjson'],
      ['tessera truto_ignore_limit (JSON)', 'truto_ignore_limit=true', 'json'],
    ] as const) {
      const tessera = await startTessera(stubOrigin, members, launch);
      try {
        // A small warm-up list (JIT, side-load cache, the account's context).
        await (await fetch(tessera.url(''), { headers: tessera.auth })).arrayBuffer();
        const atRest = rssMiB(tessera.server.pid!);
        runs.push({ ...(await timed(name, tessera.url(query), tessera.auth, kind, tessera.server.pid)), rssAtRestMiB: atRest });
      } finally {
        await tessera.close();
      }
    }
  } finally {
    await stop(stub);
    if (!buildDir) fs.rmSync(out, { recursive: true, force: true });
  }
  return { members, runs, launch: launch.label };
}

export function printStreamBench(f: StreamFigures): void {
  console.log(
    `\nstream over ${f.members.toLocaleString('en')} members (stub upstream and Tessera, ${f.launch}, in child processes; targets ≥ 100,000 records/s, ≤ 150 MB peak RSS)`,
  );
  for (const r of f.runs) {
    const rss = r.peakRssMiB === undefined ? '' : `   peak rss ${r.peakRssMiB.toFixed(0).padStart(5)} MiB (${r.rssAtRestMiB?.toFixed(0)} at rest)`;
    const problem =
      r.status !== 200 || r.error || r.records !== f.members
        ? `   (status ${r.status}, ${r.records} records${r.error ? `: ${r.error.slice(0, 160)}` : ''})`
        : '';
    console.log(
      `${r.name.padEnd(40)}${r.records.toLocaleString('en').padStart(11)} in ${r.seconds.toFixed(1).padStart(6)} s  ${Math.round(r.recordsPerSecond).toLocaleString('en').padStart(9)} records/s${rss}${problem}`,
    );
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  printStreamBench(await streamBench());
}
