import type { CallConfig } from '../integrations/definition-schema.ts';
import { evaluate, evaluateRecords, FILTERED_OUT, type ExpressionBudget } from './expressions/evaluate.ts';
import type { MappedRecord, UnifiedCall } from './types.ts';
import type { WindowChunk } from './windows.ts';

/**
 * Upstream records → unified records, and a lookup's `match`: the part of the engine the CLI's
 * offline `tessera unified test-mapping` shares with the server, so both give a mapping the same
 * scope.
 */
/** An array mapping's time box grows with the page: 250 ms per upstream record (a usage bucket may hold hundreds of rows). */
const ARRAY_MS_PER_RECORD = 250;

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** What a lookup's `match` expression sees: one page of records, the id sought, and the pages before it. */
export interface LookupMatchScope {
  records: unknown[];
  id: string | undefined;
  query: Record<string, unknown>;
  context: Record<string, unknown>;
  previous: unknown[];
}

/**
 * The record a lookup attempt's `match` finds in one page, or undefined/null. Exported, like
 * mapUpstreamRecords, so `tessera unified test-mapping` gives `match` the engine's own scope.
 */
export function matchLookup(expression: string, scope: LookupMatchScope, label: string, budget?: ExpressionBudget): Promise<unknown> {
  return evaluate(expression, { ...scope }, { label, budget });
}

export interface MapRecordsInput {
  integrationName: string;
  config: CallConfig;
  call: Pick<UnifiedCall, 'model' | 'resource' | 'method' | 'query' | 'rawQuery' | 'id'>;
  /** Upstream records as extracted at the method's `response_path`. */
  records: unknown[];
  sideLoad: Record<string, unknown>;
  context: Record<string, unknown>;
  before: Record<string, unknown>;
  /** Response headers of the main upstream call. */
  headers: Record<string, string>;
  /** The window chunk this page belongs to, for lists over a date window. */
  window?: WindowChunk;
  /** The request's budget for override expressions (expressions/budget.ts). */
  budget?: ExpressionBudget;
}

/**
 * Upstream records → unified records: `filter` and `response_mapping` (per record, or once over
 * the array with `response_mapping_method: array`), `remote_data` attached. Exported so that
 * `tessera unified test-mapping` runs a mapping offline with exactly the scope the engine gives it.
 */
export async function mapUpstreamRecords(input: MapRecordsInput): Promise<MappedRecord[]> {
  const { config, call, records } = input;
  const label = `${input.integrationName} ${call.model}/${call.resource} ${call.method}`;
  const base = {
    query: call.query,
    rawQuery: call.rawQuery,
    context: input.context,
    side_load: input.sideLoad,
    id: call.id,
    before: input.before,
    headers: input.headers,
    window: input.window,
  };
  if (!config.response_mapping) {
    return records.filter(isObject).map((r) => ({ unified: r as Record<string, unknown>, raw: r }));
  }
  if (config.response_mapping_method === 'array') {
    const mapped = await evaluate(
      config.response_mapping,
      { ...base, response: records, body: records, records },
      { label: `${label} response_mapping`, timeoutMs: records.length * ARRAY_MS_PER_RECORD, budget: input.budget },
    );
    const list = (Array.isArray(mapped) ? mapped : mapped == null ? [] : [mapped]) as unknown[];
    const aligned = list.length === records.length;
    return list.flatMap((m, i) => (isObject(m) ? [{ unified: withRemoteData(m, aligned ? records[i] : undefined), raw: aligned ? records[i] : m }] : []));
  }
  // Per record, but evaluated as one batch: an override's mapping costs one sandbox job per page.
  const results = await evaluateRecords({
    filter: config.filter,
    mapping: config.response_mapping,
    base,
    records,
    recordKeys: ['record', 'response', 'body'],
    filterLabel: `${label} filter`,
    mappingLabel: `${label} response_mapping`,
    budget: input.budget,
  });
  const out: MappedRecord[] = [];
  // A plain loop: this runs for every record of every page of a million-record stream.
  for (let i = 0; i < results.length; i++) {
    const mapped = results[i];
    if (mapped === FILTERED_OUT) continue;
    const record = records[i];
    // One upstream record may be several unified rows (a usage bucket and its results): an array
    // result is flattened, each row keeping the record as its raw source.
    if (!Array.isArray(mapped)) {
      if (isObject(mapped)) out.push({ unified: withRemoteData(mapped, record), raw: record });
      continue;
    }
    for (const row of mapped) if (isObject(row)) out.push({ unified: withRemoteData(row, record), raw: record });
  }
  return out;
}

/** Every unified record carries its raw upstream object, unless the mapping set its own. */
function withRemoteData(mapped: Record<string, unknown>, raw: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k in mapped) {
    if (!Object.hasOwn(mapped, k)) continue;
    const v = mapped[k];
    if (v !== undefined) out[k] = v;
  }
  if (!('remote_data' in out) && raw !== undefined) out.remote_data = raw;
  return out;
}
