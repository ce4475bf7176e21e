import { randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import { errors } from '../../errors/catalogue.ts';
import type { Logger } from '../../logger.ts';
import type { Store } from '../../store/types.ts';
import type { WebhookFilter, WebhookRecord } from '../../store/webhook-rows.ts';
import { SUBSCRIBABLE_EVENTS, TEST_EVENT } from './event-types.ts';
import { attemptLog } from './outbox-worker.ts';
import { sendWebhook } from './sender.ts';
import type { WebhookTargetPolicy } from './target-policy.ts';
import { webhookBody } from './webhook-events.ts';

/** The webhook as the API shows it: never the secret (only POST /webhook's answer carries it). */
export interface WebhookView {
  id: string;
  environment_id: string;
  target_url: string;
  event_types: string[];
  is_active: boolean;
  created_at: string;
  updated_at: string;
}

export function webhookView(w: WebhookRecord): WebhookView {
  const { id, environment_id, target_url, event_types, is_active, created_at, updated_at } = w;
  return { id, environment_id, target_url, event_types, is_active, created_at, updated_at };
}

const targetUrl = z.string().trim().min(1).max(2048);
const eventTypes = z
  .array(
    z.string().refine((e) => SUBSCRIBABLE_EVENTS.includes(e), {
      error: (issue) => `unknown event type ${JSON.stringify(issue.input)}; the event types are ${SUBSCRIBABLE_EVENTS.join(', ')}`,
    }),
  )
  .min(1, { error: `name at least one event type: ${SUBSCRIBABLE_EVENTS.join(', ')}` })
  .max(SUBSCRIBABLE_EVENTS.length)
  .transform((list) => [...new Set(list)]);

export const createWebhookBody = z
  .object({
    target_url: targetUrl,
    event_types: eventTypes,
    is_active: z.boolean().default(true),
    /** Truto's SDK sends it: accepted when it is the caller's own environment. */
    environment_id: z.string().optional(),
  })
  .strict();

export const patchWebhookBody = z
  .object({
    target_url: targetUrl.optional(),
    event_types: eventTypes.optional(),
    is_active: z.boolean().optional(),
  })
  .strict();

export const testWebhookBody = z.object({ id: z.string().min(1) }).strict();

export interface TestOutcome {
  /** Truto's answer field: the receiver answered 2xx. */
  success: boolean;
  status: number | null;
  duration_ms: number;
  error: string | null;
  delivery_id: string;
}

export interface WebhooksDeps {
  store: Store;
  targets: WebhookTargetPolicy;
  timeoutMs: number;
  logger: Logger;
}

/** /webhook: CRUD within the caller's environment, and a test delivery (docs/webhooks.md). */
export class WebhooksService {
  constructor(private readonly app: WebhooksDeps) {}

  private checkTarget(url: string) {
    const verdict = this.app.targets.check(url);
    if (!verdict.allowed) throw errors.validation(`target_url is not allowed: ${verdict.reason}`, [{ path: 'target_url', message: verdict.reason! }]);
  }

  async get(environmentId: string, id: string): Promise<WebhookRecord> {
    const hook = await this.app.store.webhooks.get(id);
    // Another environment's webhook does not exist for this caller.
    if (!hook || hook.environment_id !== environmentId) throw errors.notFound(`Webhook ${id} not found`);
    return hook;
  }

  list(filter: WebhookFilter): Promise<WebhookRecord[]> {
    return this.app.store.webhooks.list(filter);
  }

  /** The new webhook and its signing secret, shown this once. */
  async create(environmentId: string, input: z.infer<typeof createWebhookBody>): Promise<WebhookView & { secret: string }> {
    if (input.environment_id !== undefined && input.environment_id !== environmentId) throw errors.notFound(`Environment ${input.environment_id} not found`);
    this.checkTarget(input.target_url);
    const ts = new Date().toISOString();
    const record: WebhookRecord = {
      id: randomUUID(),
      environment_id: environmentId,
      target_url: input.target_url,
      event_types: input.event_types,
      is_active: input.is_active,
      secret: randomBytes(32).toString('hex'),
      created_at: ts,
      updated_at: ts,
    };
    await this.app.store.webhooks.create(record);
    return { ...webhookView(record), secret: record.secret };
  }

  async patch(environmentId: string, id: string, input: z.infer<typeof patchWebhookBody>): Promise<WebhookRecord> {
    await this.get(environmentId, id);
    if (input.target_url !== undefined) this.checkTarget(input.target_url);
    const updated = await this.app.store.webhooks.update(id, input);
    if (!updated) throw errors.notFound(`Webhook ${id} not found`);
    return updated;
  }

  async delete(environmentId: string, id: string): Promise<{ id: string }> {
    await this.get(environmentId, id);
    await this.app.store.webhooks.delete(id);
    return { id };
  }

  /**
   * Sends a signed `webhook:test` event to the webhook now, through the delivery sender (the same
   * egress checks, signature and timeout), whether or not it is active; not through the outbox:
   * the caller wants the outcome, and a test is not retried.
   */
  async test(environmentId: string, id: string): Promise<TestOutcome> {
    const hook = await this.get(environmentId, id);
    const at = new Date();
    const event = {
      id: randomUUID(),
      type: TEST_EVENT,
      payload: { message: 'A test event from Tessera (POST /webhook/test)' },
      environment_id: environmentId,
      created_at: at.toISOString(),
    };
    const delivery = { id: randomUUID(), event_type: TEST_EVENT, payload: webhookBody(event, hook.id) };
    const result = await sendWebhook(
      { target_url: hook.target_url, secret: hook.secret, body: delivery.payload, delivery_id: delivery.id, attempt: 1 },
      this.app.targets,
      this.app.timeoutMs,
    );
    try {
      await this.app.store.requestLogs.insertMany([attemptLog(hook, delivery, 1, result, result.ok ? 'delivered' : 'failed', at)]);
    } catch (e) {
      this.app.logger.warn({ err: { message: (e as Error).message } }, 'webhook test: the request log row was not written');
    }
    return { success: result.ok, status: result.status, duration_ms: result.duration_ms, error: result.error, delivery_id: delivery.id };
  }
}
