import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import type { z } from 'zod';
import { ExpressionError, checkExpression } from '../engine/expressions/evaluate.ts';
import { forEachExpressionSlot } from '../engine/expressions/slots.ts';
import { SNAPSHOT_FILE, checkoutCacheFile, readSnapshot, sourcesDigest, writeSnapshot, type SourceFile } from './catalog-snapshot.ts';
import { describeIssues, integrationSchema, mappingFileSchema, type IntegrationDefinition, type MappingConfig, type MappingFile } from './definition-schema.ts';

/**
 * The bundled integrations: one folder per provider under src/providers/, holding
 * `integration.yaml` and `mappings/<model>.<resource>.yaml` (and, beside them, the provider's
 * simulator and tests). Everything a provider needs is there; the engine never names a provider.
 */
export const PROVIDERS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'providers');

export class DefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DefinitionError';
  }
}

export interface Catalog {
  /** The folder the catalog was loaded from; a provider's simulator lives in `<dir>/<name>/simulator/`. */
  dir: string;
  integrations: Map<string, IntegrationDefinition>;
  /** key: `${integration}/${model}/${resource}` */
  mappings: Map<string, MappingFile>;
  getIntegration(name: string): IntegrationDefinition | undefined;
  getMapping(integration: string, model: string, resource: string, method: string): MappingConfig | undefined;
  mappingsFor(integration: string): MappingFile[];
}

/** Loaded on first parse: a server started from a snapshot never pays for the YAML parser. */
let yaml: typeof import('yaml') | undefined;
const parseYaml = (text: string): unknown => {
  yaml ??= createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yaml.parse(text, { merge: true, maxAliasCount: -1 });
};

