import { errors } from '../errors/catalogue.ts';
import { checkUnifiedQuery } from '../engine/query-check.ts';
import { keyOf, keyRecords, shapeRecord, type ShapeOptions } from '../engine/shape-records.ts';
import type { Execution } from '../engine/types.ts';
import type { ListPage, MappedRecord, UnifiedCall, UnifiedEngine } from '../engine/unified-engine.ts';
import { jsonList, ndjsonList } from './list-stream.ts';
import type { UnifiedQuery } from '../query/unified-query.ts';
import { findUnifiedModel, findUnifiedResource, UNIFIED_MODELS, type UnifiedResource } from '../models/index.ts';
import { annotateRequest, type RequestLogRecord } from '../logger.ts';
import type { AccountAccess } from './account-access.ts';

/**
 * What a unified request produces: JSON, or a body written as pages arrive (`stream`'s NDJSON,
 * `truto_ignore_limit`'s JSON document). A streamed body is text pulled chunk by chunk, one chunk
 * per upstream page, so nothing is read from the provider faster than the client takes it. An
 * error on the first chunk is an ordinary error response (nothing was sent yet); after that, the
 * HTTP layer asks `end` for the text that closes the body with the error (docs/contract.md §5.2).
 */
export type UnifiedResult =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'stream'; contentType: string; headers?: Record<string, string>; chunks: AsyncIterable<string>; end: (envelope: unknown) => string };

export interface UnifiedRequest {
  environmentId: string;
  model: string;
  resource: string;
  method: string;
  id?: string;
  body?: unknown;
  query: UnifiedQuery;
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** The request's log line (logger.ts): the service names the account and integration there. */
  log?: RequestLogRecord;
  /**
   * The caller can send a body as it is produced (the HTTP route): `truto_ignore_limit` is then
   * written page by page. Other callers (a batch) get the whole document as JSON.
   */
  streaming?: boolean;
}

const WRITE_METHODS = new Set(['create', 'update', 'delete']);

export interface UnifiedServiceDeps {
  access: AccountAccess;
  engine: UnifiedEngine;
}

export class UnifiedService {
  constructor(private readonly deps: UnifiedServiceDeps) {}

  resourceInfo(model: string, resource: string): UnifiedResource {
    // Own entries only (findUnified*): `constructor` must be an unknown model, not Object's.
    const found = findUnifiedModel(model);
    if (!found) throw errors.unknownModel(`Unknown unified model ${model}; known models: ${Object.keys(UNIFIED_MODELS).join(', ')}`);
    const info = findUnifiedResource(model, resource);
    if (!info) throw errors.unknownModel(`Unknown resource ${resource} of unified model ${model}; known resources: ${Object.keys(found.resources).join(', ')}`);
    return info;
  }

