import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { DEFAULT_NEON_FIXTURE_IDS as IDS } from '../providers/neon/simulator/index.ts';
import { startTestStack, type TestStack } from '../../test/helpers/stack.ts';
// The package's own name, resolved through package.json "exports" (types: dist/sdk/index.d.ts).
import type { Tessera as PackageTessera, UsageMeteringUser } from 'tessera/sdk';

/**
 * `tessera/sdk` as a package: from plain JavaScript with no loader, from TypeScript under tsx, and
 * from a separate TypeScript project that depends on `tessera`, compiled with tsc's defaults for
 * Node (no allowImportingTsExtensions, full lib check) and then run.
 *
 * dist/sdk is built by `npm ci` (the prepare script). This file rebuilds it, with the same tsc
 * command, only when it is missing or older than a source, so it always tests the current SDK
 * without paying for a build on every run; no other test reads dist.
 */

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const SRC = path.join(ROOT, 'src', 'sdk');
const DIST = path.join(ROOT, 'dist', 'sdk');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
/** No inherited loader (tsx) and no stray options: what a user's `node` sees. */
const PLAIN_ENV = { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), NODE_OPTIONS: '' };

function distIsStale(): string | undefined {
  const sources = fs.readdirSync(SRC).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  const config = fs.statSync(path.join(SRC, 'tsconfig.build.json')).mtimeMs;
  for (const file of sources) {
    const out = path.join(DIST, file.replace(/\.ts$/, '.js'));
    if (!fs.existsSync(out)) return `${path.relative(ROOT, out)} is missing`;
    const built = fs.statSync(out).mtimeMs;
    if (built < fs.statSync(path.join(SRC, file)).mtimeMs || built < config) return `${path.relative(ROOT, out)} is older than its source`;
  }
  return undefined;
}

let stack: TestStack;
let consumerDir: string;

