import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { IntegrationDefinition, MappingFile } from './definition-schema.ts';

/**
 * Why a snapshot: loading the bundled catalog from its sources means parsing ~30 YAML files
 * (anchors and merges), validating them with zod and parsing every JSONata slot once to check it:
 * 300–500 ms on this class of machine, most of a server's cold start, and paid again by every test
 * process that starts a server. The outcome only changes when a source does, so it is kept as JSON
 * keyed by a digest of the sources (and of the code that validates them):
 *
 * - `<providers>/catalog.snapshot.json`, written by `npm run build` beside the copied definitions,
 *   so the compiled server (and its Docker image, whose file system may be read-only) never parses YAML;
 * - `node_modules/.cache/tessera/catalog.snapshot.json`, written best-effort the first time a
 *   checkout loads its bundled catalog (tsx: tests, the sandbox), reused until a source changes.
 *
 * A snapshot whose digest does not match is ignored, never trusted: an edited YAML file is always
 * parsed and validated again. Only the bundled catalog is cached; a catalog loaded from another
 * folder (tests that build broken ones) is always parsed.
 */
export interface CatalogSnapshot {
  format: typeof SNAPSHOT_FORMAT;
  digest: string;
  integrations: IntegrationDefinition[];
  mappings: MappingFile[];
}

const SNAPSHOT_FORMAT = 1;
export const SNAPSHOT_FILE = 'catalog.snapshot.json';

/** One definition or mapping source file: its path under the catalog folder, and its text. */
export interface SourceFile {
  relative: string;
  text: string;
}

const HERE = path.dirname(fileURLToPath(import.meta.url));
/**
 * The validating code, relative to this folder: a change to the schema, the checks or the list of
 * expression slots they check must invalidate snapshots as a YAML edit does.
 */
const VALIDATORS = ['definition-schema', 'catalog', 'catalog-snapshot', '../engine/expressions/slots'];

let validatorText: string | undefined;
function validatorsSource(): string {
  if (validatorText !== undefined) return validatorText;
  // Under tsx these are .ts files; in the build, .js files beside this one.
  const ext = path.extname(fileURLToPath(import.meta.url));
  validatorText = VALIDATORS.map((name) => {
    try {
      return fs.readFileSync(path.join(HERE, `${name}${ext}`), 'utf8');
    } catch {
      return `missing:${name}`;
    }
  }).join('\0');
  return validatorText;
}

export function sourcesDigest(sources: SourceFile[]): string {
  const hash = createHash('sha256').update(`format ${SNAPSHOT_FORMAT}\0`).update(validatorsSource());
  for (const source of sources) hash.update(`\0${source.relative}\0`).update(source.text);
  return hash.digest('hex');
}

/** The snapshot at `file` if it describes exactly these sources; undefined otherwise (missing, stale, unreadable). */
export function readSnapshot(file: string, digest: string): CatalogSnapshot | undefined {
  let snapshot: CatalogSnapshot;
  try {
    snapshot = JSON.parse(fs.readFileSync(file, 'utf8')) as CatalogSnapshot;
  } catch {
    return undefined;
  }
  return snapshot.format === SNAPSHOT_FORMAT && snapshot.digest === digest ? snapshot : undefined;
}

/**
 * Writes atomically (a temp file renamed over the target): two test processes starting at once
 * must never read half a file. Returns false instead of throwing when the folder is not writable.
 */
export function writeSnapshot(file: string, snapshot: CatalogSnapshot): boolean {
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(temp, JSON.stringify(snapshot));
    fs.renameSync(temp, file);
    return true;
  } catch {
    try {
      fs.rmSync(temp, { force: true });
    } catch {
      // The folder itself is unusable: there is no temp file to remove.
    }
    return false;
  }
}

/** Where a checkout caches its bundled catalog: node_modules/.cache, as build tools do. */
export function checkoutCacheFile(providersDir: string): string {
  return path.join(providersDir, '..', '..', 'node_modules', '.cache', 'tessera', SNAPSHOT_FILE);
}
