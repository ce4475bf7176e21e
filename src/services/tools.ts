import { errors } from '../errors/catalogue.ts';
import type { Catalog } from '../integrations/catalog.ts';
import type { IntegrationDefinition } from '../integrations/definition-schema.ts';
import { findUnifiedModel, findUnifiedResource, type JsonSchema } from '../models/index.ts';
import type { IntegratedAccountRecord, TextMatch } from '../store/types.ts';
import type { AccountAccess } from './account-access.ts';
import { STANDARD_METHODS, type DiscoveryService } from './discovery.ts';

/**
 * GET /integrated-account/{id}/tools (docs/tools.md): what one account can do, one tool per
 * (resource, method), each with JSON Schemas of its arguments, for LLM function calling and the
 * account's MCP endpoint. Built from the account's capabilities (discovery.ts), so a tool exists
 * exactly when a data-plane call would be accepted: unified methods from the merged mappings,
 * proxy methods from the effective integration definition.
 */

export interface Tool {
  /** Unique within the account; [A-Za-z0-9_-], at most 64 characters (MCP's rule). */
  name: string;
  description: string;
  kind: 'unified' | 'proxy';
  /** The unified model, for unified tools. */
  model?: string;
  resource: string;
  method: string;
  /** The call's arguments: query parameters, with `id` for methods that take one. */
  query_schema: JsonSchema;
  /** The request body; an empty object schema for methods without one. */
  body_schema: JsonSchema;
  /** Required argument names of query_schema (Truto's SDK reads this list). */
  required: string[];
  /** What `tags=` matches: the kind, `read` or `write`, the model, and the integration's `tool_tags` for the resource. */
  tags: string[];
}

export interface ToolFilters {
  methods?: TextMatch;
  tags?: TextMatch;
  resource?: TextMatch;
}

export interface ToolsDeps {
  catalog: Catalog;
  access: AccountAccess;
  discovery: DiscoveryService;
}

const ID_METHODS = new Set(['get', 'update', 'delete']);
const READ_METHODS = new Set(['list', 'get']);
const EMPTY_BODY: JsonSchema = { type: 'object', properties: {} };

const LIST_QUERY: Record<string, JsonSchema> = {
  limit: { type: 'integer', minimum: 1, description: 'Records per page' },
  next_cursor: { type: 'string', description: 'The next_cursor of the previous page, to continue a list' },
};

function idProperty(what: string): JsonSchema {
  return { type: 'string', description: `The id of the ${what}` };
}

/** A tool name MCP accepts: the parts joined by `_`, anything else folded to `_`, at most 64 characters. */
export function toolName(...parts: string[]): string {
  return parts
    .join('_')
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '')
    .slice(0, 64);
}

/** A record schema reused as an argument schema: no `$id` (two tools must not claim one id), no title. */
function asArgument(schema: JsonSchema, keepRequired: boolean): JsonSchema {
  const { $id: _id, $schema: _schema, title: _title, required, ...rest } = schema;
  return keepRequired && required ? { ...rest, required } : rest;
}

/** Query properties and required names, with the method's own (`id`, paging) added. */
function querySchema(method: string, declared: JsonSchema | undefined, what: string, takesId: boolean): { schema: JsonSchema; required: string[] } {
  const properties: Record<string, unknown> = { ...((declared?.properties as Record<string, unknown> | undefined) ?? {}) };
  const required = [...((declared?.required as string[] | undefined) ?? [])];
  if (method === 'list') Object.assign(properties, LIST_QUERY);
  if (takesId) {
    properties.id = idProperty(what);
    if (!required.includes('id')) required.unshift('id');
  }
  return { schema: { type: 'object', properties, ...(required.length ? { required } : {}) }, required };
}

function matches(values: string[], match: TextMatch | undefined): boolean {
  if (!match) return true;
  if (match.in && !values.some((v) => match.in!.includes(v))) return false;
  return !values.some((v) => match.nin?.includes(v));
}

export class ToolsService {
  constructor(private readonly deps: ToolsDeps) {}

