import { z } from 'zod';

/**
 * The vocabulary of integration definitions and mapping rows (docs/contract.md §11, §12), as
 * zod schemas. Definitions are checked when they load and by a test over every bundled file;
 * an error names the file and the path inside it.
 */

const jsonata = z.string().min(1);
const httpMethod = z.enum(['get', 'post', 'put', 'patch', 'delete']);
const stringMap = z.record(z.string(), z.unknown());

export const paginationSchema = z.discriminatedUnion('format', [
  z.object({
    format: z.literal('cursor'),
    config: z.object({
      cursor_path: z.string().min(1),
      cursor_param: z.string().default('cursor'),
      limit_param: z.string().optional(),
    }),
  }),
  z.object({
    format: z.literal('page'),
    config: z.object({
      page_param: z.string().default('page'),
      limit_param: z.string().optional(),
      first_page: z.number().int().default(1),
      default_limit: z.number().int().positive().optional(),
    }),
  }),
  z.object({
    format: z.literal('offset'),
    config: z.object({ offset_param: z.string().default('offset'), limit_param: z.string().optional() }),
  }),
  z.object({
    format: z.literal('link_header'),
    config: z.object({ limit_param: z.string().optional() }).default({}),
  }),
  z.object({
    format: z.literal('range'),
    config: z.object({ range_unit: z.string().default('items'), default_limit: z.number().int().positive().default(100) }),
  }),
  z.object({
    format: z.literal('dynamic'),
    config: z.object({
      get_initial_pagination_values_expression: jsonata.optional(),
      get_pagination_values_expression: jsonata,
      get_cursor_from_response_expression: jsonata,
    }),
  }),
]);
export type PaginationDefinition = z.infer<typeof paginationSchema>;

export const authorizationSchema = z.discriminatedUnion('format', [
  z.object({ format: z.literal('bearer'), config: z.object({ token: z.string().optional() }).default({}) }),
  z.object({
    format: z.literal('header'),
    config: z.union([z.object({ header_name: z.string().min(1), header_value: z.string() }), z.object({ expression: jsonata })]),
  }),
  z.object({ format: z.literal('basic'), config: z.object({ username: z.string(), password: z.string().default('') }) }),
]);
export type AuthorizationDefinition = z.infer<typeof authorizationSchema>;

export const credentialFieldSchema = z.object({
  name: z.string().min(1),
  label: z.string().min(1),
  type: z.enum(['text', 'password', 'single_select']),
  required: z.boolean().default(false),
  default: z.unknown().optional(),
  format: z.enum(['email', 'number', 'uuid', 'url']).optional(),
  transform: z.enum(['lowercase', 'uppercase', 'sha256']).optional(),
  placeholder: z.string().optional(),
  help_text: z.string().optional(),
  pattern: z.string().optional(),
  options: z.array(z.object({ label: z.string(), value: z.string() })).optional(),
});
export type CredentialField = z.infer<typeof credentialFieldSchema>;

export const credentialsSchema = z.discriminatedUnion('format', [
  z.object({
    format: z.literal('api_key'),
    config: z.object({
      documentation_link: z.string().optional(),
      permissions_text: z.string().optional(),
      fields: z.array(credentialFieldSchema).min(1),
    }),
  }),
  z.object({
    format: z.literal('oauth2'),
    config: z.object({
      client: z.object({ id: z.string(), secret: z.string() }),
      auth: z.object({
        tokenHost: z.string(),
        tokenPath: z.string().optional(),
        authorizeHost: z.string().optional(),
        authorizePath: z.string().optional(),
        refreshPath: z.string().optional(),
      }),
      scope: z.array(z.string()).default([]),
      grant_type: z.enum(['authorization_code', 'client_credentials']).default('authorization_code'),
      /** Extension (docs/oauth2.md): how the token endpoint wants its body, default `form`. */
      token_request_format: z.enum(['form', 'json']).optional(),
      /** Extension: client authentication at the token endpoint, `body` (default) or HTTP `basic`. */
      client_auth: z.enum(['body', 'basic']).optional(),
      /** Extension: refresh this many seconds before the token expires (default 60). */
      refresh_skew_seconds: z.number().int().min(0).optional(),
      /** Extension: lifetime assumed when the token endpoint omits `expires_in` (default: none, no proactive refresh). */
      default_expires_in: z.number().int().positive().optional(),
      /** Extension: extra authorize-URL query parameters (e.g. `access_type: offline`, `prompt: consent`). */
      authorize_params: z.record(z.string(), z.string()).optional(),
      /** Extension: one forced refresh and one retry when the provider answers 401 (default true). */
      retry_on_401: z.boolean().optional(),
    }),
  }),
]);

/** A step of an action or of before/after lists (§11.2, §12.2). */
export const stepSchema = z.object({
  name: z.string().optional(),
  type: z.enum(['request', 'transform', 'set_context', 'update_context', 'error']),
  run_if: jsonata.optional(),
  config: z.record(z.string(), z.unknown()).default({}),
});
export type StepDefinition = z.infer<typeof stepSchema>;