function parseSource<T>(source: SourceFile, schema: z.ZodType<T>, label: string): T {
  let raw: unknown;
  try {
    raw = parseYaml(source.text);
  } catch (e) {
    throw new DefinitionError(`${label}: not valid YAML: ${(e as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new DefinitionError(describeIssues(label, parsed.error));
  return parsed.data;
}

/** Every JSONata slot (the one list overrides are checked and marked by, expressions/slots.ts) must compile; errors name the path. */
export function checkExpressions(label: string, value: unknown, at: string[] = []): void {
  forEachExpressionSlot(value, ({ path, value: source }) => {
    try {
      checkExpression(source as string);
    } catch (e) {
      if (e instanceof ExpressionError) throw new DefinitionError(`${label}: ${[...at, ...path].join('.')}: invalid JSONata: ${e.message}`);
      throw e;
    }
  });
}

/**
 * The catalog in `dir`. The bundled one comes from a snapshot when one matches its sources
 * (catalog-snapshot.ts: the build's, or the checkout's cache), and is parsed and validated otherwise.
 */
export function loadCatalog(dir: string = PROVIDERS_DIR): Catalog {
  if (path.resolve(dir) !== path.resolve(PROVIDERS_DIR)) return catalogOf(dir, parseSources(readSources(dir)));
  return loadCatalogWithSnapshots(dir, [path.join(dir, SNAPSHOT_FILE)], checkoutCacheFile(dir));
}

/** The first of `snapshots` that matches the sources; otherwise parsed, and `cacheFile` (also read first) written best-effort. */
export function loadCatalogWithSnapshots(dir: string, snapshots: string[], cacheFile: string): Catalog {
  const sources = readSources(dir);
  const digest = sourcesDigest(sources);
  for (const file of [...snapshots, cacheFile]) {
    const snapshot = readSnapshot(file, digest);
    if (snapshot) return catalogOf(dir, snapshot);
  }
  const parsed = parseSources(sources);
  writeSnapshot(cacheFile, { format: 1, digest, ...parsed });
  return catalogOf(dir, parsed);
}

/** `npm run build`: the snapshot the compiled server reads instead of the YAML (run by the compiled code itself, so the digest is its own). */
export function writeBuildSnapshot(dir: string = PROVIDERS_DIR): void {
  const sources = readSources(dir);
  if (!writeSnapshot(path.join(dir, SNAPSHOT_FILE), { format: 1, digest: sourcesDigest(sources), ...parseSources(sources) })) {
    throw new Error(`could not write ${path.join(dir, SNAPSHOT_FILE)}`);
  }
}

/** A provider under construction (a simulator without its definition yet) is not installed; catalog.test.ts keeps the committed tree honest. */
function readSources(dir: string): SourceFile[] {
  const sources: SourceFile[] = [];
  const read = (relative: string) => sources.push({ relative, text: fs.readFileSync(path.join(dir, relative), 'utf8') });
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (!entry.isDirectory() || !fs.existsSync(path.join(dir, entry.name, 'integration.yaml'))) continue;
    read(path.join(entry.name, 'integration.yaml'));
    const mappingDir = path.join(dir, entry.name, 'mappings');
    if (!fs.existsSync(mappingDir)) continue;
    for (const file of fs
      .readdirSync(mappingDir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()) {
      read(path.join(entry.name, 'mappings', file));
    }
  }
  return sources;
}

/** Every definition and mapping parsed, validated and checked; errors name the file and the path inside it. */
function parseSources(sources: SourceFile[]): { integrations: IntegrationDefinition[]; mappings: MappingFile[] } {
  const integrations = new Map<string, IntegrationDefinition>();
  const mappings: MappingFile[] = [];
  for (const source of sources) {
    const folder = source.relative.split(path.sep)[0];
    if (path.basename(source.relative) === 'integration.yaml') {
      const definition = parseSource(source, integrationSchema, folder);
      if (definition.name !== folder) throw new DefinitionError(`${folder}: name: must equal its folder name`);
      checkExpressions(folder, definition);
      integrations.set(definition.name, definition);
      continue;
    }
    const label = `${folder}/mappings/${path.basename(source.relative)}`;
    const definition = integrations.get(folder)!; // sources list a folder's integration.yaml before its mappings
    const mapping = parseSource(source, mappingFileSchema, label);
    if (mapping.integration !== definition.name) throw new DefinitionError(`${label}: integration: must be ${definition.name}`);
    checkExpressions(label, mapping.methods, ['methods']);
    checkMappingResources(label, mapping, definition);
    mappings.push(mapping);
  }
  return { integrations: [...integrations.values()], mappings };
}

function catalogOf(dir: string, loaded: { integrations: IntegrationDefinition[]; mappings: MappingFile[] }): Catalog {
  const integrations = new Map(loaded.integrations.map((d) => [d.name, d]));
  const mappings = new Map(loaded.mappings.map((m) => [`${m.integration}/${m.model}/${m.resource}`, m]));
  return {
    dir,
    integrations,
    mappings,
    getIntegration: (name) => integrations.get(name),
    getMapping: (integration, model, resource, method) => {
      const methods = mappings.get(`${integration}/${model}/${resource}`)?.methods;
      return methods && Object.hasOwn(methods, method) ? methods[method] : undefined;
    },
    mappingsFor: (integration) => [...mappings.values()].filter((m) => m.integration === integration),
  };
}

/** A mapping may only call resources and methods its integration defines. */
function checkMappingResources(label: string, file: MappingFile, definition: IntegrationDefinition) {
  const check = (where: string, resource?: string, method?: string) => {
    if (!resource) return;
    if (!definition.resources[resource]) throw new DefinitionError(`${label}: ${where}.resource: unknown resource "${resource}" of ${definition.name}`);
    if (method && !definition.resources[resource][method]) {
      throw new DefinitionError(`${label}: ${where}.method: ${definition.name} resource "${resource}" has no method "${method}"`);
    }
  };
  for (const [name, config] of Object.entries(file.methods)) {
    const base = `methods.${name}`;
    check(base, config.resource, config.method ?? name);
    config.lookup?.forEach((c, i) => check(`${base}.lookup.${i}`, c.resource, c.method ?? 'list'));
    config.phases?.forEach((c, i) => check(`${base}.phases.${i}`, c.resource, c.method ?? 'list'));
    for (const [key, s] of Object.entries(config.side_load ?? {})) check(`${base}.side_load.${key}`, s.resource, s.method);
  }
}
