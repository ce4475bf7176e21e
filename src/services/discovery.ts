import { CAPABILITY_TYPES, STANDARD_METHODS, type CapabilitiesResponse, type CapabilityType, type MetaResponse } from './discovery-schemas.ts';
import { errors } from '../errors/catalogue.ts';
import { mergeMappingLayers } from '../engine/merge-mapping.ts';
import { toBoolean, toStringArray } from '../query/unified-query.ts';
import type { Catalog } from '../integrations/catalog.ts';
import type { IntegrationDefinition, MappingConfig } from '../integrations/definition-schema.ts';
import { findUnifiedModel, findUnifiedResource, UNIFIED_MODELS, type JsonSchema, type UnifiedModel, type UnifiedResource } from '../models/index.ts';
import type { EnvironmentMappingRecord, IntegratedAccountRecord } from '../store/types.ts';
import type { Store } from '../store/types.ts';
import type { AccountAccess } from './account-access.ts';
import { integrationCoverage } from './coverage.ts';
import { unmarked } from '../engine/expressions/provenance.ts';

/**
 * Discovery (docs/contract.md §3.2): what a unified method looks like for one account or one
 * integration (`meta`), and what an account or integration exposes (`capabilities`). The response
 * shapes are zod schemas so that /openapi.json publishes exactly what these functions return.
 */

export { STANDARD_METHODS, metaResponseSchema, capabilitiesResponseSchema, CAPABILITY_TYPES } from './discovery-schemas.ts';
export type { MetaResponse, CapabilitiesResponse, CapabilityType } from './discovery-schemas.ts';

export interface CapabilitiesFilters {
  type: CapabilityType;
  /** Proxy method names to keep; empty keeps all. */
  methods: string[];
  /** Resource names to keep (proxy and unified); empty keeps all. */
  resources: string[];
  /** true (the default) keeps only proxy methods that have a description; false keeps all. */
  hasDescription: boolean;
}

export function parseCapabilitiesFilters(query: Record<string, unknown>): CapabilitiesFilters {
  const type = query.type ?? 'all';
  if (typeof type !== 'string' || !CAPABILITY_TYPES.includes(type as CapabilityType)) {
    throw errors.invalidQuery(`type must be one of ${CAPABILITY_TYPES.join(', ')}, got ${JSON.stringify(type)}`);
  }
  return {
    type: type as CapabilityType,
    methods: toStringArray(query.methods, 'methods'),
    resources: toStringArray(query.resource, 'resource'),
    hasDescription: toBoolean(query.has_description, 'has_description') ?? true,
  };
}

/** Standard methods first in their usual order, then custom methods as declared. */
export function orderMethods(names: Iterable<string>): string[] {
  const all = [...new Set(names)];
  const standard = STANDARD_METHODS.filter((m) => all.includes(m));
  return [...standard, ...all.filter((m) => !(STANDARD_METHODS as readonly string[]).includes(m))];
}

function singular(resource: string): string {
  if (/ies$/.test(resource)) return resource.replace(/ies$/, 'y');
  if (/sses$/.test(resource)) return resource.replace(/es$/, '');
  if (/[^s]s$/.test(resource)) return resource.slice(0, -1);
  return resource;
}

/** Truto's tool-style names: list_all_hubspot_contacts, get_single_hubspot_contact_by_id, … */
export function proxyMethodName(integration: string, resource: string, method: string): string {
  const one = singular(resource);
  switch (method) {
    case 'list':
      return `list_all_${integration}_${resource}`;
    case 'get':
      return `get_single_${integration}_${one}_by_id`;
    case 'create':
      return `create_a_${integration}_${one}`;
    case 'update':
      return `update_a_${integration}_${one}_by_id`;
    case 'delete':
      return `delete_a_${integration}_${one}_by_id`;
    default:
      return `${method}_${integration}_${resource}`;
  }
}

/** JSON Schema of the response body of a unified method, given the record schema. */
export function unifiedResponseSchema(method: string, record: JsonSchema): JsonSchema {
  switch (method) {
    case 'list':
      return {
        type: 'object',
        properties: {
          result: { type: 'array', items: record },
          next_cursor: { type: ['string', 'null'] },
          prev_cursor: { type: 'null' },
          result_count: { type: 'integer', minimum: 0 },
          is_partial_response: { type: 'boolean' },
        },
        required: ['result', 'next_cursor', 'prev_cursor', 'result_count'],
      };
    case 'get':
    case 'create':
    case 'update':
      return record;
    case 'delete':
      return { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] };
    default:
      return { type: 'object', properties: { result: {} }, required: ['result'] };
  }
}

