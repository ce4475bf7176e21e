import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';
import { simulator as neonSimulator } from '../../../src/providers/neon/simulator/index.ts';
import { startTestStack, type TestStack } from '../../../test/helpers/stack.ts';
import { runCli, type CliRun } from '../../../test/helpers/cli.ts';

/**
 * What the CLI test files share: a real server with its simulators (started once per file), a
 * temp config dir, and `cli()` that runs `tessera` as a subprocess against them.
 */
export const NEON_USER = neonSimulator.sandbox.exampleUserId!;
export const NEON_KEY = neonSimulator.sandbox.context.api_key as string;
export const NEON_ORG = neonSimulator.sandbox.context.org_id as string;

export interface CliSuite {
  stack: TestStack;
  /** The sandbox Neon account. */
  neon: string;
  tmp: string;
  /** A loopback URL where nothing listens. */
  deadUrl: string;
  cli(args: string[], options?: { env?: Record<string, string | undefined>; stdin?: string }): Promise<CliRun>;
  /** The server's flags for data-plane calls. */
  auth(): string[];
  apiJson(p: string): Promise<any>;
  /** Every user the API lists for the Neon account, in one call. */
  allUsers(): Promise<any[]>;
}

async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export function noStackTrace(text: string) {
  assert.doesNotMatch(text, /\n\s+at .+:\d+:\d+/, `a stack trace leaked:\n${text}`);
}

/** Registers the file's before/after hooks; the returned object is filled in before the first test. */
export function cliSuite(): CliSuite {
  const suite = {} as CliSuite;
  suite.cli = (args, options = {}) => runCli(args, { configDir: path.join(suite.tmp, 'default-config'), ...options });
  suite.auth = () => ['--api-url', suite.stack.apiUrl, '--token', suite.stack.token];
  suite.apiJson = async (p) => {
    const res = await suite.stack.api(p);
    assert.equal(res.status, 200, `${p}: ${res.status}`);
    return res.json();
  };
  suite.allUsers = async () => (await suite.apiJson(`/unified/usage-metering/users?integrated_account_id=${suite.neon}&truto_ignore_limit=true`)).result;
  before(async () => {
    suite.stack = await startTestStack();
    suite.neon = suite.stack.accounts.neon;
    suite.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-cli-'));
    suite.deadUrl = `http://127.0.0.1:${await closedPort()}`;
  });
  after(async () => {
    await suite.stack?.close();
    if (suite.tmp) fs.rmSync(suite.tmp, { recursive: true, force: true });
  });
  return suite;
}