/**
 * Extension: the response only names files that hold the records (signed report URLs, e.g.
 * a report endpoint's `{download_links: [...], report_day}`). The engine fetches every link through the
 * same sender (retries, tracing, budgets, egress policy) but **without credentials or the
 * definition's headers** (a signed URL authorizes itself; the file host must never see the
 * account's token), at most 50 links per call (engine/download-links.ts), and the files' records
 * are the page's records. The file hosts must be named in the integration's `egress_hosts`.
 */
export const downloadSchema = z.object({
  /** Dotted path of the links in the response body: an array of absolute http(s) URLs (or one URL). */
  links_path: z.string().min(1),
  /** `ndjson`: one JSON record per line (a malformed line is a 502 naming it); `json`: one document per file. */
  format: z.enum(['ndjson', 'json']).default('ndjson'),
  /** `json` only: where the records are inside each document (default: the document; an object is one record). */
  records_path: z.string().min(1).optional(),
});
export type DownloadDefinition = z.infer<typeof downloadSchema>;

export const resourceMethodSchema = z.object({
  path: z.string().min(1),
  method: httpMethod.default('get'),
  /**
   * Extension: a read whose parameters travel in the JSON body (POST-for-read, e.g. report
   * endpoints): the mapped query and the paging parameters are sent as the body, not the URL.
   */
  query_in_body: z.boolean().optional(),
  base_url: z.string().optional(),
  headers: stringMap.optional(),
  query: stringMap.optional(),
  query_array_format: z.enum(['comma', 'brackets', 'indices', 'repeat']).optional(),
  body: z.unknown().optional(),
  body_format: z.enum(['json', 'form', 'raw']).default('json'),
  response_path: z.string().optional(),
  /** Extension: the records are in the files the response links to (downloadSchema). */
  download: downloadSchema.optional(),
  pagination: paginationSchema.nullable().optional(),
  authorization: authorizationSchema.optional(),
  no_auth: z.boolean().optional(),
  ignore_body: z.boolean().optional(),
  error_expression: jsonata.optional(),
  description: z.string().optional(),
  api_documentation_url: z.string().optional(),
  scopes: z.array(z.string()).optional(),
  query_schema: z.record(z.string(), z.unknown()).optional(),
  body_schema: z.record(z.string(), z.unknown()).optional(),
  response_schema: z.record(z.string(), z.unknown()).optional(),
});
export type ResourceMethodDefinition = z.infer<typeof resourceMethodSchema>;

export const integrationSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'lower-case slug'),
  label: z.string().min(1),
  category: z.string().min(1),
  is_beta: z.boolean().default(false),
  logo: z.string().nullable().optional(),
  /** An absolute URL; `{{context.…}}` placeholders allowed (e.g. a provider's regional site). */
  base_url: z
    .string()
    // A placeholder may stand for a port too (`http://127.0.0.1:{{context.port}}`).
    .refine(
      (v) => URL.canParse(v.replace(/:\{\{[^}]*\}\}/g, ':1').replace(/\{\{[^}]*\}\}/g, 'placeholder')),
      'must be an absolute URL (placeholders such as {{context.site}} allowed)',
    ),
  headers: stringMap.default({}),
  query: stringMap.default({}),
  query_array_format: z.enum(['comma', 'brackets', 'indices', 'repeat']).default('comma'),
  credentials: credentialsSchema,
  authorization: authorizationSchema,
  pagination: paginationSchema.optional(),
  rate_limit: z
    .object({
      is_rate_limited: jsonata.optional(),
      retry_after_header_expression: jsonata.optional(),
      rate_limit_header_expression: jsonata.optional(),
      /**
       * Extension: the request budget the provider documents, per integrated account (e.g. 20
       * requests per 60 s). Tessera spaces its calls to stay inside it, waiting within the
       * request's time budget instead of spending the provider's patience on 429s.
       */
      budget: z.object({ requests: z.number().int().positive(), per_seconds: z.number().positive() }).optional(),
    })
    .optional(),
  /** Extension: response headers that identify a request upstream; forwarded on remote errors. */
  request_id_header: z.string().optional(),
  resources: z.record(z.string(), z.record(z.string(), resourceMethodSchema)),
  actions: z.record(z.string(), z.object({ steps: z.array(stepSchema) })).default({}),
  /** Extension: steps run before every unified, proxy and custom call (e.g. discover context the paths need). */
  before: z.array(stepSchema).default([]),
  error_expression: jsonata.optional(),
  /**
   * Extension: hosts besides the base URL's that this integration's calls may reach (egress
   * policy, upstream/egress-rules.ts), for files a `download` method follows: HTTPS on port 443
   * only, never sent credentials. `*` stands for letters, digits and hyphens inside one DNS label
   * (`reports-*.cdn.example.net`, `*.example.com`), never for a dot.
   */
  egress_hosts: z
    .array(
      z
        .string()
        // The registrable part (the last two labels) is literal: `*.com` would open a whole TLD.
        .regex(/^(?:[a-z0-9*][a-z0-9*-]*\.)*[a-z0-9][a-z0-9-]*\.[a-z][a-z0-9-]*$/, 'a lower-case host name; * only inside labels before the last two'),
    )
    .default([]),
  /** Where the simulator for sandbox mode lives (extension): `{ module, export }`. */
  sandbox: z.object({ simulator: z.string() }).optional(),
  documentation_link: z.string().optional(),
});
export type IntegrationDefinition = z.infer<typeof integrationSchema>;

