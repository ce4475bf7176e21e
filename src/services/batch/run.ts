import qs from 'qs';
import { errors, isTesseraError, type ErrorEnvelope } from '../../errors/catalogue.ts';
import type { Logger, RequestLogRecord } from '../../logger.ts';
import { parseUnifiedQuery } from '../../query/unified-query.ts';
import type { AccountAccess } from '../account-access.ts';
import type { ProxyService } from '../proxy.ts';
import type { UnifiedService } from '../unified.ts';
import { loopElements, renderCall, runScope, type RenderedCall } from './placeholders.ts';
import type { BatchPlan, PlannedResource } from './plan.ts';

/**
 * Runs a planned batch (docs/batch.md) through the same services as /unified and /proxy, so
 * account access, egress, mappings and upstream limits are the ones a single call gets. A
 * resource starts when its dependency has finished; independent ones run side by side, at most
 * CONCURRENCY calls at a time. A failure stays with its resource: dependants are skipped with an
 * error that names it, the others carry on.
 */

export const CONCURRENCY = 4;
/** Pages one list follows (per run); past it the list is cut and the resource marked truncated. */
export const MAX_PAGES = 20;
/** Records one resource collects over all its runs and pages. */
export const MAX_RECORDS = 2000;
/** Runs one resource may expand to (records of its dependency × elements of loop_on). */
export const MAX_RUNS = 100;

export interface BatchResponse {
  result: Record<string, unknown>;
  errors: Record<string, ErrorEnvelope>;
  /** Extension: keys whose lists stopped at MAX_PAGES or MAX_RECORDS; absent when none did. */
  truncated?: Record<string, true>;
}

export interface BatchRunContext {
  environmentId: string;
  signal?: AbortSignal;
  log?: RequestLogRecord;
  /** Called before every upstream-bound call: the route counts it against the account's rate limit. */
  beforeCall?: () => Promise<void>;
}

export interface BatchServiceDeps {
  access: AccountAccess;
  unified: UnifiedService;
  proxy: ProxyService;
  logger: Logger;
}

interface Outcome {
  ok: boolean;
  /** What result[key] holds. */
  value?: unknown;
  /** What dependants run for: each record of a list, or the one object. */
  records: unknown[];
  error?: ErrorEnvelope;
}

/** A call's answer: a list's records over its pages, or one body. */
interface CallAnswer {
  list: boolean;
  value: unknown;
  truncated: boolean;
}

const READS = new Set(['list', 'get']);

export class BatchService {
  constructor(private readonly deps: BatchServiceDeps) {}

  async run(plan: BatchPlan, ctx: BatchRunContext): Promise<BatchResponse> {
    // One 404 for the whole batch rather than the same 404 under every key.
    await this.deps.access.get(ctx.environmentId, plan.accountId);
    const gate = new Gate(CONCURRENCY);
    const byKey = new Map(plan.resources.map((r) => [r.key, r]));
    const outcomes = new Map<string, Promise<Outcome>>();
    const truncated = new Set<string>();
    const outcomeOf = (key: string): Promise<Outcome> => {
      let p = outcomes.get(key);
      if (!p) {
        const r = byKey.get(key)!;
        p = (async () => {
          const dependency = r.dependsOn === undefined ? undefined : await outcomeOf(r.dependsOn);
          return this.runResource(plan, r, dependency, ctx, gate, () => truncated.add(r.key));
        })();
        outcomes.set(key, p);
      }
      return p;
    };
    const settled = await Promise.all(plan.resources.map(async (r) => [r, await outcomeOf(r.key)] as const));
    const response: BatchResponse = { result: {}, errors: {} };
    for (const [r, outcome] of settled) {
      if (!outcome.ok) response.errors[r.key] = outcome.error!;
      else if (r.persist) response.result[r.key] = outcome.value;
    }
    if (truncated.size) response.truncated = Object.fromEntries([...truncated].map((k) => [k, true as const]));
    return response;
  }

