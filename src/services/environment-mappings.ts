import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { errors } from '../errors/catalogue.ts';
import type { Catalog } from '../integrations/catalog.ts';
import { checkOverrideSecrets, type OverrideRules } from '../integrations/override-secrets.ts';
import { validateMappingOverride } from '../integrations/override-validation.ts';
import { findUnifiedResource } from '../models/index.ts';
import { nameText } from '../query/safe-input.ts';
import type { EnvironmentMappingRecord, Store } from '../store/types.ts';

/**
 * Environment-level mapping overrides (`environment_unified_model_resource_method`, contract
 * §12): one partial mapping config per (model, resource, integration, method), deep-merged over
 * the bundled mapping for every account of the environment.
 */
export const createEnvironmentMappingBody = z
  .object({
    // Stored in varchar(128) columns and looked up by name: bounded, printable, never `constructor` & co.
    unified_model_id: nameText().optional(),
    unified_model: nameText().optional(),
    resource_name: nameText(),
    integration_name: nameText(),
    method_name: nameText(),
    config: z.record(z.string(), z.unknown()),
  })
  .strict();

export const patchEnvironmentMappingBody = z.object({ config: z.record(z.string(), z.unknown()) }).strict();

/** What the API shows, in Truto's field names. */
export function environmentMappingView(r: EnvironmentMappingRecord) {
  return {
    id: r.id,
    environment_id: r.environment_id,
    unified_model_id: r.model,
    unified_model: r.model,
    resource_name: r.resource,
    integration_name: r.integration,
    method_name: r.method,
    config: r.config,
    created_at: r.created_at,
    updated_at: r.updated_at,
  };
}

export interface EnvironmentMappingsDeps {
  store: Store;
  catalog: Catalog;
  overrideRules: Pick<OverrideRules, 'isSecret'>;
}

export class EnvironmentMappingsService {
  constructor(private readonly app: EnvironmentMappingsDeps) {}

  async create(environmentId: string, input: z.infer<typeof createEnvironmentMappingBody>) {
    const model = input.unified_model ?? input.unified_model_id;
    if (!model) throw errors.missingBody(['unified_model']);
    if (!findUnifiedResource(model, input.resource_name)) throw errors.unknownModel(`Unknown unified resource ${model}/${input.resource_name}`);
    if (!this.app.catalog.getIntegration(input.integration_name)) throw errors.integrationNotFound(`Integration ${input.integration_name} not found`);
    checkOverrideSecrets(input.config, 'config', this.app.overrideRules);
    validateMappingOverride(input.config, 'config', this.app.catalog.getMapping(input.integration_name, model, input.resource_name, input.method_name));
    const existing = await this.app.store.listEnvironmentMappings({
      environment_id: environmentId,
      model,
      resource: input.resource_name,
      integration: input.integration_name,
      method: input.method_name,
    });
    if (existing.length)
      throw errors.conflict(
        `An override of ${model}/${input.resource_name} ${input.method_name} for ${input.integration_name} exists (${existing[0].id}); PATCH it instead`,
      );
    const ts = new Date().toISOString();
    return this.app.store.createEnvironmentMapping({
      id: randomUUID(),
      environment_id: environmentId,
      model,
      resource: input.resource_name,
      integration: input.integration_name,
      method: input.method_name,
      config: input.config,
      created_at: ts,
      updated_at: ts,
    });
  }

  async get(environmentId: string, id: string) {
    const record = await this.app.store.getEnvironmentMapping(id);
    if (!record || record.environment_id !== environmentId) throw errors.notFound(`Environment mapping ${id} not found`);
    return record;
  }

  async update(environmentId: string, id: string, config: Record<string, unknown>) {
    const current = await this.get(environmentId, id);
    checkOverrideSecrets(config, 'config', this.app.overrideRules);
    validateMappingOverride(config, 'config', this.app.catalog.getMapping(current.integration, current.model, current.resource, current.method));
    return (await this.app.store.updateEnvironmentMapping(id, config))!;
  }

  async delete(environmentId: string, id: string) {
    await this.get(environmentId, id);
    await this.app.store.deleteEnvironmentMapping(id);
    return { id };
  }
}
