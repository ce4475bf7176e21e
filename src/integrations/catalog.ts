import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import type { z } from 'zod';
import { ExpressionError, checkExpression } from '../engine/expressions/evaluate.ts';
import { forEachExpressionSlot } from '../engine/expressions/slots.ts';
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

function parseFile<T>(file: string, schema: z.ZodType<T>, label: string): T {
  let raw: unknown;
  try {
    raw = YAML.parse(fs.readFileSync(file, 'utf8'), { merge: true, maxAliasCount: -1 });
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

export function loadCatalog(dir: string = PROVIDERS_DIR): Catalog {
  const integrations = new Map<string, IntegrationDefinition>();
  const mappings = new Map<string, MappingFile>();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const folder = path.join(dir, entry.name);
    // A provider under construction (a simulator without its definition yet) is not installed;
    // catalog.test.ts keeps the committed tree honest (every provider folder has a definition).
    if (!fs.existsSync(path.join(folder, 'integration.yaml'))) continue;
    const definition = parseFile(path.join(folder, 'integration.yaml'), integrationSchema, entry.name);
    if (definition.name !== entry.name) throw new DefinitionError(`${entry.name}: name: must equal its folder name`);
    checkExpressions(entry.name, definition);
    integrations.set(definition.name, definition);
    const mappingDir = path.join(folder, 'mappings');
    if (!fs.existsSync(mappingDir)) continue;
    for (const file of fs
      .readdirSync(mappingDir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()) {
      const label = `${entry.name}/mappings/${file}`;
      const mapping = parseFile(path.join(mappingDir, file), mappingFileSchema, label);
      if (mapping.integration !== definition.name) throw new DefinitionError(`${label}: integration: must be ${definition.name}`);
      checkExpressions(label, mapping.methods, ['methods']);
      checkMappingResources(label, mapping, definition);
      mappings.set(`${mapping.integration}/${mapping.model}/${mapping.resource}`, mapping);
    }
  }
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
