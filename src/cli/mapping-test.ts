import { mergeMappingLayers } from '../engine/merge-mapping.ts';
import { getPath } from '../engine/pagination.ts';
import { shapeRecord } from '../engine/shape-records.ts';
import { mapUpstreamRecords, matchLookup, type MappedRecord } from '../engine/unified-engine.ts';
import { TesseraError as ServerError } from '../errors/catalogue.ts';
import { parseUnifiedQuery, type UnifiedQuery } from '../query/unified-query.ts';
import { checkExpressions, DefinitionError, loadCatalog, type Catalog } from '../integrations/catalog.ts';
import {
  describeIssues,
  mappingConfigSchema,
  mappingFileSchema,
  type CallConfig,
  type IntegrationDefinition,
  type MappingConfig,
} from '../integrations/definition-schema.ts';
import { findUnifiedResource } from '../models/index.ts';
import { CommandFailure, UsageError, type MappingTestOutcome, type MappingTestRequest } from '@tessera-api/cli';
import { stringifyQuery } from '@tessera-api/sdk';

/**
 * `tessera unified test-mapping`: runs one bundled mapping on a recorded upstream response,
 * locally (no server, no provider call), through the engine's own code: `mapUpstreamRecords`
 * gives `response_mapping` and `filter` exactly the scope a live request gives them
 * (record/response/body, query, rawQuery, context, side_load, before, id, headers), and the
 * query is parsed by the server's parser, so `limit` is a number and truto_* keys are stripped.
 *
 * The input is either the provider's response body as recorded, or a recording:
 *
 *   { "response": <body>, "context": {…}, "side_load": {"organization": {…}},
 *     "before": {…}, "headers": {…}, "query": {…}, "id": "…", "previous": […] }
 *
 * The method's `response_path` is applied to the body (a body that is already an array is taken
 * as the records). A list mapping with phases maps one phase (`step`); a get with `lookup` runs
 * the attempt's `match` on the records (`step` picks the attempt) and maps what it finds.
 */
export interface MappingTestInput extends MappingTestRequest {
  catalog?: Catalog;
}

export interface MappingTestResult extends MappingTestOutcome {
  mapping: CallConfig;
}

const RECORDING_KEYS = new Set(['response', 'context', 'query', 'side_load', 'before', 'headers', 'id', 'previous']);
const PLACEHOLDER_ACCOUNT = '00000000-0000-0000-0000-000000000000';

