import { errors } from '../errors/catalogue.ts';
import type { CallConfig, MappingConfig } from '../integrations/definition-schema.ts';
import type { UnifiedResource } from '../models/types.ts';
import type { CursorCodec } from './cursor.ts';
import { evaluate, requestBudget } from './expressions/evaluate.ts';
import { DEFAULT_PAGE_LIMITS, type PageLimits } from './fetch-pages.ts';
import type { PageState } from './pagination.ts';
import { renderValue } from './placeholders.ts';
import { redactBody, redactHeaders, redactUrl } from './redact.ts';
import { nextRunnablePhase } from './phase-skip.ts';
import { callResource } from './resource-call.ts';
import { runIntegrationSteps, runSteps } from './steps.ts';
import { RecordIndex, type RecordIndexOptions } from './record-index.ts';
import { isObject, mapUpstreamRecords } from './map-records.ts';
import { mappedHeaders, outboundQuery } from './call-inputs.ts';
import { findRecord, indexed, requireResource } from './lookup.ts';
import { sideLoads } from './side-loads.ts';
import type { Execution, MappedRecord, UnifiedCall } from './types.ts';

export type { MappedRecord, UnifiedCall } from './types.ts';

export { mapUpstreamRecords, matchLookup, type LookupMatchScope, type MapRecordsInput } from './map-records.ts';
import { resolveWindow, type ResolvedWindow, type WindowChunk } from './windows.ts';

/**
 * Runs unified requests: the mapping (already merged across layers) says which resource methods
 * of the integration to call and how to map what comes back. Provider-agnostic by construction:
 * everything provider-specific arrives as data in `Execution.integration` and the mapping.
 */
export interface ListPage {
  records: MappedRecord[];
  nextCursor: string | null;
  looping: boolean;
  partial: boolean;
}

export interface GetResult {
  record: MappedRecord;
}

export interface DebugInfo {
  requestUrl?: string;
  requestOptions?: { method: string; headers: Record<string, string>; body?: unknown };
  data?: unknown;
  responseHeaders?: Record<string, string>;
  calls: Execution['calls'];
}

/** Cursor state for lists: which window chunk and phase, and the upstream paging state inside it. */
interface ListCursorState {
  ph: number;
  s?: PageState;
  /** Window chunk index, and the window itself as resolved on the first page (so "now" cannot move it). */
  w?: number;
  win?: { start: string; end: string };
}

/** What a listing that follows every page ends with (listAllPages fills it in as it goes). */
export interface ListAllOutcome {
  partial: boolean;
  /** Where to resume: after a cap, or, when a page failed, the cursor of that page. */
  resumeCursor: string | null;
  pages: number;
  records: number;
}

export class UnifiedEngine {
  /** Records lists and scans have just seen, so a get right after a list does not scan (record-index.ts). */
  readonly index: RecordIndex;

  constructor(
    private readonly cursors: CursorCodec,
    private readonly limits: PageLimits = DEFAULT_PAGE_LIMITS,
    /** "Now" for default date windows; injectable so tests pin it. */
    private readonly clock: () => number = Date.now,
    indexOptions?: RecordIndexOptions,
  ) {
    this.index = new RecordIndex(indexOptions);
  }

