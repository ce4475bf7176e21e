import { errors } from '../errors/catalogue.ts';
import type { CallConfig, MappingConfig } from '../integrations/definition-schema.ts';
import type { UnifiedResource } from '../models/types.ts';
import { mappedHeaders, outboundQuery } from './call-inputs.ts';
import { isCompiled, requestBudget } from './expressions/evaluate.ts';
import { isUntrusted } from './expressions/provenance.ts';
import { fetchAllPages, type PageLimits } from './fetch-pages.ts';
import { mapUpstreamRecords, matchLookup } from './map-records.ts';
import type { RecordIndex } from './record-index.ts';
import { callResource, type ResourceCallResult } from './resource-call.ts';
import { runSteps } from './steps.ts';
import type { Execution, UnifiedCall } from './types.ts';

/**
 * A get: one call to the resource's get, or a lookup that scans lists until a `match` finds the
 * record, unless the record index (record-index.ts) has just seen it.
 */
export async function findRecord(
  exec: Execution,
  mapping: MappingConfig,
  call: UnifiedCall,
  info: UnifiedResource,
  limits: PageLimits,
  index: RecordIndex,
): Promise<{ record: unknown; config: CallConfig }> {
  if (!mapping.lookup?.length) {
    await runSteps(exec, mapping.before, { query: call.query, id: call.id }, 'mapping before');
    const result = await callResource(exec, {
      resource: requireResource(mapping),
      method: mapping.method ?? 'get',
      id: call.id,
      query: await outboundQuery(exec, mapping, call),
      remoteQuery: call.remoteQuery,
      headers: await mappedHeaders(exec, mapping, call),
      role: 'main',
    });
    return { record: result.data, config: mapping };
  }
  const previous: unknown[] = [];
  for (const [at, attempt] of mapping.lookup.entries()) {
    await runSteps(exec, attempt.before, { query: call.query, id: call.id }, `lookup ${at} before`);
    let found: unknown;
    const query = await outboundQuery(exec, attempt, call);
    const resource = attempt.resource ?? requireResource(mapping);
    const config = { ...mapping, ...attempt };
    const scan = await fetchAllPages(
      exec,
      { resource, method: attempt.method ?? 'list', query, remoteQuery: call.remoteQuery, role: 'main' },
      {
        limits: { maxPages: limits.maxPages, maxRecords: Number.POSITIVE_INFINITY },
        onPage: async (page: ResourceCallResult) => {
          found = await matchLookup(
            attempt.match,
            { records: page.records, id: call.id, query: call.query, context: exec.context, previous },
            `${call.model}/${call.resource} lookup ${at} match`,
            requestBudget(exec),
          );
          if (found !== undefined && found !== null) return true;
          // Only the first attempt's pages: a later one's `match` may reject records by what came
          // before ($previous: Neon's accepted invitations), which an index hit would not check.
          if (at === 0) await indexScanned(index, exec, config, call, resource, page.records);
          previous.push(...page.records);
          return false;
        },
      },
    );
    if (found !== undefined && found !== null) return { record: found, config };
    // The scan stopped at the page cap: the record may well be further on, so "not found" would be a lie.
    if (scan.resumeState)
      throw errors.lookupLimitReached(
        `${info.label} ${call.id} is not in the first ${scan.pages} pages of ${resource}, where a get stops looking (TESSERA_IGNORE_LIMIT_MAX_PAGES); list ${call.model}/${call.resource} to find it`,
      );
  }
  throw errors.recordNotFound(`${info.label} ${call.id} not found`);
}

/** A get the index answers: a lookup get (a direct get costs one call anyway) of a record a list or scan has just seen. */
export function indexed(
  index: RecordIndex,
  exec: Execution,
  mapping: MappingConfig,
  call: UnifiedCall,
): Promise<{ record: unknown; config: CallConfig }> | undefined {
  // A query may change what the scan asks the provider for or what `match` accepts: such a get reads the provider.
  const queried = Object.keys(call.query).length > 0 || (call.remoteQuery !== undefined && Object.keys(call.remoteQuery).length > 0);
  if (!mapping.lookup?.length || call.id === undefined || call.bypassIndex || queried) return undefined;
  const hit = index.get(exec.account.id, `${call.model}/${call.resource}`, call.id);
  if (!hit) return undefined;
  const at = mapping.lookup.findIndex((a) => (a.resource ?? mapping.resource) === hit.resource);
  if (at < 0) return undefined;
  const attempt = mapping.lookup[at];
  return (async () => {
    // The attempt's own steps still run: its mapping may join what they fetch (Cursor's get joins
    // the team's spend through `before`); only the scan is saved.
    await runSteps(exec, attempt.before, { query: call.query, id: call.id }, `lookup ${at} before`);
    return { record: hit.raw, config: { ...mapping, ...attempt } };
  })();
}

/**
 * The pages a scan passed over, into the index, so the next get of a neighbour does not scan
 * again. Their ids come from the get's own mapping, run only when it is compiled (about a
 * microsecond a record); an override's mapping would cost a sandbox job a page, so those pages
 * are not indexed. Without side loads: the id never depends on them.
 */
async function indexScanned(index: RecordIndex, exec: Execution, config: CallConfig, call: UnifiedCall, resource: string, records: unknown[]): Promise<void> {
  const inProcess = (source: string) => !isUntrusted(source) && isCompiled(source);
  if (!config.response_mapping || !inProcess(config.response_mapping) || (config.filter && !inProcess(config.filter))) return;
  const mapped = await mapUpstreamRecords({
    integrationName: exec.integration.name,
    config,
    call,
    records,
    sideLoad: {},
    context: exec.context,
    before: exec.before,
    headers: {},
  }).catch(() => []);
  index.addPage(exec.account.id, `${call.model}/${call.resource}`, resource, mapped);
}

export function requireResource(config: CallConfig): string {
  if (!config.resource) throw errors.internal('Mapping names no resource to call');
  return config.resource;
}