interface Recording {
  response: unknown;
  context: Record<string, unknown>;
  query: Record<string, unknown>;
  sideLoad?: Record<string, unknown>;
  before: Record<string, unknown>;
  headers: Record<string, string>;
  id?: string;
  previous: unknown[];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function objectField(value: unknown, name: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (!isObject(value)) throw new UsageError(`the input's "${name}" must be a JSON object`);
  return value;
}

export function readRecording(input: unknown): Recording {
  if (isObject(input) && 'response' in input && Object.keys(input).every((k) => RECORDING_KEYS.has(k))) {
    if (input.id !== undefined && typeof input.id !== 'string') throw new UsageError('the input\'s "id" must be a string');
    if (input.previous !== undefined && !Array.isArray(input.previous)) throw new UsageError('the input\'s "previous" must be an array');
    return {
      response: input.response,
      context: objectField(input.context, 'context'),
      query: objectField(input.query, 'query'),
      sideLoad: input.side_load === undefined ? undefined : objectField(input.side_load, 'side_load'),
      before: objectField(input.before, 'before'),
      headers: Object.fromEntries(Object.entries(objectField(input.headers, 'headers')).map(([k, v]) => [k.toLowerCase(), String(v)])),
      id: input.id as string | undefined,
      previous: (input.previous as unknown[] | undefined) ?? [],
    };
  }
  return { response: input, context: {}, query: {}, before: {}, headers: {}, previous: [] };
}

function parseQuery(query: Record<string, unknown>): UnifiedQuery {
  try {
    return parseUnifiedQuery(stringifyQuery({ integrated_account_id: PLACEHOLDER_ACCOUNT, ...query }));
  } catch (e) {
    if (e instanceof ServerError) throw new UsageError(`-q: ${e.message}`);
    throw e;
  }
}

function asRecords(data: unknown): unknown[] {
  return Array.isArray(data) ? data : data === undefined || data === null ? [] : [data];
}

export async function runMappingTest(t: MappingTestInput): Promise<MappingTestResult> {
  try {
    return await run(t);
  } catch (e) {
    // A mapping that throws is the mapping's failure (exit 1), not a server error.
    if (e instanceof ServerError) throw new CommandFailure(e.message);
    throw e;
  }
}

interface ResolvedMapping {
  integration?: IntegrationDefinition;
  integrationName: string;
  model?: string;
  resource?: string;
  mapping: MappingConfig;
  origin: string;
}

function bundledIntegration(catalog: Catalog, name: string): IntegrationDefinition {
  const integration = catalog.getIntegration(name);
  if (!integration) throw new UsageError(`no bundled integration "${name}"; bundled: ${[...catalog.integrations.keys()].join(', ')}`);
  return integration;
}

function compiles(label: string, value: unknown, at: string[]): void {
  try {
    checkExpressions(label, value, at);
  } catch (e) {
    if (e instanceof DefinitionError) throw new UsageError(e.message);
    throw e;
  }
}

const MAPPING_CONFIG_KEYS = new Set(Object.keys(mappingConfigSchema.shape));

/** The mapping to run: from the catalog, from a --mapping-file, or a bare --mapping expression. */
export function resolveMapping(t: MappingTestInput, catalog: Catalog): ResolvedMapping {
  const optionalIntegration = () => (t.integration === undefined ? undefined : bundledIntegration(catalog, t.integration));
  const source = t.source;
  if (!source) {
    if (!t.integration || !t.model || !t.resource) {
      throw new UsageError('give the mapping: --model, --resource and --integration (a bundled mapping), or --mapping-file <file>, or --mapping <expression>');
    }
    const integration = bundledIntegration(catalog, t.integration);
    const file = catalog.mappings.get(`${t.integration}/${t.model}/${t.resource}`);
    if (!file) {
      const known = catalog.mappingsFor(t.integration).map((m) => `${m.model}/${m.resource}`);
      throw new UsageError(`${t.integration} has no mapping for ${t.model}/${t.resource}${known.length ? `; it maps ${known.join(', ')}` : ''}`);
    }
    const config = file.methods[t.method];
    if (!config)
      throw new UsageError(
        `${t.integration} maps no method "${t.method}" for ${t.model}/${t.resource}; mapped methods: ${Object.keys(file.methods).join(', ')}`,
      );
    return {
      integration,
      integrationName: integration.name,
      model: t.model,
      resource: t.resource,
      mapping: config,
      origin: `bundled ${t.integration}/${t.model}/${t.resource} ${t.method}`,
    };
  }

  if (source.kind === 'expression') {
    if (!source.expression.trim()) throw new UsageError('--mapping is empty; give a response_mapping JSONata expression');
    compiles('--mapping', { response_mapping: source.expression }, []);
    const integration = optionalIntegration();
    return {
      integration,
      integrationName: integration?.name ?? 'mapping',
      model: t.model,
      resource: t.resource,
      mapping: { response_mapping: source.expression },
      origin: '--mapping',
    };
  }

  const data = source.data;
  if (!isObject(data))
    throw new UsageError(
      `${source.label}: expected a mapping file ({integration, model, resource, methods}) or a mapping config (an object with response_mapping, …)`,
    );
  if ('methods' in data) {
    const parsed = mappingFileSchema.safeParse(data);
    if (!parsed.success) throw new UsageError(describeIssues(source.label, parsed.error));
    const file = parsed.data;
    compiles(source.label, file.methods, ['methods']);
    const clash = (flag: string, given: string | undefined, inFile: string) => {
      if (given !== undefined && given !== inFile) throw new UsageError(`${flag} ${given} does not match the mapping file's ${flag.slice(2)}: ${inFile}`);
    };
    clash('--integration', t.integration, file.integration);
    clash('--model', t.model, file.model);
    clash('--resource', t.resource, file.resource);
    const config = file.methods[t.method];
    if (!config) throw new UsageError(`${source.label} maps no method "${t.method}"; its methods: ${Object.keys(file.methods).join(', ') || '(none)'}`);
    return {
      integration: catalog.getIntegration(file.integration),
      integrationName: file.integration,
      model: file.model,
      resource: file.resource,
      mapping: config,
      origin: `${source.label} (methods.${t.method})`,
    };
  }
  const unknown = Object.keys(data).filter((k) => !MAPPING_CONFIG_KEYS.has(k) && !k.startsWith('x-'));
  if (unknown.length)
    throw new UsageError(`${source.label}: not mapping config keys: ${unknown.join(', ')} (a whole mapping file has integration, model, resource and methods)`);
  const parsed = mappingConfigSchema.safeParse(data);
  if (!parsed.success) throw new UsageError(describeIssues(source.label, parsed.error));
  compiles(source.label, parsed.data, []);
  const integration = optionalIntegration();
  return { integration, integrationName: integration?.name ?? 'mapping', model: t.model, resource: t.resource, mapping: parsed.data, origin: source.label };
}

async function run(t: MappingTestInput): Promise<MappingTestResult> {
  const catalog = t.catalog ?? loadCatalog();
  const resolved = resolveMapping(t, catalog);
  const { integration } = resolved;
  const model = resolved.model ?? '(model)';
  const resource = resolved.resource ?? '(resource)';
  // The engine always receives the merged layers; offline there is only this one.
  const mapping = mergeMappingLayers([resolved.mapping]) as MappingConfig;

  const rec = readRecording(t.input);
  const q = parseQuery({ ...rec.query, ...t.query });
  const context = { ...rec.context, ...t.context };
  const id = t.id ?? rec.id;
  const step = t.step ?? 0;
  const warnings: string[] = [];
  const call = { model, resource, method: t.method, query: q.query, rawQuery: q.rawQuery, id };

  /** The called method's response_path, when the integration and resource are known. */
  const responsePath = (config: CallConfig, defaultMethod: string): string | undefined => {
    if (!config.resource) return undefined;
    if (!integration) {
      warnings.push(`${resolved.integrationName} is not a bundled integration: the response_path of ${config.resource} is not applied to the input`);
      return undefined;
    }
    return integration.resources[config.resource]?.[config.method ?? defaultMethod]?.response_path;
  };
  /** The records at the called method's response_path, as callResource extracts them. */
  const extract = (config: CallConfig, defaultMethod: string): unknown[] => {
    if (Array.isArray(rec.response)) return rec.response;
    if (!config.resource && isObject(rec.response)) {
      warnings.push(
        'the mapping names no resource, so no response_path applies: the input body is mapped as one record (give the records as a JSON array to map each)',
      );
    }
    return asRecords(getPath(rec.response, responsePath(config, defaultMethod)));
  };

  let config: MappingConfig;
  let upstream: unknown[];
  let kind: MappingTestResult['kind'] = 'single';
  if (t.method === 'list') {
    kind = 'list';
    const phases = mapping.phases?.length ? mapping.phases : [mapping];
    if (step >= phases.length) throw new UsageError(`--step ${step}: ${model}/${resource} list has ${phases.length} phase(s) (0…${phases.length - 1})`);
    config = { ...mapping, ...phases[step], side_load: mapping.side_load } as MappingConfig;
    upstream = extract(config, 'list');
    if (phases.length > 1) warnings.push(`mapping phase ${step} of ${phases.length} (${config.resource}.${config.method ?? 'list'}); pick another with --step`);
  } else if (t.method === 'get' && mapping.lookup?.length) {
    if (id === undefined) throw new UsageError(`the get mapping of ${model}/${resource} finds the record by id in a list: pass --id <id>`);
    if (step >= mapping.lookup.length)
      throw new UsageError(`--step ${step}: the get mapping has ${mapping.lookup.length} lookup attempt(s) (0…${mapping.lookup.length - 1})`);
    const attempt = mapping.lookup[step];
    const records = extract({ ...attempt, resource: attempt.resource ?? mapping.resource }, 'list');
    const found = await matchLookup(
      attempt.match,
      { records, id, query: q.query, context, previous: rec.previous },
      `${model}/${resource} lookup ${step} match`,
    );
    if (found === undefined || found === null)
      throw new CommandFailure(`lookup ${step} (${attempt.resource ?? mapping.resource}) matched no record with id ${id} among ${records.length} recorded`);
    config = { ...mapping, ...attempt } as MappingConfig;
    upstream = [found];
  } else {
    config = mapping;
    // get, writes and custom methods map the body at response_path as one record.
    upstream = [Array.isArray(rec.response) ? rec.response : getPath(rec.response, responsePath(mapping, t.method))];
    if (mapping.respond_with_get) warnings.push(`the server answers ${t.method} with a fresh get of the record; test that with --method get`);
  }

  const sideLoad: Record<string, unknown> = { ...rec.sideLoad, ...t.sideLoad };
  for (const key of Object.keys(config.side_load ?? {})) {
    if (!(key in sideLoad))
      warnings.push(`side_load.${key} is not in the input; it maps as missing (pass --side-load '{"${key}": …}' or a "side_load" key in the input)`);
  }

  const mapped: MappedRecord[] = await mapUpstreamRecords({
    integrationName: resolved.integrationName,
    config,
    call,
    records: upstream,
    sideLoad,
    context,
    before: rec.before,
    headers: rec.headers,
  });
  const info = resolved.model && resolved.resource ? findUnifiedResource(resolved.model, resolved.resource) : undefined;
  const shaped = mapped.map((r) =>
    shapeRecord(r.unified, {
      normalized: q.format === 'normalized' ? info?.schema : undefined,
      ignoreRemoteData: q.ignoreRemoteData,
      excludeFields: q.excludeFields,
    }),
  );
  if (kind === 'single' && !shaped.length)
    throw new CommandFailure(`the mapping produced no record (response_mapping gave no object${config.filter ? ', or filter dropped it' : ''})`);
  return { records: shaped, kind, mapping: config, origin: resolved.origin, warnings };
}
