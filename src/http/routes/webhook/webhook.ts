import { Hono } from 'hono';
import { errors } from '../../../errors/catalogue.ts';
import { normaliseUuid } from '../../../query/safe-input.ts';
import type { TextMatch } from '../../../store/types.ts';
import { SUBSCRIBABLE_EVENTS } from '../../../services/webhooks/event-types.ts';
import { createWebhookBody, patchWebhookBody, testWebhookBody, webhookView } from '../../../services/webhooks/webhooks-service.ts';
import { filterParameters, type FilterSpec } from '../../list-filters.ts';
import { ADMIN_ERRORS, adminListSchema } from '../../openapi/components.ts';
import { fromZod, jsonContent, ok, ref, type Json, type RouteDocs } from '../../openapi/route-doc.ts';
import { uuidParam } from '../../params.ts';
import { readJsonBody, sendJson } from '../../respond.ts';
import type { HttpEnv } from '../../types.ts';
import { keysetList } from '../../keyset-list.ts';

const DEFAULT_ADMIN_LIMIT = 5000;
/** GET /webhook's filters, in every form list-filters.ts reads; environment_id because Truto's SDK sends it. */
const WEBHOOK_FILTERS: Record<string, FilterSpec> = {
  id: { kind: 'uuid' },
  is_active: { kind: 'boolean' },
  target_url: { kind: 'text', rule: { maxLength: 2048 } },
  environment_id: { kind: 'uuid' },
};
const notFound = (id: string) => errors.notFound(`Webhook ${id} not found`);

const eventTypesSchema: Json = { type: 'array', items: { type: 'string', enum: [...SUBSCRIBABLE_EVENTS] } };
const webhookSchema: Json = {
  title: 'Webhook',
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    environment_id: { type: 'string', format: 'uuid' },
    target_url: { type: 'string', format: 'uri' },
    event_types: eventTypesSchema,
    is_active: { type: 'boolean' },
    created_at: { type: 'string', format: 'date-time' },
    updated_at: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'environment_id', 'target_url', 'event_types', 'is_active', 'created_at', 'updated_at'],
};
const idParam = { id: { description: 'Webhook id', schema: { type: 'string', format: 'uuid' } } };

export const webhookDocs: RouteDocs = {
  schemas: {
    Webhook: webhookSchema,
    WebhookWithSecret: {
      allOf: [
        ref('schemas', 'Webhook'),
        {
          type: 'object',
          properties: { secret: { type: 'string', description: 'The signing secret: returned by POST /webhook only, never again' } },
          required: ['secret'],
        },
      ],
    },
    WebhookList: adminListSchema(ref('schemas', 'Webhook')),
    WebhookCreate: fromZod(createWebhookBody, 'input'),
    WebhookPatch: fromZod(patchWebhookBody, 'input'),
    WebhookTest: fromZod(testWebhookBody, 'input'),
    WebhookTestResult: {
      type: 'object',
      properties: {
        success: { type: 'boolean', description: 'The receiver answered 2xx' },
        status: { type: ['integer', 'null'] },
        duration_ms: { type: 'integer' },
        error: { type: ['string', 'null'] },
        delivery_id: { type: 'string' },
      },
      required: ['success', 'status', 'duration_ms', 'error', 'delivery_id'],
    },
  },
  operations: [
    {
      method: 'get',
      path: '/webhook',
      operationId: 'listWebhooks',
      summary: 'List webhooks',
      tags: ['Webhooks'],
      parameters: [
        ...filterParameters(WEBHOOK_FILTERS),
        { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, default: DEFAULT_ADMIN_LIMIT } },
        ref('parameters', 'NextCursor'),
      ],
      success: ok('A page of webhooks', ref('schemas', 'WebhookList')),
    },
    {
      method: 'post',
      path: '/webhook',
      operationId: 'createWebhook',
      summary: 'Create a webhook',
      description:
        'The answer carries the signing secret, shown this once. target_url must be https and public; private and loopback targets are refused unless allowed (docs/webhooks.md).',
      tags: ['Webhooks'],
      requestBody: { required: true, content: jsonContent(ref('schemas', 'WebhookCreate')) },
      success: ok('The webhook and its secret', ref('schemas', 'WebhookWithSecret')),
    },
    {
      method: 'post',
      path: '/webhook/test',
      operationId: 'testWebhook',
      summary: 'Send a test event now',
      description: 'Sends a signed webhook:test event to the webhook and answers with the outcome; not retried.',
      tags: ['Webhooks'],
      requestBody: { required: true, content: jsonContent(ref('schemas', 'WebhookTest')) },
      success: ok('The outcome', ref('schemas', 'WebhookTestResult')),
    },
    {
      method: 'get',
      path: '/webhook/{id}',
      operationId: 'getWebhook',
      summary: 'Get a webhook',
      tags: ['Webhooks'],
      params: idParam,
      success: ok('The webhook', ref('schemas', 'Webhook')),
    },
    {
      method: 'patch',
      path: '/webhook/{id}',
      operationId: 'updateWebhook',
      summary: 'Update a webhook',
      tags: ['Webhooks'],
      params: idParam,
      requestBody: { required: true, content: jsonContent(ref('schemas', 'WebhookPatch')) },
      success: ok('The webhook', ref('schemas', 'Webhook')),
      errors: ADMIN_ERRORS,
    },
    {
      method: 'delete',
      path: '/webhook/{id}',
      operationId: 'deleteWebhook',
      summary: 'Delete a webhook',
      description: 'Its pending deliveries are dropped.',
      tags: ['Webhooks'],
      params: idParam,
      success: ok('Deleted', ref('schemas', 'DeleteResult')),
    },
  ],
};