  /** `indexRecords: false`: the page does not go into the record index (listAllPages, past the index's capacity). */
  async list(exec: Execution, mapping: MappingConfig, call: UnifiedCall, resourceInfo: UnifiedResource, indexRecords = true): Promise<ListPage> {
    const phases = mapping.phases?.length ? mapping.phases : [mapping];
    const cursorScope = { account: exec.account.id, target: `${call.model}/${call.resource}` };
    let state: ListCursorState = { ph: 0 };
    if (call.nextCursor) {
      const decoded = this.cursors.decode(cursorScope, call.nextCursor) as ListCursorState;
      if (!decoded || typeof decoded.ph !== 'number' || decoded.ph >= phases.length) throw errors.invalidCursor();
      state = decoded;
    }
    const window = mapping.window ? this.windowOf(mapping, call, state, exec.integration.name) : undefined;
    if (window && (state.w ?? 0) >= window.chunks.length) throw errors.invalidCursor();
    if (call.skipApiCall) return { records: await this.mapSkipped(exec, mapping, call, 'list'), nextCursor: null, looping: false, partial: false };
    await runIntegrationSteps(exec);
    const runnable = (at: ListCursorState) => nextRunnablePhase(exec, phases, { ph: at.ph, w: at.w ?? 0 }, window?.chunks, call);
    if (!state.s) {
      const at = await runnable(state);
      if (!at) return { records: [], nextCursor: null, looping: false, partial: false };
      state = { ...state, ph: at.ph, ...(window ? { w: at.w } : {}) };
    }
    const chunk = window?.chunks[state.w ?? 0];
    const phase = { ...mapping, ...phases[state.ph], side_load: mapping.side_load } as MappingConfig;
    const [page, sideLoad] = await Promise.all([this.fetchPhasePage(exec, phase, call, state.s, chunk), sideLoads(exec, mapping.side_load, call)]);
    const records = await this.mapRecords(exec, phase, call, page.records, sideLoad, resourceInfo, chunk);
    if (phase.resource && indexRecords) this.index.addPage(exec.account.id, `${call.model}/${call.resource}`, phase.resource, records);
    const win = window && { start: window.start, end: window.end };
    const w = state.w ?? 0;
    let next: ListCursorState | null = null;
    if (page.nextState) next = { ph: state.ph, s: page.nextState, ...(win ? { w, win } : {}) };
    else if (!page.looping && state.ph + 1 < phases.length) next = { ph: state.ph + 1, ...(win ? { w, win } : {}) };
    else if (!page.looping && window && w + 1 < window.chunks.length) next = { ph: 0, w: w + 1, win };
    if (next && !next.s) {
      // Skipped phases cost no page: the cursor points at the next one that runs, or the list ends here.
      const at = await runnable(next);
      next = at && { ...next, ph: at.ph, ...(win ? { w: at.w } : {}) };
    }
    return { records, nextCursor: next ? this.cursors.encode(cursorScope, next) : null, looping: page.looping, partial: page.looping };
  }

  /** The list's date window: from the query on the first page, from the cursor after that. */
  private windowOf(mapping: MappingConfig, call: UnifiedCall, state: ListCursorState, integration: string): ResolvedWindow {
    const def = mapping.window!;
    let query = call.query;
    if (state.win) {
      // Later pages use the window the first page resolved; a `date` alias is already inside it.
      query = { ...call.query, [def.start_param]: state.win.start, [def.end_param]: state.win.end };
      if (def.date_param) delete query[def.date_param];
    }
    return resolveWindow(def, query, integration, this.clock());
  }

  /** `truto_ignore_limit` and `stream`: follow every page, handing each one over as it is mapped. */
  async listAll(
    exec: Execution,
    mapping: MappingConfig,
    call: UnifiedCall,
    resourceInfo: UnifiedResource,
    onPage: (page: ListPage) => Promise<void>,
  ): Promise<ListAllOutcome> {
    const outcome: ListAllOutcome = { partial: false, resumeCursor: null, pages: 0, records: 0 };
    for await (const page of this.listAllPages(exec, mapping, call, resourceInfo, outcome)) await onPage(page);
    return outcome;
  }

  /**
   * Every page, as an async iterator the consumer pulls: nothing is fetched faster than it is
   * written, so memory stays at about two pages however long the list. The next page is
   * requested while the consumer handles the current one (the upstream's latency overlaps the
   * mapping and the writing). `outcome` is complete when the iteration ends; when a page fails,
   * `outcome.resumeCursor` is the cursor that fetches that page again.
   */
  async *listAllPages(
    exec: Execution,
    mapping: MappingConfig,
    call: UnifiedCall,
    resourceInfo: UnifiedResource,
    outcome: ListAllOutcome,
  ): AsyncGenerator<ListPage> {
    let cursor = call.nextCursor;
    const fetchPage = (at: string | undefined) => {
      // The index keeps a listing's first records only: records passing through it all the way
      // down a long listing would each live long enough to reach V8's old generation, which then
      // grows with the listing (a million-record stream's RSS doubled).
      const pending = this.list(exec, mapping, { ...call, nextCursor: at }, resourceInfo, outcome.records < this.index.capacity);
      // Awaited below; a consumer that stops early leaves it unawaited, and its failure unreported.
      pending.catch(() => undefined);
      return pending;
    };
    let pending: Promise<ListPage> | undefined = fetchPage(cursor);
    while (pending) {
      outcome.resumeCursor = cursor ?? null;
      const page = await pending;
      pending = undefined;
      outcome.pages++;
      outcome.records += page.records.length;
      outcome.partial = page.partial;
      outcome.resumeCursor = null;
      if (page.nextCursor) {
        cursor = page.nextCursor;
        if (outcome.pages >= this.limits.maxPages || outcome.records >= this.limits.maxRecords) {
          outcome.partial = true;
          outcome.resumeCursor = cursor;
        } else {
          // The time budgets bound one page's wait, not a listing that is long by design.
          exec.timeBudget.restart();
          requestBudget(exec).reset();
          pending = fetchPage(cursor);
        }
      }
      yield page;
    }
  }

