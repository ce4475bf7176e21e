import { evaluate } from '../engine/expressions/evaluate.ts';
import { mergeMappingLayers } from '../engine/merge-mapping.ts';
import { getPath } from '../engine/pagination.ts';
import { shapeRecord } from '../engine/shape-records.ts';
import { mapUpstreamRecords, type MappedRecord } from '../engine/unified-engine.ts';
import { TesseraError as ServerError } from '../errors/catalogue.ts';
import { parseUnifiedQuery, type UnifiedQuery } from '../http/query.ts';
import { loadCatalog, type Catalog } from '../integrations/catalog.ts';
import type { CallConfig, MappingConfig } from '../integrations/definition-schema.ts';
import { findUnifiedResource } from '../models/index.ts';
import { stringifyQuery } from '../sdk/query.ts';
import { CommandFailure, UsageError } from './errors.ts';

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
export interface MappingTestInput {
  integration: string;
  model: string;
  resource: string;
  method: string;
  /** The parsed input file. */
  input: unknown;
  /** -q pairs, already parsed. */
  query: Record<string, unknown>;
  context?: Record<string, unknown>;
  sideLoad?: Record<string, unknown>;
  id?: string;
  step?: number;
  catalog?: Catalog;
}

export interface MappingTestResult {
  /** The unified records, shaped as the server would send them (truto_exclude_fields, …). */
  records: Record<string, unknown>[];
  /** list → an array is printed; anything else → one record. */
  kind: 'list' | 'single';
  mapping: CallConfig;
  warnings: string[];
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

async function run(t: MappingTestInput): Promise<MappingTestResult> {
  const catalog = t.catalog ?? loadCatalog();
  const integration = catalog.getIntegration(t.integration);
  if (!integration) throw new UsageError(`no bundled integration "${t.integration}"; bundled: ${[...catalog.integrations.keys()].join(', ')}`);
  const file = catalog.mappings.get(`${t.integration}/${t.model}/${t.resource}`);
  if (!file) {
    const known = catalog.mappingsFor(t.integration).map((m) => `${m.model}/${m.resource}`);
    throw new UsageError(`${t.integration} has no mapping for ${t.model}/${t.resource}${known.length ? `; it maps ${known.join(', ')}` : ''}`);
  }
  // The engine always receives the merged layers; offline there is only the bundled one.
  const mapping = mergeMappingLayers([file.methods[t.method]]) as MappingConfig | undefined;
  if (!mapping) throw new UsageError(`${t.integration} maps no method "${t.method}" for ${t.model}/${t.resource}; mapped methods: ${Object.keys(file.methods).join(', ')}`);

  const rec = readRecording(t.input);
  const q = parseQuery({ ...rec.query, ...t.query });
  const context = { ...rec.context, ...t.context };
  const id = t.id ?? rec.id;
  const step = t.step ?? 0;
  const warnings: string[] = [];
  const call = { model: t.model, resource: t.resource, method: t.method, query: q.query, rawQuery: q.rawQuery, id };

  /** The records at the called method's response_path, as callResource extracts them. */
  const extract = (config: CallConfig, defaultMethod: string): unknown[] => {
    if (Array.isArray(rec.response)) return rec.response;
    const resource = config.resource;
    const def = resource ? integration.resources[resource]?.[config.method ?? defaultMethod] : undefined;
    return asRecords(getPath(rec.response, def?.response_path));
  };

  let config: MappingConfig;
  let upstream: unknown[];
  let kind: MappingTestResult['kind'] = 'single';
  if (t.method === 'list') {
    kind = 'list';
    const phases = mapping.phases?.length ? mapping.phases : [mapping];
    if (step >= phases.length) throw new UsageError(`--step ${step}: ${t.model}/${t.resource} list has ${phases.length} phase(s) (0…${phases.length - 1})`);
    config = { ...mapping, ...phases[step], side_load: mapping.side_load } as MappingConfig;
    upstream = extract(config, 'list');
    if (phases.length > 1) warnings.push(`mapping phase ${step} of ${phases.length} (${config.resource}.${config.method ?? 'list'}); pick another with --step`);
  } else if (t.method === 'get' && mapping.lookup?.length) {
    if (id === undefined) throw new UsageError(`the get mapping of ${t.model}/${t.resource} finds the record by id in a list: pass --id <id>`);
    if (step >= mapping.lookup.length) throw new UsageError(`--step ${step}: the get mapping has ${mapping.lookup.length} lookup attempt(s) (0…${mapping.lookup.length - 1})`);
    const attempt = mapping.lookup[step];
    const records = extract({ ...attempt, resource: attempt.resource ?? mapping.resource }, 'list');
    // The scope unified-engine.ts findRecord gives `match`.
    const found = await evaluate(
      attempt.match,
      { records, id, query: q.query, context, previous: rec.previous },
      { label: `${t.model}/${t.resource} lookup ${step} match` },
    );
    if (found === undefined || found === null) throw new CommandFailure(`lookup ${step} (${attempt.resource ?? mapping.resource}) matched no record with id ${id} among ${records.length} recorded`);
    config = { ...mapping, ...attempt } as MappingConfig;
    upstream = [found];
  } else {
    config = mapping;
    const def = mapping.resource ? integration.resources[mapping.resource]?.[mapping.method ?? t.method] : undefined;
    // get, writes and custom methods map the body at response_path as one record.
    upstream = [Array.isArray(rec.response) ? rec.response : getPath(rec.response, def?.response_path)];
    if (mapping.respond_with_get) warnings.push(`the server answers ${t.method} with a fresh get of the record; test that with --method get`);
  }

  const sideLoad: Record<string, unknown> = { ...rec.sideLoad, ...t.sideLoad };
  for (const key of Object.keys(config.side_load ?? {})) {
    if (!(key in sideLoad)) warnings.push(`side_load.${key} is not in the input; it maps as missing (pass --side-load '{"${key}": …}' or a "side_load" key in the input)`);
  }

  const mapped: MappedRecord[] = await mapUpstreamRecords({
    integrationName: integration.name,
    config,
    call,
    records: upstream,
    sideLoad,
    context,
    before: rec.before,
    headers: rec.headers,
  });
  const info = findUnifiedResource(t.model, t.resource);
  const shaped = mapped.map((r) =>
    shapeRecord(r.unified, {
      normalized: q.format === 'normalized' ? info?.schema : undefined,
      ignoreRemoteData: q.ignoreRemoteData,
      excludeFields: q.excludeFields,
    }),
  );
  if (kind === 'single' && !shaped.length) throw new CommandFailure(`the mapping produced no record (response_mapping gave no object${config.filter ? ', or filter dropped it' : ''})`);
  return { records: shaped, kind, mapping: config, warnings };
}
