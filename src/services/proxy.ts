import { JSON_TYPE } from '../media-types.ts';
import { callResource } from '../engine/resource-call.ts';
import { runIntegrationSteps } from '../engine/steps.ts';
import type { PageState } from '../engine/pagination.ts';
import { errors } from '../errors/catalogue.ts';
import { ownValue } from '../query/safe-input.ts';
import type { CursorCodec } from '../engine/cursor.ts';
import { annotateRequest, type RequestLogRecord } from '../logger.ts';
import type { AccountAccess } from './account-access.ts';

export interface ProxyRequest {
  environmentId: string;
  accountId: string;
  resource: string;
  method: string;
  id?: string;
  query: Record<string, unknown>;
  limit?: number;
  nextCursor?: string;
  body?: unknown;
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** The request's log line (logger.ts). */
  log?: RequestLogRecord;
}

export interface CustomRequest {
  environmentId: string;
  accountId: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  body?: string;
  contentType?: string;
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** The request's log line (logger.ts). */
  log?: RequestLogRecord;
}

/** Proxy and custom calls: the integration's definition without a unified mapping. */
export interface ProxyServiceDeps {
  access: AccountAccess;
  cursors: CursorCodec;
}

export class ProxyService {
  constructor(private readonly deps: ProxyServiceDeps) {}

  async handle(req: ProxyRequest): Promise<{ status: number; body: unknown }> {
    // For the request's log line, before anything can fail (logger.ts annotateRequest).
    annotateRequest(req.log, { account_id: req.accountId, resource: req.resource, resource_method: req.method });
    const account = await this.deps.access.usable(req.environmentId, req.accountId, req.method, req.log);
    const exec = this.deps.access.execution(account, req);
    // Own entries only: `/proxy/constructor` must be an unknown resource, not Object's members.
    const methods = ownValue(exec.integration.resources as Record<string, Record<string, unknown>>, req.resource);
    if (!ownValue(methods, req.method))
      throw errors.methodNotSupported(`Resource ${req.resource} has no method ${req.method} on integration ${exec.integration.name}`);
    await runIntegrationSteps(exec);
    const scope = { account: account.id, target: `proxy/${req.resource}` };
    const pageState = req.nextCursor ? (this.deps.cursors.decode(scope, req.nextCursor) as PageState) : undefined;
    const result = await callResource(exec, {
      resource: req.resource,
      method: req.method,
      id: req.id,
      query: req.query,
      limit: req.limit,
      pageState,
      body: req.body,
      role: 'main',
    });
    if (req.method !== 'list') return { status: 200, body: result.response.body ?? {} };
    return {
      status: 200,
      body: {
        result: result.records,
        next_cursor: result.nextState ? this.deps.cursors.encode(scope, result.nextState) : null,
        prev_cursor: null,
        result_count: result.records.length,
        ...(result.looping ? { is_partial_response: true } : {}),
      },
    };
  }

  async custom(req: CustomRequest): Promise<{ status: number; body: string | null; headers: Record<string, string> }> {
    annotateRequest(req.log, { account_id: req.accountId });
    if (!/^(get|post|put|patch|delete)$/.test(req.method)) throw errors.methodNotAllowed(`Method ${req.method.toUpperCase()} is not supported on /custom`);
    const account = await this.deps.access.usable(req.environmentId, req.accountId, req.method === 'get' ? 'get' : 'custom', req.log);
    const exec = this.deps.access.execution(account, req);
    await runIntegrationSteps(exec);
    const result = await callResource(exec, {
      resource: '',
      method: req.method,
      query: req.query,
      body: req.body,
      headers: req.contentType ? { 'content-type': req.contentType } : undefined,
      rawPath: { method: req.method, path: req.path },
      role: 'main',
    });
    const { body, contentType, status } = result.response;
    const text = body === null || body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body);
    return { status, body: status === 204 ? null : text, headers: { 'content-type': typeof body === 'string' ? contentType || 'text/plain' : JSON_TYPE } };
  }
}