  async get(exec: Execution, mapping: MappingConfig, call: UnifiedCall, resourceInfo: UnifiedResource): Promise<MappedRecord> {
    if (call.skipApiCall) {
      const [mapped] = await this.mapSkipped(exec, mapping, call, 'get');
      return mapped ?? { unified: {}, raw: null };
    }
    await runIntegrationSteps(exec);
    const [found, sideLoad] = await Promise.all([
      indexed(this.index, exec, mapping, call) ?? findRecord(exec, mapping, call, resourceInfo, this.limits, this.index),
      sideLoads(exec, mapping.side_load, call),
    ]);
    const [mapped] = await this.mapRecords(exec, found.config, call, [found.record], sideLoad, resourceInfo);
    if (!mapped) throw errors.recordNotFound(`${resourceInfo.label} ${call.id} not found`);
    return mapped;
  }

  /**
   * create, update, delete and custom methods: `request_body_mapping` builds the provider's body,
   * the provider's response goes through `response_mapping` (or, with `respond_with_get`, the
   * written record is fetched again through the resource's get mapping).
   */
  async write(
    exec: Execution,
    mapping: MappingConfig,
    call: UnifiedCall,
    resourceInfo: UnifiedResource,
    getMapping?: MappingConfig,
  ): Promise<{ record?: MappedRecord; id?: string; raw: unknown; result?: unknown }> {
    const scope = { body: call.body, query: call.query, rawQuery: call.rawQuery, context: exec.context, before: exec.before, id: call.id };
    const label = `${exec.integration.name} ${call.model}/${call.resource} ${call.method}`;
    checkRequiredBody(mapping.request_body_schema, call.body);
    const body = mapping.request_body_mapping
      ? await evaluate(mapping.request_body_mapping, scope, { label: `${label} request_body_mapping`, budget: requestBudget(exec) })
      : mapping.body !== undefined
        ? renderValue(mapping.body, scope)
        : call.body;
    if (call.skipApiCall) {
      if (call.method === 'delete') return { id: call.id, raw: null };
      const [mapped] = await this.mapSkipped(exec, mapping, call, 'get');
      return { record: mapped ?? { unified: {}, raw: null }, raw: null, result: mapped?.unified ?? {} };
    }
    await runIntegrationSteps(exec);
    await runSteps(exec, mapping.before, { query: call.query, id: call.id, body }, `${label} before`);
    const [result, sideLoad] = await Promise.all([
      callResource(exec, {
        resource: requireResource(mapping),
        method: mapping.method ?? call.method,
        id: call.id,
        query: await outboundQuery(exec, mapping, call),
        remoteQuery: call.remoteQuery,
        body,
        headers: await mappedHeaders(exec, mapping, call, body),
        role: 'main',
      }),
      sideLoads(exec, mapping.side_load, call),
    ]);
    // Whatever the index holds for this target may be what the write just changed.
    this.index.invalidate(exec.account.id, `${call.model}/${call.resource}`);
    await runSteps(exec, mapping.after, { query: call.query, id: call.id, body, data: result.data }, `${label} after`);
    if (call.method === 'delete') return { id: call.id, raw: result.data };
    const writtenId = mapping.id_expression
      ? await evaluate(
          mapping.id_expression,
          { response: result.data, body: result.data, query: call.query, context: exec.context, id: call.id },
          { label: `${label} id_expression`, budget: requestBudget(exec) },
        )
      : (call.id ?? (result.data as Record<string, unknown> | null)?.id);
    if (mapping.respond_with_get && getMapping && writtenId !== undefined && writtenId !== null) {
      const record = await this.get(exec, getMapping, { ...call, method: 'get', id: String(writtenId), body: undefined }, resourceInfo);
      return { record, raw: result.data };
    }
    const [record] = await this.mapRecords(exec, mapping, call, [result.data], sideLoad, resourceInfo);
    return { record: record ?? { unified: {}, raw: result.data }, raw: result.data, result: record?.unified ?? result.data };
  }

