import { z } from 'zod';

/**
 * The response shapes of discovery (meta and capabilities) as zod schemas, so that the
 * OpenAPI document publishes exactly what services/discovery.ts returns.
 */
export const STANDARD_METHODS = ['list', 'get', 'create', 'update', 'delete'] as const;

const jsonObject = z.record(z.string(), z.unknown());

export const metaResponseSchema = z
  .object({
    method: z.string(),
    schema: jsonObject.describe('JSON Schema of one record of the unified resource'),
    documentation_link: z.string().nullable().describe('Upstream documentation for the call this method makes'),
    response_mapping: z.string().nullable().describe('The JSONata that maps the upstream response; for a composite mapping, the one its first call uses'),
    query_schema: jsonObject.nullable(),
    request_body_schema: jsonObject.nullable(),
    default_query: jsonObject.nullable(),
    default_body: jsonObject.nullable(),
    response_schema: jsonObject.optional().describe('Integration variant only: JSON Schema of the response body of this method'),
    integration: z.string().describe('Extension: the integration whose mapping this is'),
    mapping: jsonObject.describe('Extension: the whole effective mapping config (base ← environment ← account override; base only on the integration variant)'),
  })
  .meta({ title: 'UnifiedMethodMeta' });
export type MetaResponse = z.infer<typeof metaResponseSchema>;

const proxyMethodSchema = z.object({
  method: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  has_description: z.boolean(),
  has_query_schema: z.boolean(),
  has_body_schema: z.boolean(),
  has_response_schema: z.boolean(),
  api_documentation_url: z.string().nullable(),
});

const authFieldSchema = z.object({
  name: z.string(),
  label: z.string(),
  type: z.string(),
  required: z.boolean(),
  format: z.string().nullable(),
  placeholder: z.string().optional(),
  help_text: z.string().optional(),
  options: z.array(z.object({ label: z.string(), value: z.string() })).optional(),
});

export const capabilitiesResponseSchema = z
  .object({
    integration: z.object({ id: z.string(), name: z.string(), label: z.string(), category: z.string() }),
    environment_id: z.string().optional(),
    proxy: z.array(z.object({ resource: z.string(), methods: z.array(proxyMethodSchema) })),
    unified: z.array(
      z.object({
        model: z.string(),
        model_label: z.string(),
        resource: z.string(),
        description: z.string().nullable(),
        docs_url: z.string().nullable(),
        methods: z.array(z.string()),
        env_overridden: z.boolean().optional(),
      }),
    ),
    auth: z.object({ formats: z.array(z.string()), fields: z.array(authFieldSchema), documentation_link: z.string().optional() }),
    ai_readiness: z.object({
      proxy_methods: z.number().int(),
      proxy_methods_with_descriptions: z.number().int(),
      ai_ready_score: z.number().min(0).max(1),
    }),
    account: z.object({ id: z.string(), status: z.string(), authentication_method: z.string(), is_blocked: z.boolean() }).optional(),
  })
  .meta({ title: 'CapabilitiesResponse' });
export type CapabilitiesResponse = z.infer<typeof capabilitiesResponseSchema>;

export const CAPABILITY_TYPES = ['proxy', 'unified', 'all'] as const;
export type CapabilityType = (typeof CAPABILITY_TYPES)[number];