  async handle(req: UnifiedRequest): Promise<UnifiedResult> {
    const q = req.query;
    // For the request's log line, before anything can fail (logger.ts annotateRequest).
    annotateRequest(req.log, { account_id: q.integratedAccountId, model: req.model, resource: req.resource, resource_method: req.method });
    const info = this.resourceInfo(req.model, req.resource);
    const { account, mapping, exec } = await this.deps.access.resolve(req.environmentId, q.integratedAccountId, req.model, req.resource, req.method, req);
    // Reads are checked against what the integration accepts before any upstream call.
    const query =
      req.method === 'list' || req.method === 'get'
        ? checkUnifiedQuery(q.query, {
            schema: mapping.query_schema,
            modelParameters: Object.keys((info.query?.properties ?? {}) as object),
            integration: account.integration,
            target: `${req.model}/${req.resource} ${req.method}`,
          })
        : q.query;
    const call: UnifiedCall = {
      model: req.model,
      resource: req.resource,
      method: req.method,
      id: req.id,
      body: req.body,
      query,
      rawQuery: q.rawQuery,
      remoteQuery: q.remoteQuery,
      limit: q.limit,
      nextCursor: q.nextCursor,
      skipApiCall: q.skipApiCall,
    };
    const shape: ShapeOptions = {
      normalized: q.format === 'normalized' ? info.schema : undefined,
      ignoreRemoteData: q.ignoreRemoteData,
      excludeFields: q.excludeFields,
    };
    const skippedHeaders = q.skipApiCall ? { 'x-tessera-skipped-api-call': 'true' } : undefined;

    if (req.method === 'list') {
      if (q.format === 'stream') return { kind: 'stream', ...ndjsonList(this.deps.engine, exec, mapping, call, info, shape) };
      if (q.ignoreLimit && q.format !== 'debug' && req.streaming) {
        const options = { raw: q.format === 'raw', keyBy: q.keyBy, headers: skippedHeaders };
        return { kind: 'stream', ...jsonList(this.deps.engine, exec, mapping, call, info, shape, options) };
      }
      let page: ListPage;
      if (q.ignoreLimit) {
        const all: MappedRecord[] = [];
        let looping = false;
        const outcome = await this.deps.engine.listAll(exec, mapping, call, info, async (p) => {
          all.push(...p.records);
          looping ||= p.looping;
        });
        page = { records: all, nextCursor: outcome.resumeCursor, looping, partial: outcome.partial };
      } else {
        page = await this.deps.engine.list(exec, mapping, call, info);
      }
      if (q.format === 'raw') {
        return {
          kind: 'json',
          status: 200,
          body: listEnvelope(
            page.records.map((r) => r.raw),
            page,
            page.records.length,
          ),
        };
      }
      const keys = q.keyBy ? page.records.map((r) => keyOf(r.unified, q.keyBy!)) : undefined;
      const shaped = page.records.map((r) => shapeRecord(r.unified, shape));
      const result = keys ? keyRecords(shaped, keys) : shaped;
      if (q.format === 'debug') {
        const debug = q.skipApiCall
          ? null
          : {
              ...this.deps.engine.debugInfo(exec),
              nextCursor: page.nextCursor,
              isLooping: page.looping,
              isEmptyResult: shaped.length === 0,
              resultCount: shaped.length,
            };
        return { kind: 'json', status: 200, body: { result, debug }, headers: skippedHeaders };
      }
      return { kind: 'json', status: 200, body: listEnvelope(result, page, shaped.length), headers: skippedHeaders };
    }

    if (req.method === 'get') {
      const record = await this.deps.engine.get(exec, mapping, { ...call, bypassIndex: q.format === 'debug' }, info);
      if (q.format === 'raw') return { kind: 'json', status: 200, body: record.raw };
      const shaped = shapeRecord(record.unified, shape);
      if (q.format === 'debug') {
        return { kind: 'json', status: 200, body: { result: shaped, debug: q.skipApiCall ? null : this.deps.engine.debugInfo(exec) }, headers: skippedHeaders };
      }
      return { kind: 'json', status: 200, body: shaped, headers: skippedHeaders };
    }

    // create, update, delete and custom methods.
    const getMapping = mapping.respond_with_get ? await this.deps.access.mappingFor(account, req.model, req.resource, 'get') : undefined;
    const written = await this.deps.engine.write(exec, mapping, call, info, getMapping);
    if (req.method === 'delete') {
      const body = q.format === 'raw' ? written.raw : { id: req.id };
      return { kind: 'json', status: 200, body: q.format === 'debug' ? { result: body, debug: this.debug(exec, q) } : body, headers: skippedHeaders };
    }
    if (q.format === 'raw') return { kind: 'json', status: 200, body: written.raw ?? {} };
    const shaped = written.record ? shapeRecord(written.record.unified, shape) : {};
    const body = WRITE_METHODS.has(req.method) ? shaped : { result: written.record ? shaped : written.result };
    return { kind: 'json', status: 200, body: q.format === 'debug' ? { result: body, debug: this.debug(exec, q) } : body, headers: skippedHeaders };
  }

  private debug(exec: Execution, q: UnifiedQuery) {
    return q.skipApiCall ? null : this.deps.engine.debugInfo(exec);
  }
}

function listEnvelope(result: unknown, page: ListPage, count: number) {
  return {
    result,
    next_cursor: page.nextCursor,
    prev_cursor: null,
    result_count: count,
    ...(page.partial ? { is_partial_response: true } : {}),
  };
}