before(async () => {
  const stale = distIsStale();
  if (stale) {
    // Same as `npm run build:sdk`.
    await execFileAsync(process.execPath, [TSC, '-p', path.join(SRC, 'tsconfig.build.json')], { cwd: ROOT });
    assert.equal(distIsStale(), undefined, `after the build: ${distIsStale()}`);
  }
  stack = await startTestStack();
  // A separate project that has `tessera` installed (as a link, the way `npm install <path>` does).
  consumerDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-sdk-consumer-'));
  fs.mkdirSync(path.join(consumerDir, 'node_modules'));
  fs.symlinkSync(ROOT, path.join(consumerDir, 'node_modules', 'tessera'), 'dir');
  fs.symlinkSync(path.join(ROOT, 'node_modules', '@types'), path.join(consumerDir, 'node_modules', '@types'), 'dir');
  fs.writeFileSync(path.join(consumerDir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
});
after(async () => {
  await stack?.close();
  if (consumerDir) fs.rmSync(consumerDir, { recursive: true, force: true });
});

/** The seed page's snippet in our names, plus a cursor and an error, as plain ESM JavaScript. */
const SCRIPT = `
const { Tessera, TesseraError, Truto, default: Default } = await import('tessera/sdk');
const { TESSERA_TOKEN: token, TESSERA_API_URL: baseUrl, ACCOUNT: integrated_account_id, USER_ID: id } = process.env;
const tessera = new Tessera({ token, baseUrl });
const user = await tessera.unifiedApi.get('usage-metering', 'users', id, { integrated_account_id });
const users = await tessera.unifiedApi.list({ unified_model: 'usage-metering', resource: 'users', integrated_account_id, limit: 5 }).toArray();
let error;
try {
  await tessera.unifiedApi.get('usage-metering', 'users', '00000000-0000-4000-8000-000000000000', { integrated_account_id });
} catch (e) {
  error = e instanceof TesseraError ? { statusCode: e.statusCode, envelope: e.envelope } : String(e);
}
console.log(JSON.stringify({
  resolved: import.meta.resolve('tessera/sdk'),
  aliases: Truto === Tessera && Default === Tessera,
  user,
  ids: users.map((u) => u.id),
  error,
}));
`;

const envFor = () => ({ ...PLAIN_ENV, TESSERA_TOKEN: stack.token, TESSERA_API_URL: stack.apiUrl, ACCOUNT: stack.accounts.neon, USER_ID: IDS.adminMemberId });

async function expectedAnswers() {
  const user = await (await stack.api(`/unified/usage-metering/users/${IDS.adminMemberId}?integrated_account_id=${stack.accounts.neon}`)).json();
  const all = (await (await stack.api(`/unified/usage-metering/users?integrated_account_id=${stack.accounts.neon}&truto_ignore_limit=true`)).json()) as {
    result: { id: string }[];
  };
  const missing = await stack.api(`/unified/usage-metering/users/00000000-0000-4000-8000-000000000000?integrated_account_id=${stack.accounts.neon}`);
  return { user, ids: all.result.map((u) => u.id), error: { statusCode: missing.status, envelope: await missing.json() } };
}

test('plain JavaScript: node imports tessera/sdk from dist with no loader and talks to the server', async () => {
  const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', SCRIPT], { cwd: ROOT, env: envFor() });
  const out = JSON.parse(stdout);
  assert.equal(out.resolved, new URL('../../dist/sdk/index.js', import.meta.url).href, 'the package self-reference resolves to the compiled JavaScript');
  assert.equal(out.aliases, true);
  const expected = await expectedAnswers();
  assert.deepEqual(out.user, expected.user);
  assert.equal(out.user.organization.name, 'my-organization');
  assert.deepEqual(out.ids, expected.ids, 'the cursor followed every page');
  assert.deepEqual(out.error, expected.error);
  assert.equal(out.error.statusCode, 404);
});

test('TypeScript in another project: tsc type-checks against dist/sdk/index.d.ts, and the compiled code runs', async () => {
  fs.writeFileSync(
    path.join(consumerDir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        types: ['node'],
        lib: ['ES2022'],
        skipLibCheck: false,
        outDir: 'out',
      },
      files: ['consumer.ts'],
    }),
  );
  fs.writeFileSync(
    path.join(consumerDir, 'consumer.ts'),
    `import { Tessera, TesseraError, type UsageMeteringUser } from 'tessera/sdk';
const env = process.env as Record<string, string>;
const tessera = new Tessera({ token: env.TESSERA_TOKEN, baseUrl: env.TESSERA_API_URL });
const user = await tessera.unifiedApi.get('usage-metering', 'users', env.USER_ID, { integrated_account_id: env.ACCOUNT });
const orgName: string | undefined = user.organization?.name;
// @ts-expect-error the generated type says name is a string, so the SDK's types are not any
const wrong: number = user.name;
const typed: UsageMeteringUser[] = await tessera.unifiedApi.list({ unified_model: 'usage-metering', resource: 'users', integrated_account_id: env.ACCOUNT }).toArray();
let status = 0;
try {
  await tessera.integratedAccounts.get('00000000-0000-4000-8000-000000000000');
} catch (e) {
  if (e instanceof TesseraError) status = e.statusCode;
}
console.log(JSON.stringify({ orgName, count: typed.length, status, wrong: typeof wrong }));
`,
  );
  await execFileAsync(process.execPath, [TSC, '-p', consumerDir], { cwd: consumerDir }).catch((e: { stdout?: string; stderr?: string }) => {
    assert.fail(`tsc failed in the consumer project:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  });
  const { stdout } = await execFileAsync(process.execPath, [path.join(consumerDir, 'out', 'consumer.js')], { cwd: consumerDir, env: envFor() });
  const expected = await expectedAnswers();
  assert.deepEqual(JSON.parse(stdout), { orgName: 'my-organization', count: expected.ids.length, status: 404, wrong: 'string' });
});

test('TypeScript in this repo: the self-reference type-checks (tsc --noEmit) and loads under tsx', async () => {
  const sdk = await import('tessera/sdk');
  const tessera: PackageTessera = new sdk.Tessera({ token: stack.token, baseUrl: stack.apiUrl });
  const user: UsageMeteringUser = await tessera.unifiedApi.get('usage-metering', 'users', IDS.adminMemberId, { integrated_account_id: stack.accounts.neon });
  assert.equal(user.organization?.name, 'my-organization');
});
