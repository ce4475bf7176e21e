import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from '../../scripts/build.ts';

/**
 * The compiled build, run the way production runs it: `node <out>/main.js` with no TypeScript
 * loader. The build goes to a temp folder directly under the repository root (where dist/ sits, so
 * node_modules and package.json resolve as they do from dist/; `.tessera-test-*` is git-ignored),
 * never to dist/ itself, which other tests may be reading.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const run = promisify(execFile);

describe('npm run build: the compiled server and CLI', { timeout: 120_000 }, () => {
  const out = path.join(ROOT, `.tessera-test-build-${process.pid}`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tessera-build-'));
  // No loader in the children: they run exactly as `node dist/main.js` would (the test runner's
  // own --import tsx is not inherited because execArgv is not passed on).
  const env = { ...process.env, TESSERA_DATA_DIR: dataDir, TESSERA_LOG_LEVEL: 'info', PORT: '0', NODE_OPTIONS: '' };
  let server: ChildProcess | undefined;
  let baseUrl = '';
  let token = '';

  before(async () => {
    build(out);
    const boot = await run(process.execPath, [path.join(out, 'main.js'), 'bootstrap'], { env, cwd: ROOT });
    token = /^token: (\S+)$/m.exec(boot.stdout)?.[1] ?? '';
    assert.match(token, /^tsk_/, boot.stdout + boot.stderr);
    server = spawn(process.execPath, [path.join(out, 'main.js'), 'serve'], { env, cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    baseUrl = await listeningUrl(server);
  });

  after(async () => {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      await new Promise((resolve) => server!.once('exit', resolve));
    }
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('needs no TypeScript loader at run time', () => {
    const offenders = listFiles(out).filter((f) => f.endsWith('.ts') || (/\.(m?js)$/.test(f) && /['"]tsx(\/[^'"]*)?['"]/.test(fs.readFileSync(f, 'utf8'))));
    assert.deepEqual(offenders, []);
  });

  it('imports only production dependencies (the image prunes the rest)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string> };
    const imported = new Set<string>();
    for (const file of listFiles(out).filter((f) => f.endsWith('.js'))) {
      for (const m of fs.readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm)) {
        const spec = m[1] ?? m[2];
        if (spec.startsWith('.') || spec.startsWith('node:')) continue;
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
      }
    }
    assert.ok(imported.has('hono'), 'the scan found the server imports');
    assert.deepEqual([...imported].filter((name) => name !== pkg.name && !pkg.dependencies[name]).sort(), []);
  });

  it('loads pg and ioredis only when their URLs are set', async () => {
    // A resolve hook in the child names every bare import of either; bootstrap runs the whole start-up path.
    // Written synchronously to a file: the hooks run on their own thread, whose stderr writes may
    // be lost when bootstrap exits right away (seen under load).
    const hook = path.join(dataDir, 'hook.mjs');
    const seen = path.join(dataDir, 'loaded.txt');
    fs.writeFileSync(
      hook,
      `import fs from 'node:fs'; export async function resolve(s, c, next) { if (s === 'pg' || s === 'ioredis') fs.appendFileSync(${JSON.stringify(seen)}, 'LOADED ' + s + '\\n'); return next(s, c); }`,
    );
    const loaded = () => (fs.existsSync(seen) ? fs.readFileSync(seen, 'utf8') : '');
    const register = path.join(dataDir, 'register.mjs');
    fs.writeFileSync(register, `import { register } from 'node:module'; register(${JSON.stringify(`file://${hook}`)});`);
    const boot = await run(process.execPath, ['--import', register, path.join(out, 'main.js'), 'bootstrap'], { env, cwd: ROOT });
    assert.doesNotMatch(loaded(), /LOADED/);
    assert.match(boot.stdout, /^token: /m);
    // The control: with a Redis URL (nothing listens there; start-up never waits for Redis) the hook sees ioredis.
    const redisEnv = { ...env, TESSERA_REDIS_URL: 'redis://127.0.0.1:1' };
    const withRedis = await run(process.execPath, ['--import', register, path.join(out, 'main.js'), 'bootstrap'], { env: redisEnv, cwd: ROOT });
    assert.match(loaded(), /LOADED ioredis/, withRedis.stderr);
  });

  it('answers GET /health and GET /ready (the image HEALTHCHECK)', async () => {
    assert.equal((await fetch(`${baseUrl}/health`)).status, 200);
    assert.equal((await fetch(`${baseUrl}/ready`)).status, 200);
  });

  it('finds the bundled catalog copied beside the compiled code', async () => {
    const res = await fetch(`${baseUrl}/integration?limit=100`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200);
    const names = ((await res.json()) as { result: { name: string }[] }).result.map((i) => i.name).sort();
    const bundled = fs
      .readdirSync(path.join(ROOT, 'src', 'providers'))
      .filter((name) => fs.existsSync(path.join(ROOT, 'src', 'providers', name, 'integration.yaml')))
      .sort();
    assert.deepEqual(names, bundled);
  });

  it('writes the catalog snapshot, and the compiled server loads the catalog from it without the YAML parser', async () => {
    const snapshot = JSON.parse(fs.readFileSync(path.join(out, 'providers', 'catalog.snapshot.json'), 'utf8')) as { integrations: { name: string }[] };
    assert.ok(snapshot.integrations.some((d) => d.name === 'neon'));
    // yaml is required lazily (CommonJS), so the require cache tells whether it was loaded at all.
    const script = `
      import { createRequire } from 'node:module';
      const { loadCatalog } = await import(${JSON.stringify(new URL(`file://${path.join(out, 'integrations', 'catalog.js')}`).href)});
      const yamlLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/node_modules/yaml/'));
      const bundled = loadCatalog();
      const before = yamlLoaded();
      loadCatalog(${JSON.stringify(path.join(ROOT, 'src', 'providers'))}); // another folder: always parsed (the control)
      process.stdout.write(JSON.stringify({ integrations: bundled.integrations.size, before, after: yamlLoaded() }));`;
    const { stdout, stderr } = await run(process.execPath, ['--input-type=module', '-e', script], { env, cwd: ROOT });
    assert.deepEqual(JSON.parse(stdout), { integrations: snapshot.integrations.length, before: false, after: true }, stderr);
  });

  it('evaluates override expressions in the sandbox child, compiled too', async () => {
    // The child is spawned by path (sandbox-process.mjs); the build writes one that loads the
    // compiled module instead of registering tsx.
    const script = `
      const { SandboxPool } = await import(${JSON.stringify(new URL(`file://${path.join(out, 'engine', 'expressions', 'sandbox.js')}`).href)});
      const pool = new SandboxPool();
      const job = { kind: 'one', source: '$sum(a)', input: { a: [1, 2] }, boxMs: 2000, budgetMs: 20000, totalBudgetMs: 20000, maxResultChars: 100 };
      process.stdout.write(JSON.stringify(await pool.run(job, 20000)));
      // The pool's children are unref'd: a timer keeps this script alive until they are gone.
      await Promise.race([pool.close(), new Promise((resolve) => setTimeout(resolve, 5000))]);`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env, cwd: ROOT });
    const outcome = JSON.parse(stdout) as { ok: boolean; json?: string };
    assert.equal(outcome.ok, true, stdout);
    assert.equal(outcome.json, '3');
  });

  it('runs the compiled CLI against the compiled server', async () => {
    const help = await run(process.execPath, [path.join(out, 'cli', 'main.js'), '--help'], { env, cwd: ROOT });
    assert.match(help.stdout, /^Usage: tessera/);
    const cliEnv = { ...env, TESSERA_API_URL: baseUrl, TESSERA_TOKEN: token, TESSERA_CONFIG_DIR: dataDir };
    const list = await run(process.execPath, [path.join(out, 'cli', 'main.js'), 'integrations', 'list', '-o', 'json'], { env: cliEnv, cwd: ROOT });
    assert.match(list.stdout, /"neon"/);
  });
});

// No Docker engine runs in CI, so the image is never built there: this checks what can be checked
// without one (the commands themselves are the build and serve above).
describe('Dockerfile', () => {
  const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const ignored = fs
    .readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));

  it('copies from the context only files that exist and .dockerignore lets through', () => {
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1].trim().split(/\s+/));
    assert.ok(sources.includes('src'), sources.join(' '));
    for (const source of sources) {
      assert.ok(fs.existsSync(path.join(ROOT, source)), `${source} does not exist`);
      assert.ok(!ignored.includes(source), `${source} is in .dockerignore`);
    }
  });

  it('runs what npm start runs, as a non-root user, probing /ready', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const cmd = JSON.parse(/^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]') as string[];
    assert.equal(cmd.join(' '), pkg.scripts.start);
    assert.match(dockerfile, /^USER node$/m);
    assert.match(dockerfile, /^HEALTHCHECK .*\/ready/m);
    assert.match(dockerfile, /TESSERA_HOST=0\.0\.0\.0/);
  });
});

/** The server logs its URL once listening (PORT=0 picks a free port). */
function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`the compiled server did not start:\n${seen}`)), 30_000);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      seen += chunk;
      const url = /"url":"(http:\/\/[^"]+)"/.exec(seen)?.[1];
      if (url) {
        clearTimeout(timer);
        child.stderr!.resume();
        resolve(url);
      }
    });
    child.once('exit', (code) => reject(new Error(`the compiled server exited (${code}):\n${seen}`)));
  });
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
