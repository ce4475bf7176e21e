import { Hono } from 'hono';
import { z } from 'zod';
import type { ErrorEnvelope } from '../../../errors/catalogue.ts';
import { batchRequestSchema, batchResourceSchema, MAX_RESOURCES, planBatch } from '../../../services/batch/plan.ts';
import { CONCURRENCY, MAX_PAGES, MAX_RECORDS, MAX_RUNS } from '../../../services/batch/run.ts';
import { fromZod, jsonContent, ok, type RouteDocs } from '../../openapi/route-doc.ts';
import { readJsonBody, sendJson } from '../../respond.ts';
import type { HttpEnv } from '../../types.ts';
import { accountLimit } from './account-limit.ts';

/** The body as published: the resources' own schema in place of the loosely typed array the plan re-checks item by item. */
const publishedBody = batchRequestSchema.extend({ resources: z.array(batchResourceSchema).min(1).max(MAX_RESOURCES) });

export const batchRequestDocs: RouteDocs = {
  operations: [
    {
      method: 'post',
      path: '/batch-request',
      operationId: 'createBatchRequest',
      summary: 'Run several unified and proxy calls of one account in one request',
      description:
        `A resource with a slash (\`usage-metering/users\`) is unified, one without (\`members\`) is proxy. Resources run when their ` +
        `\`depends_on\` has finished (once per record of it, or per element of \`loop_on\`), ${CONCURRENCY} calls at a time; lists follow ` +
        `next_cursor up to ${MAX_PAGES} pages and ${MAX_RECORDS} records; a resource runs at most ${MAX_RUNS} times; at most ${MAX_RESOURCES} resources. ` +
        'One failing resource never fails the others: its error is under errors.<key>, and its dependants are skipped with 424 TESSERA_BATCH_DEPENDENCY_FAILED.',
      tags: ['Batch'],
      requestBody: { required: true, content: jsonContent(fromZod(publishedBody, 'input')) },
      success: ok('Results and errors by resource key', {
        type: 'object',
        properties: {
          result: { type: 'object', additionalProperties: {}, description: 'By key: a list’s records, or the body of any other method' },
          errors: { type: 'object', additionalProperties: { $ref: '#/components/schemas/ErrorEnvelope' }, description: 'By key: the error envelope' },
          truncated: { type: 'object', additionalProperties: { type: 'boolean', const: true }, description: 'Extension: keys whose lists hit the caps' },
        },
        required: ['result', 'errors'],
      }),
      errors: [400, 401, 403, 404, 429, 500],
    },
  ],
};

/** POST /batch-request: several data-plane calls, with dependencies, in one request (docs/batch.md). */
export function batchRequestRoutes() {
  const app = new Hono<HttpEnv>();
  app.post('/', async (c) => {
    // Validated whole before any call runs: a cycle or an unknown dependency is a 400, not a partial run.
    const plan = planBatch(await readJsonBody(c));
    const result: { result: Record<string, unknown>; errors: Record<string, ErrorEnvelope> } = await c.get('services').batch.run(plan, {
      environmentId: c.get('principal').environmentId,
      signal: c.req.raw.signal,
      log: c.get('requestLog'),
      beforeCall: accountLimit(c, plan.accountId),
    });
    return sendJson(c, 200, result);
  });
  return app;
}