function modelOrThrow(model: string): UnifiedModel {
  const found = findUnifiedModel(model);
  if (!found) throw errors.unknownModel(`Unknown unified model ${model}; known models: ${Object.keys(UNIFIED_MODELS).join(', ')}`);
  return found;
}

function resourceOrThrow(model: string, resource: string): UnifiedResource {
  const m = modelOrThrow(model);
  const found = findUnifiedResource(model, resource);
  if (!found) throw errors.unknownModel(`Unknown resource ${resource} of unified model ${model}; known resources: ${Object.keys(m.resources).join(', ')}`);
  return found;
}

function accountOverride(account: IntegratedAccountRecord): Record<string, Record<string, Record<string, Partial<MappingConfig>>>> {
  const o = account.unified_model_override;
  return o && typeof o === 'object' ? (o as Record<string, Record<string, Record<string, Partial<MappingConfig>>>>) : {};
}

/** The first upstream call a mapping makes, as the engine runs it (phase 0, lookup 0, or itself). */
function firstCall(mapping: MappingConfig, method: string): { resource?: string; method: string; response_mapping?: string } {
  const step = mapping.phases?.[0] ?? mapping.lookup?.[0];
  const merged = step ? { ...mapping, ...step } : mapping;
  // Phases and lookups call lists unless they say otherwise; a single call uses the method's own name.
  return {
    resource: merged.resource,
    method: merged.method ?? (step ? 'list' : method),
    response_mapping: merged.response_mapping === undefined ? undefined : unmarked(merged.response_mapping),
  };
}

export interface ModelDocs {
  integration: { name: string; label: string; documentation_link: string | null };
  model: { name: string; label: string; description: string };
  resources: {
    resource: string;
    label: string;
    description: string;
    /** `covered`: this integration's mappings build the field (services/coverage.ts). */
    fields: { name: string; type: string; required: boolean; description: string; covered: boolean }[];
    methods: { method: string; documentation_link: string | null; query_schema: unknown; request_body_schema: unknown; response_mapping: string | null }[];
  }[];
}

export interface DiscoveryDeps {
  catalog: Catalog;
  store: Store;
  access: AccountAccess;
}

export class DiscoveryService {
  constructor(private readonly app: DiscoveryDeps) {}

  private get catalog(): Catalog {
    return this.app.catalog;
  }

  integrationOrThrow(name: string): IntegrationDefinition {
    const def = this.catalog.getIntegration(name);
    if (!def)
      throw errors.integrationNotFound(`Integration ${name} not found; known integrations: ${[...this.catalog.integrations.keys()].join(', ') || '(none)'}`);
    return def;
  }

  /** Methods an integration maps for (model, resource), from the bundled mapping rows. */
  baseMethods(integration: string, model: string, resource: string): string[] {
    return Object.keys(this.catalog.mappings.get(`${integration}/${model}/${resource}`)?.methods ?? {});
  }

  /**
   * Methods one account can call on (model, resource): the bundled rows, its environment's
   * override rows and its own unified_model_override (any layer may add a method).
   */
  accountMethods(account: IntegratedAccountRecord, environmentRows: EnvironmentMappingRecord[], model: string, resource: string): string[] {
    const override = accountOverride(account)[model]?.[resource] ?? {};
    return orderMethods([
      ...this.baseMethods(account.integration, model, resource),
      ...environmentRows.filter((r) => r.model === model && r.resource === resource).map((r) => r.method),
      ...Object.keys(override).filter((m) => override[m] && typeof override[m] === 'object'),
    ]);
  }

  private environmentRows(account: IntegratedAccountRecord): Promise<EnvironmentMappingRecord[]> {
    return this.app.store.listEnvironmentMappings({ environment_id: account.environment_id, integration: account.integration });
  }

  async metaForAccount(environmentId: string, accountId: string, model: string, resource: string, method: string): Promise<MetaResponse> {
    const info = resourceOrThrow(model, resource);
    const account = await this.app.access.get(environmentId, accountId);
    const supported = this.accountMethods(account, await this.environmentRows(account), model, resource);
    if (!supported.includes(method)) throw this.unsupported(method, model, resource, account.integration, supported);
    // mappingFor is the data plane's own merge (base ← environment ← account): meta shows what a call would run.
    const mapping = await this.app.access.mappingFor(account, model, resource, method);
    this.integrationOrThrow(account.integration);
    const integration = await this.app.access.integrationFor(account);
    return this.meta(integration, info, method, mapping);
  }