  async forAccount(environmentId: string, accountId: string, filters: ToolFilters = {}): Promise<Tool[]> {
    const account = await this.deps.access.get(environmentId, accountId);
    const def = this.deps.catalog.getIntegration(account.integration);
    if (!def) throw errors.integrationNotFound(`Integration ${account.integration} of integrated account ${account.id} is not installed on this server`);
    const integration = await this.deps.access.integrationFor(account);
    const caps = await this.deps.discovery.capabilitiesForAccount(environmentId, accountId, { type: 'all', methods: [], resources: [], hasDescription: false });
    const tools: Tool[] = [];
    for (const u of caps.unified) {
      for (const method of u.methods) tools.push(await this.unifiedTool(account, integration, u.model, u.resource, method));
    }
    for (const p of caps.proxy) {
      for (const m of p.methods) tools.push(this.proxyTool(integration, p.resource, m.method, m.name, m.description));
    }
    this.checkMethods(filters.methods, tools);
    return tools.filter((t) => matches([t.method], filters.methods) && matches(t.tags, filters.tags) && matches([t.resource], filters.resource));
  }

  /** A method name that is neither standard nor one of this account's is a typo: say so rather than return nothing. */
  private checkMethods(match: TextMatch | undefined, tools: Tool[]): void {
    const known = new Set<string>([...STANDARD_METHODS, ...tools.map((t) => t.method)]);
    const unknown = [...(match?.in ?? []), ...(match?.nin ?? [])].filter((m) => !known.has(m));
    if (unknown.length)
      throw errors.invalidQuery(`Unknown method ${unknown.join(', ')} in methods; this account's tools have methods ${[...known].join(', ')}`);
  }

  private async unifiedTool(
    account: IntegratedAccountRecord,
    integration: IntegrationDefinition,
    model: string,
    resource: string,
    method: string,
  ): Promise<Tool> {
    const info = findUnifiedResource(model, resource)!;
    const modelInfo = findUnifiedModel(model)!;
    const mapping = await this.deps.access.mappingFor(account, model, resource, method);
    const label = info.label.toLowerCase();
    const declared = mapping.query_schema ?? (method === 'list' ? info.query : undefined);
    const query = querySchema(method, declared, label, ID_METHODS.has(method));
    const writes = method === 'create' || method === 'update';
    const body = mapping.request_body_schema ?? (writes ? asArgument(info.schema, method === 'create') : EMPTY_BODY);
    const verbs: Record<string, string> = {
      list: `List ${resource}`,
      get: `Get one ${label} by id`,
      create: `Create a ${label}`,
      update: `Update a ${label} by id`,
      delete: `Delete a ${label} by id`,
    };
    const what = verbs[method] ?? `Run the custom method ${method} on ${resource}`;
    return {
      name: toolName(method, model, resource),
      description: `${what} through the Unified ${modelInfo.label} API (${integration.label ?? integration.name})${info.description ? `: ${info.description}` : ''}`,
      kind: 'unified',
      model,
      resource,
      method,
      query_schema: query.schema,
      body_schema: body,
      required: query.required,
      tags: this.tags(integration, resource, 'unified', method, model),
    };
  }

  private proxyTool(integration: IntegrationDefinition, resource: string, method: string, name: string, description: string | null): Tool {
    const def = integration.resources[resource]?.[method];
    // A proxy get of a singleton (`/orgs/{{context.org}}`) takes no id: only a path that places one asks for it.
    const takesId = ID_METHODS.has(method) && /\{\{\s*id\b/.test(def?.path ?? '');
    const query = querySchema(method, def?.query_schema, `${resource} record`, takesId);
    return {
      name: toolName(name),
      description: description ?? `Call ${method} on the ${integration.label ?? integration.name} resource ${resource} (proxy: the provider's own records)`,
      kind: 'proxy',
      resource,
      method,
      query_schema: query.schema,
      body_schema: def?.body_schema ?? EMPTY_BODY,
      required: query.required,
      tags: this.tags(integration, resource, 'proxy', method),
    };
  }

  private tags(integration: IntegrationDefinition, resource: string, kind: string, method: string, model?: string): string[] {
    const declared = (integration as { tool_tags?: Record<string, unknown> }).tool_tags?.[resource];
    const own = Array.isArray(declared) ? declared.filter((t): t is string => typeof t === 'string') : [];
    return [...new Set([kind, READ_METHODS.has(method) ? 'read' : 'write', ...(model ? [model] : []), ...own])];
  }
}