/** One upstream call inside a mapping: the mapping itself, a lookup attempt or a list phase. */
const callFields = {
  resource: z.string().min(1).optional(),
  method: z.string().min(1).optional(),
  id: z.string().optional(),
  query: stringMap.optional(),
  query_mapping: jsonata.optional(),
  body: z.unknown().optional(),
  request_body_mapping: jsonata.optional(),
  request_header_mapping: jsonata.optional(),
  response_mapping: jsonata.optional(),
  response_mapping_method: z.enum(['item', 'array']).optional(),
  before: z.array(stepSchema).optional(),
  /** JSONata per record over the mapping scope; a falsy result drops the record (extension). */
  filter: jsonata.optional(),
  /** Lookup only: JSONata over `{records, id, query, context, previous}` returning the matched record. */
  match: jsonata.optional(),
};

const callSchema = z.object(callFields);

/** Extension: a list over a date window, validated and fanned out in chunks (engine/windows.ts). */
export const windowSchema = z.object({
  /** Unified query parameters carrying the window (ISO 8601 date or date-time). */
  start_param: z.string().default('start_date'),
  end_param: z.string().default('end_date'),
  /** A parameter naming one day (YYYY-MM-DD) instead of start and end. */
  date_param: z.string().optional(),
  /** Span when start is not given: end - default_days. End defaults to now. */
  default_days: z.number().positive().default(7),
  /** The longest window one unified request may ask for (a 400 beyond it). */
  max_days: z.number().positive().optional(),
  /** How far back the source keeps data (a 400 beyond it). */
  max_age_days: z.number().positive().optional(),
  /** The longest span one upstream request may cover; longer windows are split and fetched in order. */
  chunk_days: z.number().positive().optional(),
  /** `day`: start and end snap to UTC midnights (sources that report whole days). */
  align: z.enum(['day', 'none']).default('day'),
});
export type WindowDefinition = z.infer<typeof windowSchema>;

export const sideLoadSchema = z.object({
  resource: z.string().min(1),
  method: z.string().min(1).default('get'),
  id: z.string().optional(),
  query: stringMap.optional(),
  response_mapping: jsonata.optional(),
  /** Extension: cache the mapped result per account for this many seconds (only for data that cannot go stale in a harmful way). */
  cache_ttl_seconds: z.number().int().positive().optional(),
});

export const mappingConfigSchema = z.object({
  ...callFields,
  path_mapping: jsonata.optional(),
  response_header_mapping: jsonata.optional(),
  error_mapping: jsonata.optional(),
  is_partial_expression: jsonata.optional(),
  after: z.array(stepSchema).optional(),
  side_load: z.record(z.string(), sideLoadSchema).optional(),
  query_schema: z.record(z.string(), z.unknown()).optional(),
  request_body_schema: z.record(z.string(), z.unknown()).optional(),
  default_query: stringMap.optional(),
  default_body: stringMap.optional(),
  /** Extension: a get answered by scanning lists, trying each call in turn until `match` finds the record. */
  lookup: z.array(callSchema.extend({ match: jsonata })).optional(),
  /**
   * Extension: after a successful create or update, answer with this resource's unified `get` of
   * the written id (for providers whose write responses lack fields the unified record needs).
   */
  respond_with_get: z.boolean().optional(),
  /** JSONata over `{response, body, query, context}` giving the id of the written record (default `id`). */
  id_expression: jsonata.optional(),
  /**
   * Extension: a list served as consecutive phases (e.g. members, then pending invitations). A
   * phase's `run_if` (JSONata over `{query, window, context}`) false skips it without a call, as
   * if it had no records (a report the caller filtered out, or days a source has no report for).
   */
  phases: z.array(callSchema.extend({ run_if: jsonata.optional() })).optional(),
  /** Extension: the list covers a date window (usage reports); `window` is in scope of query_mapping and response_mapping. */
  window: windowSchema.optional(),
  documentation_link: z.string().optional(),
});
export type MappingConfig = z.infer<typeof mappingConfigSchema>;
export type CallConfig = z.infer<typeof callSchema>;
export type SideLoadConfig = z.infer<typeof sideLoadSchema>;

/** A mapping file: one (integration, model, resource) with its methods. */
export const mappingFileSchema = z.object({
  integration: z.string().min(1),
  model: z.string().min(1),
  resource: z.string().min(1),
  methods: z.record(z.string(), mappingConfigSchema),
});
export type MappingFile = z.infer<typeof mappingFileSchema>;

/** Formats zod issues as `<file>: a.b.c: message` lines. */
export function describeIssues(file: string, error: z.ZodError): string {
  return error.issues.map((i) => `${file}: ${i.path.map(String).join('.') || '(root)'}: ${issueMessage(i)}`).join('\n');
}

/** zod says "expected string, received undefined" for a missing key; people say "required". */
function issueMessage(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) return 'required';
  return issue.message;
}
