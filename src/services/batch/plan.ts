import { z } from 'zod';
import { errors, type ValidationFailure } from '../../errors/catalogue.ts';
import { normaliseUuid } from '../../query/safe-input.ts';

/**
 * POST /batch-request (docs/batch.md): the body as Truto's SDK sends it, and the plan built from
 * it. Everything that can be known before a call runs is checked here, so that a malformed batch
 * (a cycle, a dependency on nothing, too many resources) is one 400 and never a half-run batch.
 */

/** The most resources one batch may name. */
export const MAX_RESOURCES = 50;
export const BATCH_FORMATS = ['raw', 'unified', 'normalized'] as const;
export type BatchFormat = (typeof BATCH_FORMATS)[number];

/** `model/resource` (unified) or a native resource name (proxy): names only, no further slashes. */
const RESOURCE = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)?$/;
const METHOD = /^[A-Za-z0-9_.-]+$/;

const jsonObject = z.record(z.string(), z.unknown());

export const batchResourceSchema = z
  .object({
    resource: z
      .string()
      .max(256)
      .regex(RESOURCE, 'must be "model/resource" (unified) or a native resource name (proxy), e.g. "usage-metering/users" or "members"'),
    name: z.string().min(1).max(128).optional().describe('The key of this resource in result, errors and depends_on; default: resource'),
    method: z.string().max(128).regex(METHOD, 'must be a method name such as list, get, create, update, delete or a custom method'),
    id: z
      .union([z.string().max(2048), z.number()])
      .optional()
      .describe('Record id for get, update, delete; may hold placeholders'),
    query: z
      .union([jsonObject, z.string().max(8192)])
      .optional()
      .describe('Query parameters (an object, or a query string); may hold placeholders'),
    body: z
      .union([jsonObject, z.array(z.unknown()), z.string()])
      .optional()
      .describe('Request body for writes and custom methods; may hold placeholders'),
    depends_on: z.string().min(1).max(256).optional().describe('The key (name, else resource) of the resource whose records this one runs for'),
    loop_on: z.string().min(1).max(512).optional().describe('A placeholder path into each record of depends_on: run once per element'),
    persist: z.boolean().optional().describe('false: run it (dependants see it) but leave its records out of result'),
    response_format: z.enum(BATCH_FORMATS).optional(),
  })
  .strict();

export const batchRequestSchema = z
  .object({
    integrated_account_id: z
      .string()
      .refine((v) => normaliseUuid(v) !== undefined, 'must be a UUID')
      .transform((v) => normaliseUuid(v)!),
    args: jsonObject.optional().describe('Values for {{args.*}} placeholders in every resource'),
    resources: z.array(z.unknown()).min(1, 'a batch needs at least one resource'),
  })
  .strict();

export type BatchResourceInput = z.infer<typeof batchResourceSchema>;
export type BatchRequestBody = z.infer<typeof batchRequestSchema>;

export interface PlannedResource {
  /** The key in result/errors and the name dependants use: `name`, else `resource`. */
  key: string;
  kind: 'unified' | 'proxy';
  /** For unified: the model; undefined for proxy. */
  model?: string;
  /** The unified resource within its model, or the proxy resource. */
  resource: string;
  method: string;
  id?: string;
  query: Record<string, unknown> | string;
  body?: unknown;
  dependsOn?: string;
  loopOn?: string;
  persist: boolean;
  format?: BatchFormat;
}

export interface BatchPlan {
  accountId: string;
  args: Record<string, unknown>;
  resources: PlannedResource[];
}

/** Sync-job fields Truto's SDK types allow but a one-shot batch has no use for: named, not silently dropped. */
const SYNC_JOB_ONLY = ['type', 'recurse', 'delete_tracking', 'delete_tracking_query', 'config'];