  private async runResource(
    plan: BatchPlan,
    r: PlannedResource,
    dependency: Outcome | undefined,
    ctx: BatchRunContext,
    gate: Gate,
    markTruncated: () => void,
  ): Promise<Outcome> {
    if (dependency && !dependency.ok) {
      const cause = dependency.error!;
      return this.failed(errors.batchDependencyFailed(`Skipped: ${r.key} depends on ${r.dependsOn}, which failed (${cause.statusCode} ${cause.message})`));
    }
    try {
      const scopes = this.expand(plan, r, dependency);
      // Every run is awaited, failed or not, so none outlives the batch; the first failure in order is reported.
      const settled = await Promise.allSettled(scopes.map((scope) => gate.run(() => this.call(plan.accountId, r, renderCall(r, scope), ctx))));
      const failure = settled.find((s) => s.status === 'rejected');
      if (failure) throw failure.reason;
      const answers = settled.map((s) => (s as PromiseFulfilledResult<CallAnswer>).value);
      if (answers.some((a) => a.truncated)) markTruncated();
      const list = answers.length ? answers[0].list : r.method === 'list';
      // Without a dependency a resource runs once: a list is its records, anything else its body.
      if (r.dependsOn === undefined) {
        const only = answers[0];
        return { ok: true, value: only.value, records: only.list ? (only.value as unknown[]) : [only.value] };
      }
      // Once per record or element: lists concatenate, other answers are collected in order.
      const values = list ? answers.flatMap((a) => a.value as unknown[]) : answers.map((a) => a.value);
      if (list && values.length > MAX_RECORDS) {
        markTruncated();
        values.length = MAX_RECORDS;
      }
      return { ok: true, value: values, records: values };
    } catch (e) {
      return this.failed(e);
    }
  }

  /** The scopes a resource runs under: one without a dependency, else one per record (× loop_on elements). */
  private expand(plan: BatchPlan, r: PlannedResource, dependency: Outcome | undefined) {
    if (!dependency) return [runScope(plan.args)];
    const scopes = [];
    for (const record of dependency.records) {
      const base = runScope(plan.args, r.dependsOn, record);
      if (r.loopOn === undefined) scopes.push(base);
      else for (const item of loopElements(r.loopOn, base)) scopes.push(runScope(plan.args, r.dependsOn, record, item));
    }
    if (scopes.length > MAX_RUNS) {
      throw errors.badRequest(
        `${r.key} would run ${scopes.length} times (once per ${r.loopOn ? 'loop_on element' : `record of ${r.dependsOn}`}); a batch resource runs at most ${MAX_RUNS} times`,
      );
    }
    return scopes;
  }

  private failed(e: unknown): Outcome {
    if (isTesseraError(e)) return { ok: false, records: [], error: e.toEnvelope() };
    this.deps.logger.error({ err: { message: (e as Error)?.message, stack: (e as Error)?.stack } }, 'batch resource failed');
    return { ok: false, records: [], error: errors.internal().toEnvelope() };
  }

  private async call(accountId: string, r: PlannedResource, call: RenderedCall, ctx: BatchRunContext): Promise<CallAnswer> {
    return r.kind === 'unified' ? this.unifiedCall(accountId, r, call, ctx) : this.proxyCall(accountId, r, call, ctx);
  }

  /**
   * One call as the data plane answers it, a list as one page in its envelope (its `next_cursor`
   * taken from the query): for callers that page themselves, such as an account's MCP tools.
   */
  async single(accountId: string, r: PlannedResource, call: RenderedCall, ctx: BatchRunContext): Promise<unknown> {
    const answer = r.kind === 'unified' ? await this.unifiedCall(accountId, r, call, ctx, false) : await this.proxyCall(accountId, r, call, ctx, false);
    return answer.value;
  }