  metaForIntegration(integrationName: string, model: string, resource: string, method: string): MetaResponse {
    const info = resourceOrThrow(model, resource);
    const integration = this.integrationOrThrow(integrationName);
    const mapping = mergeMappingLayers([this.catalog.getMapping(integration.name, model, resource, method)]);
    if (!mapping) throw this.unsupported(method, model, resource, integration.name, orderMethods(this.baseMethods(integration.name, model, resource)));
    return { ...this.meta(integration, info, method, mapping), response_schema: unifiedResponseSchema(method, info.schema) };
  }

  /**
   * `GET /unified/meta/{model}/{integration}` (docs/contract.md §3.2): one model on one
   * integration, every resource with its fields and the methods the bundled mappings provide.
   */
  modelDocs(integrationName: string, modelName: string): ModelDocs {
    const model = modelOrThrow(modelName);
    const integration = this.integrationOrThrow(integrationName);
    const coverage = integrationCoverage(this.catalog, model, integration.name);
    const resources = Object.entries(model.resources).map(([resource, info]) => {
      const properties = (info.schema.properties ?? {}) as Record<string, { type?: unknown; description?: string; enum?: unknown[] }>;
      const required = new Set((info.schema.required ?? []) as string[]);
      const covered = new Set(coverage.find((c) => c.resource === resource)?.fields ?? []);
      return {
        resource,
        label: info.label,
        description: info.description,
        fields: Object.entries(properties).map(([name, p]) => ({
          name,
          type: Array.isArray(p.type) ? p.type.join(' | ') : String(p.type ?? 'any'),
          required: required.has(name),
          description: [p.description, p.enum ? `one of ${p.enum.join(', ')}` : undefined].filter(Boolean).join('; '),
          covered: covered.has(name),
        })),
        methods: orderMethods(this.baseMethods(integration.name, modelName, resource)).map((method) => {
          const meta = this.metaForIntegration(integration.name, modelName, resource, method);
          return {
            method,
            documentation_link: meta.documentation_link,
            query_schema: meta.query_schema,
            request_body_schema: meta.request_body_schema,
            response_mapping: meta.response_mapping,
          };
        }),
      };
    });
    return {
      integration: { name: integration.name, label: integration.label ?? integration.name, documentation_link: integration.documentation_link ?? null },
      model: { name: model.name, label: model.label, description: model.description },
      resources,
    };
  }

  private unsupported(method: string, model: string, resource: string, integration: string, supported: string[]) {
    const hint = supported.length ? `supported methods: ${supported.join(', ')}` : `integration ${integration} maps no method of ${model}/${resource}`;
    return errors.methodNotSupported(`Method ${method} is not supported for ${model}/${resource} on integration ${integration}; ${hint}`);
  }

  private meta(integration: IntegrationDefinition, info: UnifiedResource, method: string, mapping: MappingConfig): MetaResponse {
    const call = firstCall(mapping, method);
    const upstream = call.resource ? integration.resources[call.resource]?.[call.method] : undefined;
    return {
      method,
      schema: info.schema,
      documentation_link: mapping.documentation_link ?? upstream?.api_documentation_url ?? integration.documentation_link ?? null,
      response_mapping: call.response_mapping ?? null,
      query_schema: mapping.query_schema ?? null,
      request_body_schema: mapping.request_body_schema ?? null,
      default_query: mapping.default_query ?? null,
      default_body: mapping.default_body ?? null,
      integration: integration.name,
      mapping: mapping as Record<string, unknown>,
    };
  }

  async capabilitiesForAccount(environmentId: string, accountId: string, filters: CapabilitiesFilters): Promise<CapabilitiesResponse> {
    const account = await this.app.access.get(environmentId, accountId);
    const def = this.catalog.getIntegration(account.integration);
    if (!def) throw errors.integrationNotFound(`Integration ${account.integration} of integrated account ${account.id} is not installed on this server`);
    const integration = await this.app.access.integrationFor(account);
    const rows = await this.environmentRows(account);
    const unified = this.unifiedCapabilities(integration.name, filters, (model, resource) => this.accountMethods(account, rows, model, resource)).map((u) => ({
      ...u,
      env_overridden: rows.some((r) => r.model === u.model && r.resource === u.resource),
    }));
    const { integration: summary, ...rest } = this.capabilities(integration, filters, unified);
    return {
      integration: summary,
      environment_id: account.environment_id,
      ...rest,
      account: { id: account.id, status: account.status, authentication_method: account.authentication_method, is_blocked: account.is_blocked },
    };
  }