function resourceFailures(raw: unknown, index: number): ValidationFailure[] {
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    const present = SYNC_JOB_ONLY.filter((k) => k in raw);
    if (present.length) {
      return [
        {
          path: `resources.${index}`,
          message: `${present.join(', ')} ${present.length > 1 ? 'are' : 'is'} for sync jobs, which Tessera does not run; a batch resource is a request (resource, method, id, query, body, depends_on, loop_on)`,
        },
      ];
    }
  }
  const parsed = batchResourceSchema.safeParse(raw);
  if (parsed.success) return [];
  return parsed.error.issues.map((i) => ({ path: ['resources', index, ...i.path].map(String).join('.'), message: i.message }));
}

function fail(message: string, failures: ValidationFailure[]): never {
  throw errors.validation(`Invalid batch request: ${message}`, failures);
}

/** Validates the body and orders nothing yet: dependencies are waited for at run time (run.ts). */
export function planBatch(input: unknown): BatchPlan {
  const top = batchRequestSchema.safeParse(input);
  if (!top.success) {
    const failures = top.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    fail(failures.map((f) => `${f.path || '(body)'}: ${f.message}`).join('; '), failures);
  }
  const body = top.data;
  if (body.resources.length > MAX_RESOURCES) {
    fail(`${body.resources.length} resources; a batch takes at most ${MAX_RESOURCES}`, [
      { path: 'resources', message: `at most ${MAX_RESOURCES} resources per batch` },
    ]);
  }
  const failures = body.resources.flatMap((r, i) => resourceFailures(r, i));
  if (failures.length) fail(failures.map((f) => `${f.path}: ${f.message}`).join('; '), failures);

  const resources = (body.resources as BatchResourceInput[]).map((r): PlannedResource => {
    const slash = r.resource.indexOf('/');
    return {
      key: r.name ?? r.resource,
      kind: slash === -1 ? 'proxy' : 'unified',
      model: slash === -1 ? undefined : r.resource.slice(0, slash),
      resource: slash === -1 ? r.resource : r.resource.slice(slash + 1),
      method: r.method,
      id: r.id === undefined ? undefined : String(r.id),
      query: r.query ?? {},
      body: r.body,
      dependsOn: r.depends_on,
      loopOn: r.loop_on,
      persist: r.persist ?? true,
      format: r.response_format,
    };
  });
  checkGraph(resources);
  return { accountId: body.integrated_account_id, args: body.args ?? {}, resources };
}

/** Unique keys, dependencies that exist, loop_on only with a dependency, and no cycle. */
function checkGraph(resources: PlannedResource[]): void {
  const byKey = new Map<string, PlannedResource>();
  const failures: ValidationFailure[] = [];
  resources.forEach((r, i) => {
    if (byKey.has(r.key)) {
      failures.push({ path: `resources.${i}`, message: `another resource already has the key "${r.key}"; give one of them a distinct "name"` });
    }
    byKey.set(r.key, r);
  });
  resources.forEach((r, i) => {
    if (r.dependsOn !== undefined && !byKey.has(r.dependsOn)) {
      failures.push({
        path: `resources.${i}.depends_on`,
        message: `depends on "${r.dependsOn}", which no resource in this batch is (keys: ${[...byKey.keys()].join(', ')})`,
      });
    }
    if (r.loopOn !== undefined && r.dependsOn === undefined) {
      failures.push({ path: `resources.${i}.loop_on`, message: 'loop_on reads the records of depends_on; set depends_on too' });
    }
  });
  if (failures.length) fail(failures.map((f) => `${f.path}: ${f.message}`).join('; '), failures);

  // Each resource has at most one dependency, so a cycle is a walk that comes back to itself.
  for (const start of resources) {
    const seen: string[] = [start.key];
    let next = start.dependsOn;
    while (next !== undefined) {
      if (seen.includes(next)) {
        const cycle = [...seen.slice(seen.indexOf(next)), next];
        fail(`depends_on forms a cycle: ${cycle.join(' → ')}`, [{ path: 'resources', message: `cycle: ${cycle.join(' → ')}` }]);
      }
      seen.push(next);
      next = byKey.get(next)!.dependsOn;
    }
  }
}