  debugInfo(exec: Execution): DebugInfo {
    const last = exec.lastMain;
    const { isSecret } = exec.services;
    return {
      requestUrl: last && redactUrl(last.request.url, isSecret),
      requestOptions: last && {
        method: last.request.method.toUpperCase(),
        headers: redactHeaders(last.request.headers),
        ...(last.request.body !== undefined ? { body: redactBody(safeJson(last.request.body), isSecret) } : {}),
      },
      data: last?.response.body,
      responseHeaders: last?.response.headers,
      calls: exec.calls.map((c) => ({ ...c, requestUrl: redactUrl(c.requestUrl, isSecret) })),
    };
  }

  private async fetchPhasePage(exec: Execution, phase: CallConfig, call: UnifiedCall, pageState: PageState | undefined, window?: WindowChunk) {
    await runSteps(exec, phase.before, { query: call.query, id: call.id, window }, 'mapping before');
    const query = await outboundQuery(exec, phase, call, window);
    return callResource(exec, {
      resource: requireResource(phase),
      method: phase.method ?? 'list',
      headers: await mappedHeaders(exec, phase, call),
      query,
      remoteQuery: call.remoteQuery,
      limit: call.limit,
      pageState,
      role: 'main',
    });
  }

  private mapRecords(
    exec: Execution,
    config: CallConfig,
    call: UnifiedCall,
    records: unknown[],
    sideLoad: Record<string, unknown>,
    info: UnifiedResource,
    window?: WindowChunk,
  ): Promise<MappedRecord[]> {
    void info;
    return mapUpstreamRecords({
      window,
      integrationName: exec.integration.name,
      config,
      call,
      records,
      sideLoad,
      context: exec.context,
      before: exec.before,
      headers: exec.lastMain?.response.headers ?? {},
      budget: requestBudget(exec),
    });
  }

  /** `truto_skip_api_call`: the mapping runs on an empty response, so static output still appears. */
  private async mapSkipped(exec: Execution, mapping: MappingConfig, call: UnifiedCall, kind: 'list' | 'get'): Promise<MappedRecord[]> {
    const expression = mapping.response_mapping;
    if (!expression) return [];
    const result = await evaluate(
      expression,
      {
        response: { statusCode: 200, headers: {}, body: null },
        body: null,
        record: null,
        query: call.query,
        rawQuery: call.rawQuery,
        context: exec.context,
        side_load: {},
        id: call.id,
      },
      { label: `${call.model}/${call.resource} response_mapping`, budget: requestBudget(exec) },
    );
    const list = kind === 'list' ? (Array.isArray(result) ? result : []) : [result];
    return list.filter(isObject).map((r) => ({ unified: r as Record<string, unknown>, raw: null }));
  }
}

/** A mapping's `request_body_schema.required` fields must be present (truto_error_insight names them). */
function checkRequiredBody(schema: Record<string, unknown> | undefined, body: unknown) {
  const required = (schema?.required ?? []) as string[];
  if (!required.length) return;
  if (body !== undefined && (body === null || typeof body !== 'object' || Array.isArray(body)))
    throw errors.invalidBody('The request body must be a JSON object');
  const given = (body ?? {}) as Record<string, unknown>;
  const missing = required.filter((k) => given[k] === undefined || given[k] === null || (Array.isArray(given[k]) && (given[k] as unknown[]).length === 0));
  if (missing.length) throw errors.missingBody(missing);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
