import { z } from 'zod';
import type { UnifiedModel } from '../../models/index.ts';

/**
 * How a route module describes its own operations for the OpenAPI document. The description sits
 * next to the handlers it describes, so a route and its published contract change together; the
 * assembler (build-document.ts) publishes only the descriptions of routes registered on the app.
 */

export type Json = Record<string, unknown>;
export type Verb = 'get' | 'post' | 'put' | 'patch' | 'delete';
export const VERBS: Verb[] = ['get', 'post', 'put', 'patch', 'delete'];

/** What the running server knows, for descriptions that enumerate models or integrations. */
export interface DocContext {
  models: Record<string, UnifiedModel>;
  /** Names of the bundled integrations. */
  integrations: string[];
  /** Native resource names any bundled integration defines (for /proxy). */
  proxyResources: string[];
}

/** One operation: a verb on an OpenAPI path template, as it is published. */
export interface RouteDoc {
  method: Verb;
  /**
   * The OpenAPI template, e.g. `/integrated-account/{id}`. It is matched to a registered route by
   * shape (parameter names erased), and its parameter names win over the route's.
   */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Reachable without a bearer token. */
  public?: boolean;
  /** Descriptions of the path parameters; an undescribed one is a plain string named after itself. */
  params?: Record<string, { description: string; schema?: Json }>;
  /** Query and header parameters, after the path parameters. */
  parameters?: unknown[];
  requestBody?: Json;
  /** The success responses, by status code. */
  success: Json;
  /** The error statuses, each a reference to the shared error response; ADMIN_ERRORS when omitted. */
  errors?: number[];
}

/** What a route module exports: its operations and the named component schemas they reference. */
export interface RouteDocs {
  /** Published under components/schemas, in this order, whether or not the routes are registered. */
  schemas?: Json;
  operations: RouteDoc[] | ((ctx: DocContext) => RouteDoc[]);
}

export const ref = (kind: 'schemas' | 'parameters' | 'responses', name: string) => ({ $ref: `#/components/${kind}/${name}` });
export const jsonContent = (schema: unknown) => ({ 'application/json': { schema } });
/** A 200 response with a JSON body. */
export const ok = (description: string, schema: unknown): Json => ({ '200': { description, content: jsonContent(schema) } });

/**
 * A JSON Schema from the zod schema a handler validates with, so the published body cannot drift
 * from the accepted one. `$schema` is dropped: the document's dialect applies.
 */
export function fromZod(schema: z.ZodType, io: 'input' | 'output' = 'output'): Json {
  const out = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any' }) as Json;
  delete out.$schema;
  return out;
}

export function pascal(s: string): string {
  return s
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');
}
