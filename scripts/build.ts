/**
 * `npm run build`: compiles the workspaces (packages/sdk, then packages/cli, each to its own dist/
 * with .d.ts: what their tarballs ship), then the server, its CLI entry and the expression
 * sandbox's child process to plain ESM JavaScript in dist/, so production runs
 * `node dist/main.js serve` with no TypeScript loader. The server's dist/cli/main.js imports
 * @tessera-api/cli (node_modules links it to packages/cli) and adds the local mapping engine.
 * `npm run build:packages` (--packages; run by prepare and pretest) builds the workspaces only.
 * `npm run build` also builds the web console (Vite, console/ into console/dist, served at
 * /console: docs/console.md); `npm run build:console` builds only it. build() itself leaves the
 * console alone: test/ops/build.test.ts calls it while other tests serve console/dist.
 *
 * Why tsc and not a bundler: tsc is already a devDependency (esbuild is only tsx's), and it keeps
 * the source layout file for file, so every path a module resolves from its own location still
 * holds: the catalog at <out>/providers (catalog.ts), package.json three levels up
 * (openapi/build-document.ts), sandbox-process.mjs beside sandbox.js. Packages stay in
 * node_modules and are resolved at run time.
 *
 * What is not compiled: tests, and the simulators (sandbox mode discovers them as TypeScript and
 * they lean on devDependencies), so `npm run sandbox` stays on tsx.
 *
 * Usage: tsx scripts/build.ts [--outdir <dir>] [--packages]   (test/ops/build.test.ts builds into a temp dir;
 * it must sit directly under the repository root, like dist/, for those relative paths to hold)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PROVIDERS_SRC = path.join(ROOT, 'src', 'providers');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const VITE = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
/** In dependency order: the CLI compiles against the SDK's dist/index.d.ts. */
export const PACKAGES = ['sdk', 'cli'] as const;

/**
 * Each workspace's dist/, from a clean folder (a source removed from src/ must not linger in the
 * tarball). By default only a package whose dist/ is missing or older than its sources is built,
 * so tests can call this while other tests read dist/; `force` rebuilds every package.
 */
export function buildPackages(options: { force?: boolean } = {}): string[] {
  const built: string[] = [];
  for (const name of PACKAGES) {
    const dir = path.join(ROOT, 'packages', name);
    if (!options.force && !packageIsStale(dir)) continue;
    fs.rmSync(path.join(dir, 'dist'), { recursive: true, force: true });
    execFileSync(process.execPath, [TSC, '-p', path.join(dir, 'tsconfig.build.json')], { cwd: dir, stdio: 'inherit' });
    // A bin must be executable where the workspace link points at it (npm sets the mode only on install).
    const { bin = {} } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { bin?: Record<string, string> };
    for (const file of Object.values(bin)) fs.chmodSync(path.join(dir, file), 0o755);
    built.push(name);
  }
  return built;
}

/** Why dist/ needs a build (a file missing or older than its source), or undefined when it is fresh. */
export function packageIsStale(dir: string): string | undefined {
  const config = Math.max(fs.statSync(path.join(dir, 'tsconfig.build.json')).mtimeMs, fs.statSync(path.join(dir, 'package.json')).mtimeMs);
  for (const source of listTs(path.join(dir, 'src'))) {
    const stem = path.join(dir, 'dist', path.relative(path.join(dir, 'src'), source).replace(/\.ts$/, ''));
    for (const out of [`${stem}.js`, `${stem}.d.ts`]) {
      if (!fs.existsSync(out)) return `${path.relative(ROOT, out)} is missing`;
      const mtime = fs.statSync(out).mtimeMs;
      if (mtime < fs.statSync(source).mtimeMs || mtime < config) return `${path.relative(ROOT, out)} is older than its source`;
    }
  }
  return undefined;
}

function listTs(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? listTs(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []));
}

export function build(outDir: string, options: { force?: boolean } = {}): void {
  // The server's CLI entry resolves @tessera-api/cli to packages/cli/dist (tsconfig.build.json has no paths).
  buildPackages(options);
  execFileSync(process.execPath, [TSC, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', outDir], { cwd: ROOT, stdio: 'inherit' });
  copyCatalog(path.join(outDir, 'providers'));
  // The pool spawns sandbox-process.mjs by path. The source one registers tsx to load the .ts; the
  // built one only loads the compiled module, so the child needs no loader (nor its devDependency).
  fs.writeFileSync(
    path.join(outDir, 'engine', 'expressions', 'sandbox-process.mjs'),
    "// Written by scripts/build.ts: the expression sandbox child's entry in the compiled build.\nawait import('./sandbox-process.js');\n",
  );
  // The catalog parsed and validated once, here, so the compiled server starts without parsing YAML
  // (src/integrations/catalog-snapshot.ts). Written by the compiled code itself: the snapshot's
  // digest covers the validating modules as the compiled server will read them.
  const catalogModule = pathToFileURL(path.join(outDir, 'integrations', 'catalog.js')).href;
  execFileSync(process.execPath, ['--input-type=module', '-e', `(await import(${JSON.stringify(catalogModule)})).writeBuildSnapshot();`], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

/** The web console's single-page app into console/dist (its config: console/vite.config.ts). */
export function buildConsole(): void {
  execFileSync(process.execPath, [VITE, 'build', '--config', path.join(ROOT, 'console', 'vite.config.ts'), '--logLevel', 'warn'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
}

/** The integration catalog is data read at run time: integration.yaml and mappings/*.yaml per provider. */
function copyCatalog(dest: string): void {
  // Start clean so a provider or mapping removed from src/ does not linger in the build.
  fs.rmSync(dest, { recursive: true, force: true });
  for (const entry of fs.readdirSync(PROVIDERS_SRC, { withFileTypes: true })) {
    const from = path.join(PROVIDERS_SRC, entry.name);
    if (!entry.isDirectory() || !fs.existsSync(path.join(from, 'integration.yaml'))) continue;
    const to = path.join(dest, entry.name);
    fs.mkdirSync(path.join(to, 'mappings'), { recursive: true });
    fs.copyFileSync(path.join(from, 'integration.yaml'), path.join(to, 'integration.yaml'));
    const mappings = path.join(from, 'mappings');
    if (!fs.existsSync(mappings)) continue;
    for (const file of fs.readdirSync(mappings).filter((f) => f.endsWith('.yaml'))) {
      fs.copyFileSync(path.join(mappings, file), path.join(to, 'mappings', file));
    }
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' }, packages: { type: 'boolean', default: false } } });
  if (values.packages) {
    buildPackages({ force: true });
    console.log(`built ${PACKAGES.map((name) => `packages/${name}/dist`).join(', ')}`);
  } else {
    const outDir = path.resolve(ROOT, values.outdir!);
    build(outDir, { force: true });
    buildConsole();
    console.log(`built ${PACKAGES.map((name) => `packages/${name}/dist`).join(', ')}, ${path.relative(process.cwd(), outDir) || '.'} and console/dist`);
  }
}
