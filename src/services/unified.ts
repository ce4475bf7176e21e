import { errors } from '../errors/catalogue.ts';
import { createExecution } from '../engine/create-execution.ts';
import { mergeMappingLayers } from '../engine/merge-mapping.ts';
import { keyOf, keyRecords, shapeRecord, type ShapeOptions } from '../engine/shape-records.ts';
import type { Execution } from '../engine/types.ts';
import type { ListPage, MappedRecord, UnifiedCall } from '../engine/unified-engine.ts';
import type { UnifiedQuery } from '../http/query.ts';
import type { MappingConfig } from '../integrations/definition-schema.ts';
import { findUnifiedResource, UNIFIED_MODELS, type UnifiedResource } from '../models/index.ts';
import type { IntegratedAccountRecord } from '../store/types.ts';
import type { AppServices } from './app-services.ts';
import { effectiveIntegration } from './integrated-accounts.ts';

/** What a unified request produces: JSON, or NDJSON lines written as pages arrive. */
export type UnifiedResult =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'ndjson'; pages: (write: (records: unknown[]) => Promise<void>) => Promise<void> };

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
}

const WRITE_METHODS = new Set(['create', 'update', 'delete']);

export class UnifiedService {
  constructor(private readonly app: AppServices) {}

  resourceInfo(model: string, resource: string): UnifiedResource {
    if (!UNIFIED_MODELS[model]) throw errors.notFound(`Unknown unified model ${model}; known models: ${Object.keys(UNIFIED_MODELS).join(', ')}`);
    const info = findUnifiedResource(model, resource);
    if (!info) throw errors.notFound(`Unknown resource ${resource} of unified model ${model}; known resources: ${Object.keys(UNIFIED_MODELS[model].resources).join(', ')}`);
    return info;
  }

  /** Resolves and checks the account for a data-plane call (truto-contract.md §5.9 step 2). */
  async usableAccount(environmentId: string, id: string, method: string): Promise<IntegratedAccountRecord> {
    const account = await this.app.accounts.get(environmentId, id);
    if (account.is_blocked) throw errors.accountBlocked();
    if (account.status === 'needs_reauth') throw errors.needsReauth();
    if (account.is_sandbox && method !== 'list' && method !== 'get') throw errors.methodNotAllowed('Sandbox integrated accounts are read-only');
    return account;
  }

  /** base ← environment ← integrated account (truto-contract.md §12.3). */
  async mappingFor(account: IntegratedAccountRecord, model: string, resource: string, method: string): Promise<MappingConfig> {
    const environmentLayer = await this.app.environmentMappings.layerFor(account.environment_id, account.integration, model, resource, method);
    const accountLayer = (account.unified_model_override as any)?.[model]?.[resource]?.[method] as Partial<MappingConfig> | undefined;
    const mapping = mergeMappingLayers([this.app.catalog.getMapping(account.integration, model, resource, method), environmentLayer as Partial<MappingConfig>, accountLayer]);
    if (!mapping) throw errors.notFound(`Method ${method} is not supported for ${model}/${resource} on integration ${account.integration}`);
    return mapping;
  }

  execution(account: IntegratedAccountRecord, req: Pick<UnifiedRequest, 'signal' | 'idempotencyKey'>): Execution {
    const integration = this.app.catalog.getIntegration(account.integration);
    if (!integration) throw errors.notFound(`Integration ${account.integration} is not installed on this server`);
    return createExecution({ integration: effectiveIntegration(integration, account), account, services: this.app.engineServices, config: this.app.config.upstream, signal: req.signal, idempotencyKey: req.idempotencyKey });
  }

  async handle(req: UnifiedRequest): Promise<UnifiedResult> {
    const info = this.resourceInfo(req.model, req.resource);
    const q = req.query;
    const account = await this.usableAccount(req.environmentId, q.integratedAccountId, req.method);
    const mapping = await this.mappingFor(account, req.model, req.resource, req.method);
    const exec = this.execution(account, req);
    const call: UnifiedCall = {
      model: req.model,
      resource: req.resource,
      method: req.method,
      id: req.id,
      body: req.body,
      query: q.query,
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
      if (q.format === 'stream') {
        return {
          kind: 'ndjson',
          pages: async (write) => {
            await this.app.engine.listAll(exec, mapping, call, info, (page) => write(page.records.map((r) => shapeRecord(r.unified, shape))));
          },
        };
      }
      let page: ListPage;
      if (q.ignoreLimit) {
        const all: MappedRecord[] = [];
        let looping = false;
        const outcome = await this.app.engine.listAll(exec, mapping, call, info, async (p) => {
          all.push(...p.records);
          looping ||= p.looping;
        });
        page = { records: all, nextCursor: outcome.resumeCursor, looping, partial: outcome.partial };
      } else {
        page = await this.app.engine.list(exec, mapping, call, info);
      }
      if (q.format === 'raw') {
        return { kind: 'json', status: 200, body: listEnvelope(page.records.map((r) => r.raw), page, page.records.length) };
      }
      const keys = q.keyBy ? page.records.map((r) => keyOf(r.unified, q.keyBy!)) : undefined;
      const shaped = page.records.map((r) => shapeRecord(r.unified, shape));
      const result = keys ? keyRecords(shaped, keys) : shaped;
      if (q.format === 'debug') {
        const debug = q.skipApiCall
          ? null
          : { ...this.app.engine.debugInfo(exec), nextCursor: page.nextCursor, isLooping: page.looping, isEmptyResult: shaped.length === 0, resultCount: shaped.length };
        return { kind: 'json', status: 200, body: { result, debug }, headers: skippedHeaders };
      }
      return { kind: 'json', status: 200, body: listEnvelope(result, page, shaped.length), headers: skippedHeaders };
    }

    if (req.method === 'get') {
      const record = await this.app.engine.get(exec, mapping, call, info);
      if (q.format === 'raw') return { kind: 'json', status: 200, body: record.raw };
      const shaped = shapeRecord(record.unified, shape);
      if (q.format === 'debug') {
        return { kind: 'json', status: 200, body: { result: shaped, debug: q.skipApiCall ? null : this.app.engine.debugInfo(exec) }, headers: skippedHeaders };
      }
      return { kind: 'json', status: 200, body: shaped, headers: skippedHeaders };
    }

    // create, update, delete and custom methods.
    const getMapping = mapping.respond_with_get ? await this.mappingFor(account, req.model, req.resource, 'get') : undefined;
    const written = await this.app.engine.write(exec, mapping, call, info, getMapping);
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
    return q.skipApiCall ? null : this.app.engine.debugInfo(exec);
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
