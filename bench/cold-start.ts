/**
 * Cold start of the compiled server, for `npm run bench`: builds into a throwaway folder beside
 * dist/ (scripts/build.ts), then spawns `node <build>/main.js serve` on a fresh data dir several
 * times, timing spawn → first 200 of GET /health, and reads the process's RSS at rest 2 s later.
 * `tsx src/main.ts serve` is timed the same way as the baseline it replaces.
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

/** One start: ms to the first 200 of /health, and RSS (MiB) of that process at rest. */
async function startOnce(command: string, args: string[]): Promise<{ ms: number; rssMiB: number }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-cold-'));
  const port = await freePort();
  const started = performance.now();
  const child = spawn(command, args, {
    cwd: ROOT,
    stdio: 'ignore',
    env: { ...process.env, TESSERA_DATA_DIR: dataDir, PORT: String(port), TESSERA_LOG_LEVEL: 'warn' },
  });
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${command} ${args.join(' ')} exited with ${child.exitCode}`);
      const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const ms = performance.now() - started;
    await new Promise((r) => setTimeout(r, 2000));
    // The process that serves (tsx runs the server in a child of its own, so its RSS is not comparable).
    const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
    const rssMiB = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN) / 1024;
    return { ms, rssMiB };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(undefined) : child.once('exit', r)));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function coldStart(): Promise<void> {
  const out = path.join(ROOT, `.tessera-test-bench-${process.pid}`);
  try {
    build(out);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(`\ncold start, ${RUNS} runs each: spawn → first 200 of GET /health (median, min–max); RSS at rest`);
    const rows: [string, string, string[]][] = [
      ['node <build>/main.js serve', process.execPath, [path.join(out, 'main.js'), 'serve']],
      ['tsx src/main.ts serve (baseline)', path.join(ROOT, 'node_modules', '.bin', 'tsx'), ['src/main.ts', 'serve']],
    ];
    for (const [name, command, args] of rows) {
      const runs = [];
      for (let i = 0; i < RUNS; i++) runs.push(await startOnce(command, args));
      const ms = runs.map((r) => r.ms);
      const rss = command === process.execPath ? `${median(runs.map((r) => r.rssMiB)).toFixed(0)} MiB` : '(launcher only)';
      console.log(`${name.padEnd(34)}${median(ms).toFixed(0).padStart(6)} ms  (${Math.min(...ms).toFixed(0)}–${Math.max(...ms).toFixed(0)})   rss ${rss}`);
    }
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}