  capabilitiesForIntegration(name: string, filters: CapabilitiesFilters): CapabilitiesResponse {
    const integration = this.integrationOrThrow(name);
    const unified = this.unifiedCapabilities(integration.name, filters, (model, resource) => orderMethods(this.baseMethods(integration.name, model, resource)));
    return this.capabilities(integration, filters, unified);
  }

  private unifiedCapabilities(
    integration: string,
    filters: CapabilitiesFilters,
    methodsOf: (model: string, resource: string) => string[],
  ): CapabilitiesResponse['unified'] {
    if (filters.type === 'proxy') return [];
    const out: CapabilitiesResponse['unified'] = [];
    for (const model of Object.values(UNIFIED_MODELS)) {
      for (const [resource, info] of Object.entries(model.resources)) {
        if (filters.resources.length && !filters.resources.includes(resource)) continue;
        const methods = methodsOf(model.name, resource);
        if (!methods.length) continue;
        const docs = Object.values(this.catalog.mappings.get(`${integration}/${model.name}/${resource}`)?.methods ?? {}).find(
          (m) => m.documentation_link,
        )?.documentation_link;
        out.push({
          model: model.name,
          model_label: `Unified ${model.label} API`,
          resource,
          description: info.description || null,
          docs_url: docs ?? null,
          methods,
        });
      }
    }
    return out;
  }

  private capabilities(integration: IntegrationDefinition, filters: CapabilitiesFilters, unified: CapabilitiesResponse['unified']): CapabilitiesResponse {
    let total = 0;
    let described = 0;
    const proxy: CapabilitiesResponse['proxy'] = [];
    for (const [resource, methods] of Object.entries(integration.resources)) {
      const kept: CapabilitiesResponse['proxy'][number]['methods'] = [];
      for (const [method, def] of Object.entries(methods)) {
        const description = def.description?.trim() ? def.description : null;
        total++;
        if (description) described++;
        if (filters.type === 'unified') continue;
        if (filters.resources.length && !filters.resources.includes(resource)) continue;
        if (filters.methods.length && !filters.methods.includes(method)) continue;
        if (filters.hasDescription && !description) continue;
        kept.push({
          method,
          name: proxyMethodName(integration.name, resource, method),
          description,
          has_description: description !== null,
          has_query_schema: !!def.query_schema,
          has_body_schema: !!def.body_schema,
          has_response_schema: !!def.response_schema,
          api_documentation_url: def.api_documentation_url ?? null,
        });
      }
      if (kept.length) proxy.push({ resource, methods: kept });
    }
    return {
      integration: { id: integration.name, name: integration.name, label: integration.label, category: integration.category },
      proxy,
      unified,
      auth: authCapabilities(integration),
      ai_readiness: {
        proxy_methods: total,
        proxy_methods_with_descriptions: described,
        ai_ready_score: total ? Math.round((described / total) * 100) / 100 : 0,
      },
    };
  }
}

/** Credential formats and the fields a connect form renders (docs/contract.md §11.2). */
function authCapabilities(integration: IntegrationDefinition): CapabilitiesResponse['auth'] {
  const creds = integration.credentials;
  if (creds.format === 'api_key') {
    const link = creds.config.documentation_link ?? integration.documentation_link;
    return {
      formats: ['api_key'],
      fields: creds.config.fields.map((f) => ({
        name: f.name,
        label: f.label,
        type: f.type,
        required: f.required,
        format: f.format ?? null,
        ...(f.placeholder !== undefined ? { placeholder: f.placeholder } : {}),
        ...(f.help_text !== undefined ? { help_text: f.help_text } : {}),
        ...(f.options !== undefined ? { options: f.options } : {}),
      })),
      ...(link ? { documentation_link: link } : {}),
    };
  }
  const format = creds.config.grant_type === 'client_credentials' ? 'oauth2_client_credentials' : 'oauth2';
  return { formats: [format], fields: [], ...(integration.documentation_link ? { documentation_link: integration.documentation_link } : {}) };
}
