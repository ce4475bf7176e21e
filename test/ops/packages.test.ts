import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildPackages } from '../../scripts/build.ts';
import { DEFAULT_NEON_FIXTURE_IDS as IDS } from '../../src/providers/neon/simulator/index.ts';
import { startTestStack, type TestStack } from '../helpers/stack.ts';

/**
 * The two workspaces as a user gets them: `npm pack` makes @tessera-api/sdk and @tessera-api/cli
 * tarballs, a fresh project outside the repository `npm install`s them (dependencies from the npm
 * cache or the registry), and then the installed `tessera` bin, a plain-JavaScript import of the
 * SDK (no loader) and a TypeScript file type-checked by tsc against the installed .d.ts all talk
 * to a real server. packages/*\/dist is rebuilt first only when it is older than its sources.
 */

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const NPM_CLI = process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath) ? process.env.npm_execpath : undefined;
const PACKAGES = { sdk: '@tessera-api/sdk', cli: '@tessera-api/cli' } as const;
type Name = keyof typeof PACKAGES;

/** The caller's environment without what a user's shell would not have: a loader, npm's own variables. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('TESSERA_') || k.startsWith('NODE_TEST') || k === 'NODE_OPTIONS') continue;
    if (k.startsWith('npm_') && !['npm_config_cache', 'npm_config_registry'].includes(k)) continue;
    env[k] = v;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

function npm(args: string[], cwd: string) {
  const [cmd, pre] = NPM_CLI ? [process.execPath, [NPM_CLI]] : ['npm', []];
  return execFileAsync(cmd, [...pre, ...args], { cwd, env: cleanEnv(), maxBuffer: 16 * 1024 * 1024 }).catch((e: { stdout?: string; stderr?: string }) => {
    assert.fail(`npm ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  });
}

interface Packed {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string }[];
}

let stack: TestStack;
let tmp: string;
let consumer: string;
const packed = {} as Record<Name, Packed>;
const timings: string[] = [];

async function timed<T>(what: string, work: () => Promise<T>): Promise<T> {
  const start = performance.now();
  const result = await work();
  timings.push(`${what} ${((performance.now() - start) / 1000).toFixed(1)} s`);
  return result;
}

describe('the npm packages: packed, installed in a fresh project, used', { timeout: 180_000 }, () => {
  before(async () => {
    const stackStarting = startTestStack();
    buildPackages();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-packages-'));
    const { stdout } = await timed('npm pack', () =>
      npm(['pack', '--workspace', PACKAGES.sdk, '--workspace', PACKAGES.cli, '--pack-destination', tmp, '--ignore-scripts', '--json'], ROOT),
    );
    for (const entry of JSON.parse(stdout) as (Packed & { name: string })[]) {
      const name = (Object.keys(PACKAGES) as Name[]).find((n) => PACKAGES[n] === entry.name);
      assert.ok(name, `npm pack made an unexpected package: ${entry.name}`);
      packed[name] = entry;
    }
    // A project of its own, outside the repository: no workspace, no .npmrc, no node_modules above it.
    consumer = path.join(tmp, 'consumer');
    fs.mkdirSync(consumer);
    fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    const tarballs = (['sdk', 'cli'] as const).map((n) => path.join(tmp, packed[n].filename));
    await timed('npm install', () => npm(['install', ...tarballs, '--prefer-offline', '--no-audit', '--no-fund'], consumer));
    stack = await stackStarting;
  });

  after(async () => {
    console.log(`packages.test timings: ${timings.join(', ')}`);
    await stack?.close();
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  test('each tarball holds dist/ JavaScript and declarations, package.json, README.md and LICENSE, and nothing else', () => {
    for (const name of Object.keys(PACKAGES) as Name[]) {
      const files = packed[name].files.map((f) => f.path).sort();
      console.log(`${packed[name].filename}: ${packed[name].size} bytes packed, ${packed[name].unpackedSize} unpacked, ${files.length} files`);
      const stray = files.filter((f) => !/^(package\.json|README\.md|LICENSE|dist\/[\w/.-]+\.(js|d\.ts))$/.test(f));
      assert.deepEqual(stray, [], `${name}: files that are not dist/ output`);
      assert.ok(files.includes('dist/index.js') && files.includes('dist/index.d.ts'), `${name}: ${files.join(' ')}`);
      assert.ok(files.includes('README.md') && files.includes('LICENSE'), `${name} has a README and the MIT licence text`);
      assert.equal(files.filter((f) => /(^|\/)(src|test)\/|\.test\.|\.ts$(?<!\.d\.ts)/.test(f)).length, 0, `${name}: sources or tests`);
      // No server code: dist/ is exactly the package's own src/, compiled (and no engine, catalog, store or HTTP file).
      const src = path.join(ROOT, 'packages', name, 'src');
      const expected = listFiles(src)
        .filter((f) => f.endsWith('.ts'))
        .flatMap((f) => ['.js', '.d.ts'].map((ext) => `dist/${path.relative(src, f).replace(/\.ts$/, ext)}`));
      assert.deepEqual(
        files.filter((f) => f.startsWith('dist/')),
        expected.sort(),
        `${name}: dist/ is not its src/ compiled`,
      );
      assert.deepEqual(
        files.filter((f) => /(^|\/)(engine|providers|integrations|store|http|services|sandbox)\/|mapping-test|\.yaml$/.test(f)),
        [],
      );
    }
    assert.ok(
      packed.cli.files.some((f) => f.path === 'dist/main.js'),
      'the bin is in the tarball',
    );
  });

  test('each package imports only node: built-ins, its own files and the dependencies it declares', () => {
    for (const name of Object.keys(PACKAGES) as Name[]) {
      const dir = path.join(consumer, 'node_modules', PACKAGES[name]);
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      const imported = new Set<string>();
      for (const file of listFiles(path.join(dir, 'dist')).filter((f) => f.endsWith('.js'))) {
        const text = fs.readFileSync(file, 'utf8');
        for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm)) {
          const spec = m[1] ?? m[2];
          if (spec.startsWith('.')) {
            const target = path.resolve(path.dirname(file), spec);
            assert.ok(target.startsWith(path.join(dir, 'dist') + path.sep), `${path.relative(dir, file)} reaches outside dist/: ${spec}`);
            assert.ok(fs.existsSync(target), `${path.relative(dir, file)} imports a file the tarball lacks: ${spec}`);
          } else if (!spec.startsWith('node:') && !builtinModules.includes(spec)) {
            imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
          }
        }
      }
      assert.deepEqual([...imported].sort(), Object.keys(manifest.dependencies ?? {}).sort(), `${name}: imports vs dependencies`);
    }
  });

  test('the install is small: the two packages and their few dependencies, nothing of the server', () => {
    const lock = JSON.parse(fs.readFileSync(path.join(consumer, 'node_modules', '.package-lock.json'), 'utf8')) as {
      packages: Record<string, { resolved?: string }>;
    };
    // Both from the tarballs: the CLI's dependency on the SDK is the SDK tarball, not a registry copy.
    for (const name of Object.keys(PACKAGES) as Name[]) {
      assert.ok(
        lock.packages[`node_modules/${PACKAGES[name]}`]?.resolved?.endsWith(packed[name].filename),
        JSON.stringify(lock.packages[`node_modules/${PACKAGES[name]}`]),
      );
    }
    assert.ok(!Object.keys(lock.packages).some((p) => p.endsWith('/node_modules/@tessera-api/sdk')), 'a second copy of the SDK');
    const installed = Object.keys(lock.packages).filter((p) => p.startsWith('node_modules/'));
    console.log(`installed in the consumer: ${installed.length} packages: ${installed.map((p) => p.replace(/^node_modules\//, '')).join(', ')}`);
    assert.ok(installed.length <= 30, `${installed.length} packages installed`);
    for (const server of ['hono', 'better-sqlite3', 'jsonata', 'kysely', 'pg', 'pino', 'zod', 'ajv']) {
      assert.ok(!installed.includes(`node_modules/${server}`), `${server} was installed`);
    }
    assert.equal(fs.realpathSync(path.join(consumer, 'node_modules', PACKAGES.sdk)), path.join(consumer, 'node_modules', PACKAGES.sdk), 'a copy, not a link');
  });

  test('the installed tessera bin: --version, a real call, and a clear refusal of the local verbs', async () => {
    const bin = path.join(consumer, 'node_modules', '.bin', 'tessera');
    const config = path.join(tmp, 'cli-config');
    const env = cleanEnv({ HOME: tmp, TESSERA_CONFIG_DIR: config });
    const cliVersion = (JSON.parse(fs.readFileSync(path.join(ROOT, 'packages', 'cli', 'package.json'), 'utf8')) as { version: string }).version;
    const version = await execFileAsync(bin, ['--version'], { cwd: consumer, env });
    assert.equal(version.stdout.trim(), cliVersion);

    const account = stack.accounts.neon;
    const args = ['unified', 'usage-metering', 'users', '-a', account, '-q', 'limit=100', '-o', 'json', '--api-url', stack.apiUrl, '--token', stack.token];
    const listed = await execFileAsync(bin, args, { cwd: consumer, env });
    const expected = (await (await stack.api(`/unified/usage-metering/users?integrated_account_id=${account}&limit=100`)).json()) as { result: unknown[] };
    assert.deepEqual(JSON.parse(listed.stdout), expected.result);
    assert.ok(expected.result.length > 0);

    const local = await execFileAsync(bin, ['jsonata', 'eval', '-e', '$sum(a)'], { cwd: consumer, env }).then(
      () => assert.fail('jsonata eval ran without the engine'),
      (e: { code?: number; stdout: string; stderr: string }) => e,
    );
    assert.equal(local.code, 2);
    assert.equal(local.stdout, '');
    assert.match(
      local.stderr,
      /^error: `tessera jsonata eval` runs Tessera's mapping engine .* does not include\.\nRun it where the Tessera server is: `npx tessera jsonata eval …` in a clone/,
    );
    assert.doesNotMatch(local.stderr, /\n\s+at /);
  });

  test('plain JavaScript: node imports @tessera-api/sdk with no loader and lists users', async () => {
    const script = `
      const { Tessera, TesseraError, Truto, SDK_VERSION, default: Default } = await import('@tessera-api/sdk');
      const { TESSERA_TOKEN: token, TESSERA_API_URL: baseUrl, ACCOUNT: integrated_account_id, USER_ID: id } = process.env;
      const tessera = new Tessera({ token, baseUrl });
      const user = await tessera.unifiedApi.get('usage-metering', 'users', id, { integrated_account_id });
      const users = await tessera.unifiedApi.list({ unified_model: 'usage-metering', resource: 'users', integrated_account_id, limit: 5 }).toArray();
      let status;
      try { await tessera.unifiedApi.get('usage-metering', 'users', '00000000-0000-4000-8000-000000000000', { integrated_account_id }); }
      catch (e) { status = e instanceof TesseraError ? e.statusCode : String(e); }
      console.log(JSON.stringify({ resolved: import.meta.resolve('@tessera-api/sdk'), aliases: Truto === Tessera && Default === Tessera, SDK_VERSION, user, ids: users.map((u) => u.id), status }));`;
    const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', script], { cwd: consumer, env: envFor() });
    const out = JSON.parse(stdout);
    assert.equal(out.resolved, `file://${path.join(consumer, 'node_modules', '@tessera-api', 'sdk', 'dist', 'index.js')}`);
    assert.equal(out.aliases, true);
    assert.equal(out.SDK_VERSION, (JSON.parse(fs.readFileSync(path.join(ROOT, 'packages', 'sdk', 'package.json'), 'utf8')) as { version: string }).version);
    assert.deepEqual(
      out.user,
      await (await stack.api(`/unified/usage-metering/users/${IDS.adminMemberId}?integrated_account_id=${stack.accounts.neon}`)).json(),
    );
    assert.equal(out.user.organization.name, 'my-organization');
    assert.deepEqual(out.ids, await allUserIds(), 'the cursor followed every page');
    assert.equal(out.status, 404);
  });

  test('TypeScript: tsc type-checks a file against the installed .d.ts (strict, no skipLibCheck), and it runs', async () => {
    // @types/node is the user's own business; lend the repository's, and only it, so a type the
    // packages need but do not depend on would fail here as it would for a user.
    fs.mkdirSync(path.join(consumer, 'node_modules', '@types'), { recursive: true });
    fs.symlinkSync(path.join(ROOT, 'node_modules', '@types', 'node'), path.join(consumer, 'node_modules', '@types', 'node'), 'dir');
    const options = { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, types: ['node'], lib: ['ES2022'], outDir: 'out' };
    fs.writeFileSync(path.join(consumer, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...options, skipLibCheck: false }, files: ['consumer.ts'] }));
    fs.writeFileSync(
      path.join(consumer, 'consumer.ts'),
      `import { Tessera, TesseraError, type UsageMeteringUser } from '@tessera-api/sdk';
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
    await timed('tsc', () =>
      execFileAsync(process.execPath, [TSC, '-p', consumer], { cwd: consumer }).catch((e: { stdout?: string; stderr?: string }) => {
        assert.fail(`tsc failed in the consumer project:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
      }),
    );
    const { stdout } = await execFileAsync(process.execPath, [path.join(consumer, 'out', 'consumer.js')], { cwd: consumer, env: envFor() });
    assert.deepEqual(JSON.parse(stdout), { orgName: 'my-organization', count: (await allUserIds()).length, status: 404, wrong: 'string' });
  });
});

function envFor(): NodeJS.ProcessEnv {
  return cleanEnv({ TESSERA_TOKEN: stack.token, TESSERA_API_URL: stack.apiUrl, ACCOUNT: stack.accounts.neon, USER_ID: IDS.adminMemberId });
}

async function allUserIds(): Promise<string[]> {
  const all = (await (await stack.api(`/unified/usage-metering/users?integrated_account_id=${stack.accounts.neon}&truto_ignore_limit=true`)).json()) as {
    result: { id: string }[];
  };
  return all.result.map((u) => u.id);
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
