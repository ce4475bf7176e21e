/**
 * `npm run build`: compiles the server, the CLI and the expression sandbox's child process to
 * plain ESM JavaScript in dist/ (then `build:sdk` adds the SDK's declarations), so production
 * runs `node dist/main.js serve` with no TypeScript loader.
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
 * Usage: tsx scripts/build.ts [--outdir <dir>]   (test/ops/build.test.ts builds into a temp dir;
 * it must sit directly under the repository root, like dist/, for those relative paths to hold)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const PROVIDERS_SRC = path.join(ROOT, 'src', 'providers');

export function build(outDir: string): void {
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  execFileSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', outDir], { cwd: ROOT, stdio: 'inherit' });
  copyCatalog(path.join(outDir, 'providers'));
  // The pool spawns sandbox-process.mjs by path. The source one registers tsx to load the .ts; the
  // built one only loads the compiled module, so the child needs no loader (nor its devDependency).
  fs.writeFileSync(
    path.join(outDir, 'engine', 'expressions', 'sandbox-process.mjs'),
    "// Written by scripts/build.ts: the expression sandbox child's entry in the compiled build.\nawait import('./sandbox-process.js');\n",
  );
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
  const { values } = parseArgs({ options: { outdir: { type: 'string', default: 'dist' } } });
  const outDir = path.resolve(ROOT, values.outdir!);
  build(outDir);
  console.log(`built ${path.relative(process.cwd(), outDir) || '.'}`);
}
