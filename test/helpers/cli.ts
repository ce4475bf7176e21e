import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The `tessera` CLI exactly as people run it: `node bin/tessera.js …` in a subprocess. */
const BIN = fileURLToPath(new URL('../../bin/tessera.js', import.meta.url));

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** TESSERA_CONFIG_DIR: where the CLI keeps its profiles (a temp dir per test file). */
  configDir: string;
  env?: Record<string, string | undefined>;
  stdin?: string;
}

/** Runs the CLI in a clean environment: no TESSERA_* from the caller, no colours. */
export function runCli(args: string[], options: CliOptions): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('TESSERA_') && !k.startsWith('NODE_TEST')) env[k] = v;
  Object.assign(env, { TESSERA_CONFIG_DIR: options.configDir, NO_COLOR: '1' }, options.env);
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [BIN, ...args], { env, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin!.end(options.stdin ?? '');
  });
}