  private async unifiedCall(accountId: string, r: PlannedResource, call: RenderedCall, ctx: BatchRunContext, paginate = true): Promise<CallAnswer> {
    const { truto_response_format: asked, ...rest } = call.query;
    const format = r.format ?? asked ?? 'unified';
    if (format !== 'unified' && format !== 'raw' && format !== 'normalized') {
      throw errors.invalidQuery(`${r.key}: response_format must be unified, raw or normalized in a batch, got ${JSON.stringify(format)}`);
    }
    // A keyed list is an object, not records: dependants and page merging need the records.
    if (rest.truto_key_by !== undefined) throw errors.invalidQuery(`${r.key}: truto_key_by is not supported in a batch; key the records yourself from result`);
    // The same parser as /unified, so every truto_* parameter means here what it means there.
    const queryString = (cursor?: string) =>
      qs.stringify({ ...rest, integrated_account_id: accountId, truto_response_format: format, ...(cursor ? { next_cursor: cursor } : {}) });
    const once = async (cursor?: string) => {
      await ctx.beforeCall?.();
      const result = await this.deps.unified.handle({
        environmentId: ctx.environmentId,
        model: r.model!,
        resource: r.resource,
        method: r.method,
        id: call.id,
        body: READS.has(r.method) || r.method === 'delete' ? undefined : call.body,
        query: parseUnifiedQuery(queryString(cursor)),
        signal: ctx.signal,
        log: ctx.log,
      });
      if (result.kind !== 'json') throw errors.internal('A batch resource produced a stream');
      return result.body;
    };
    if (r.method !== 'list' || !paginate) return { list: false, value: await once(), truncated: false };
    return this.pages(once);
  }

  private async proxyCall(accountId: string, r: PlannedResource, call: RenderedCall, ctx: BatchRunContext, paginate = true): Promise<CallAnswer> {
    const query: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(call.query)) {
      if (k !== 'integrated_account_id' && k !== 'next_cursor' && k !== 'limit' && !k.startsWith('truto_')) query[k] = v;
    }
    const limit = call.query.limit === undefined ? undefined : Number(call.query.limit);
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 10_000)) {
      throw errors.invalidQuery(`${r.key}: limit must be an integer from 1 to 10000`);
    }
    const once = async (cursor?: string) => {
      await ctx.beforeCall?.();
      const result = await this.deps.proxy.handle({
        environmentId: ctx.environmentId,
        accountId,
        resource: r.resource,
        method: r.method,
        id: call.id,
        query,
        limit,
        nextCursor: cursor,
        body: READS.has(r.method) || r.method === 'delete' ? undefined : call.body,
        signal: ctx.signal,
        log: ctx.log,
      });
      return result.body;
    };
    if (r.method !== 'list') return { list: false, value: await once(), truncated: false };
    if (!paginate) {
      const cursor = call.query.next_cursor;
      return { list: false, value: await once(typeof cursor === 'string' && cursor ? cursor : undefined), truncated: false };
    }
    return this.pages(once);
  }

  /** Follows next_cursor to the end, or to MAX_PAGES pages / MAX_RECORDS records. */
  private async pages(fetchPage: (cursor?: string) => Promise<unknown>): Promise<CallAnswer> {
    const records: unknown[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const body = (await fetchPage(cursor)) as { result?: unknown; next_cursor?: unknown };
      if (Array.isArray(body.result)) records.push(...(body.result as unknown[]));
      cursor = typeof body.next_cursor === 'string' && body.next_cursor ? body.next_cursor : undefined;
      if (records.length >= MAX_RECORDS)
        return { list: true, value: records.slice(0, MAX_RECORDS), truncated: records.length > MAX_RECORDS || cursor !== undefined };
      if (!cursor) return { list: true, value: records, truncated: false };
    }
    return { list: true, value: records, truncated: true };
  }
}

/** At most `slots` calls at once; the rest wait their turn in order. */
class Gate {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly slots: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    // A finishing call hands its slot straight to the next in line, so no newcomer slips past it.
    if (this.active >= this.slots) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