/** /webhook CRUD and POST /webhook/test (docs/webhooks.md). */
export function webhookRoutes() {
  const app = new Hono<HttpEnv>();

  app.get('/', (c) =>
    keysetList(c, {
      route: '/webhook',
      filters: WEBHOOK_FILTERS,
      defaultLimit: DEFAULT_ADMIN_LIMIT,
      fetch: (f, page) =>
        c.get('services').webhooks.service.list({
          environment_id: page.environmentId,
          id: f.id as TextMatch | undefined,
          target_url: f.target_url as TextMatch | undefined,
          is_active: f.is_active as boolean | undefined,
          after: page.after,
          limit: page.limit,
        }),
      view: webhookView,
    }),
  );

  app.post('/', async (c) => {
    const body = createWebhookBody.parse((await readJsonBody(c)) ?? {});
    return sendJson(c, 200, await c.get('services').webhooks.service.create(c.get('principal').environmentId, body));
  });

  app.post('/test', async (c) => {
    const body = testWebhookBody.parse((await readJsonBody(c)) ?? {});
    const services = c.get('services');
    return sendJson(c, 200, await services.webhooks.service.test(c.get('principal').environmentId, uuidOr404(body.id)));
  });

  app.get('/:id', async (c) => {
    const hook = await c.get('services').webhooks.service.get(c.get('principal').environmentId, uuidParam(c, 'id', notFound));
    return sendJson(c, 200, webhookView(hook));
  });

  app.patch('/:id', async (c) => {
    const body = patchWebhookBody.parse((await readJsonBody(c)) ?? {});
    const hook = await c.get('services').webhooks.service.patch(c.get('principal').environmentId, uuidParam(c, 'id', notFound), body);
    return sendJson(c, 200, webhookView(hook));
  });

  app.delete('/:id', async (c) => {
    return sendJson(c, 200, await c.get('services').webhooks.service.delete(c.get('principal').environmentId, uuidParam(c, 'id', notFound)));
  });

  return app;
}

/** An id that is not a UUID names no webhook: 404, as for the path parameter. */
function uuidOr404(id: string): string {
  const uuid = normaliseUuid(id);
  if (!uuid) throw notFound(id.length > 80 ? `${id.slice(0, 80)}…` : id);
  return uuid;
}
