import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Tessera as operators run it, for the process-level tests: `node --import tsx src/main.ts …` in
 * a child process with a clean TESSERA_* environment and a temp data dir, on a port chosen first
 * (with PORT=0 the URL is only in the log).
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface TesseraProcess {
  child: ChildProcess;
  url: string;
  dataDir: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code (or 128 + signal number's stand-in, -1, when killed). */
  exited: Promise<number>;
  /** Waits until `pattern` appears on stdout or stderr (the process exiting first fails). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Ends the process if it is still running, and removes the data dir. */
  cleanup(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A loopback port that refuses connections: bound to get a number, then closed. */
export const closedPort = freePort;

/** `bootstrap` in `dataDir`: an environment and a token for the API calls of a test. */
export async function bootstrapToken(dataDir: string, env: Record<string, string> = {}): Promise<string> {
  const run = await spawnTessera('bootstrap', { ...env, TESSERA_DATA_DIR: dataDir });
  const code = await run.exited;
  const token = /^token: (\S+)/m.exec(run.stdout())?.[1];
  if (code !== 0 || !token) throw new Error(`bootstrap failed (${code}): ${run.stderr()}`);
  return token;
}

export async function spawnTessera(command: 'serve' | 'sandbox' | 'bootstrap', env: Record<string, string> = {}): Promise<TesseraProcess> {
  // A given TESSERA_DATA_DIR is shared (two replicas, or bootstrap then serve); the caller removes it.
  const dataDir = env.TESSERA_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-ops-'));
  const ownsDataDir = env.TESSERA_DATA_DIR === undefined;
  const port = await freePort();
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TESSERA_') && !k.startsWith('NODE_TEST')) childEnv[k] = v;
  Object.assign(childEnv, { TESSERA_DATA_DIR: dataDir, PORT: String(port), TESSERA_HOST: '127.0.0.1', TESSERA_LOG_LEVEL: 'info' }, env);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', command], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());
  child.stdout!.on('data', (c: Buffer) => ((out += c.toString()), notify()));
  child.stderr!.on('data', (c: Buffer) => ((err += c.toString()), notify()));
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => (notify(), resolve(code ?? -1))));
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`timed out waiting for ${pattern}; stderr:\n${err}`)), timeoutMs);
        const check = () => {
          const match = pattern.exec(out) ?? pattern.exec(err);
          if (match) finish(undefined, match[0]);
          else if (done) finish(new Error(`process exited before ${pattern}; stderr:\n${err}`));
        };
        const finish = (e?: Error, value?: string) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (e) reject(e);
          else resolve(value!);
        };
        waiters.add(check);
        check();
      }),
    cleanup: async () => {
      if (!done) {
        child.kill('SIGKILL');
        await exited;
      }
      if (ownsDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
