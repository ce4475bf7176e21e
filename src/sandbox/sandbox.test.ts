import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../integrations/catalog.ts';
import { loadSimulator } from '../simulator-kit/discover.ts';

/**
 * `npm run sandbox` is `tsx src/main.ts sandbox`: run exactly that as a process, on a fresh data
 * dir, use what it prints, stop it, and start it again on the same data dir.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-sandbox-'));
after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

interface Started {
  child: ChildProcess;
  stdout: string;
}

function startSandbox(): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'sandbox'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', TESSERA_DATA_DIR: dataDir, TESSERA_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`sandbox did not start in 30 s; stdout: ${stdout} stderr: ${stderr}`));
    }, 30_000);
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdout!.on('data', (d) => {
      stdout += d;
      // The banner ends with one curl per simulated integration and a blank line.
      if (/Try it:\n( {2}curl .*\n)+\n/.test(stdout)) {
        clearTimeout(timer);
        resolve({ child, stdout });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`sandbox exited with ${code}: ${stderr}`));
    });
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

interface SandboxFile {
  api_url: string;
  token: string;
  integrated_accounts: Record<string, string>;
}
const readFile = () => JSON.parse(fs.readFileSync(path.join(dataDir, 'sandbox.json'), 'utf8')) as SandboxFile;

let first: SandboxFile;
/** A Neon account connected after start, with no base_url of its own. */
let bare: string;

async function call(file: SandboxFile, method: string, route: string, body?: unknown) {
  const res = await fetch(file.api_url + route, {
    method,
    headers: { authorization: `Bearer ${file.token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

/** Every simulated integration's environment override names the simulator its sandbox account uses now. */
async function assertEnvironmentFollowsSimulators(file: SandboxFile) {
  const installed = (await call(file, 'GET', '/environment-integration')).body.result as { integration_id: string; override: { base_url?: string } }[];
  for (const [name, id] of Object.entries(file.integrated_accounts)) {
    const account = (await call(file, 'GET', `/integrated-account/${id}`)).body;
    const ei = installed.find((e) => e.integration_id === name);
    assert.ok(account.integration_override.base_url?.startsWith('http://127.0.0.1:'), `${name}: the sandbox account points at loopback`);
    assert.equal(ei?.override.base_url, account.integration_override.base_url, `${name}: the environment override is the simulator`);
  }
}

const usersOf = (file: SandboxFile, account: string) =>
  call(file, 'GET', `/unified/usage-metering/users?integrated_account_id=${account}&limit=1&truto_ignore_remote_data=true`);

test('starts on a fresh data dir, prints a working curl, writes sandbox.json', async () => {
  const { child, stdout } = await startSandbox();
  try {
    first = readFile();
    assert.match(first.token, /^tsk_/);
    assert.ok(first.integrated_accounts.neon, 'a neon account');
    assert.ok(stdout.includes(first.token), 'the token is printed');
    // The console's address is printed and serves the console (console/dist is built by pretest).
    const consoleUrl = /^Console:\s+(http:\/\/\S+\/console\/)$/m.exec(stdout)?.[1];
    assert.ok(consoleUrl, `the banner prints the console URL: ${stdout}`);
    const page = await fetch(consoleUrl);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<div id="app">/);
    assert.equal((fs.statSync(path.join(dataDir, 'sandbox.json')).mode & 0o777).toString(8), '600');

    const curls = [...stdout.matchAll(/curl -s '([^']+)' -H 'Authorization: Bearer ([^']+)'/g)];
    const userCurls = curls.filter(([, url]) => url.includes('/users/'));
    const usageCurls = curls.filter(([, url]) => url.includes('/usage?'));
    const catalog = loadCatalog();
    const withUsers = Object.keys(first.integrated_accounts).filter((name) => catalog.getMapping(name, 'usage-metering', 'users', 'get'));
    const withUsage = Object.keys(first.integrated_accounts).filter((name) => catalog.getMapping(name, 'usage-metering', 'usage', 'list'));
    assert.equal(userCurls.length, withUsers.length, 'one user curl per integration that maps users');
    assert.equal(usageCurls.length, withUsage.length, 'one usage curl per integration that maps usage');
    assert.equal(userCurls.length + usageCurls.length, curls.length, 'every curl is a user get or a usage list');
    for (const [, url, token] of userCurls) {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      const user = (await res.json()) as { id: string; name: string; organization?: { name?: string }; remote_data?: unknown };
      assert.equal(res.status, 200, url);
      assert.ok(url.includes(`/users/${user.id}?`), 'the printed user comes back');
      assert.ok(user.name && user.organization?.name && user.remote_data, 'a full unified user');
    }
    for (const [, url, token] of usageCurls) {
      const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      const page = (await res.json()) as { result: { id: string; start_date: string }[] };
      assert.equal(res.status, 200, url);
      assert.ok(page.result.length > 0 && page.result.every((r) => r.id && r.start_date), `the printed usage window has rows: ${url}`);
    }

    await assertEnvironmentFollowsSimulators(first);
    // The Neon values the banner prints for connecting (the simulator's own sandbox context), and no
    // integration_override: validated at the simulator.
    const neonContext = (await loadSimulator(catalog.dir, catalog.getIntegration('neon')!.sandbox!.simulator)).sandbox.context;
    const printed = /the simulators accept:\n(?:.*\n)*? {2}neon: (.+)\n/.exec(stdout)?.[1];
    assert.ok(printed, `the banner lists what the neon simulator accepts: ${stdout}`);
    assert.deepEqual(Object.fromEntries(printed.split(/ {2}/).map((pair) => pair.split('='))), neonContext);
    const created = await call(first, 'POST', '/integrated-account', { tenant_id: 'no-override', integration: 'neon', context: neonContext });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal(created.body.status, 'active');
    assert.deepEqual(created.body.integration_override, {});
    bare = created.body.id;
    const users = await usersOf(first, bare);
    assert.equal(users.status, 200, JSON.stringify(users.body));
    assert.equal(users.body.result.length, 1);
  } finally {
    assert.equal(await stop(child), 0, 'stops cleanly on SIGTERM');
  }
});

test('starting again on the same data dir reuses the token and the accounts', async () => {
  const { child } = await startSandbox();
  try {
    const second = readFile();
    assert.equal(second.token, first.token);
    assert.deepEqual(second.integrated_accounts, first.integrated_accounts);
    // The simulators came up on new ports; the accounts follow them.
    const res = await fetch(`${second.api_url}/unified/usage-metering/users?integrated_account_id=${second.integrated_accounts.neon}&limit=1`, {
      headers: { authorization: `Bearer ${second.token}` },
    });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { result: unknown[] }).result.length, 1);
    // The environment override followed the new ports too: the account without one of its own still works.
    await assertEnvironmentFollowsSimulators(second);
    assert.equal((await usersOf(second, bare)).status, 200);
  } finally {
    await stop(child);
  }
});
