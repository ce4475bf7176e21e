import { randomUUID } from 'node:crypto';
import type { Catalog } from '../../integrations/catalog.ts';
import type { Logger } from '../../logger.ts';
import type { IntegratedAccountRecord, Store } from '../../store/types.ts';
import type { NewWebhookDelivery } from '../../store/webhook-rows.ts';
import { toView } from '../integrated-accounts.ts';
import { subscribes, type WebhookEventType } from './event-types.ts';

/** The delivered body (docs/webhooks.md): what Truto sends, signed as it is stored. */
export interface WebhookBody {
  id: string;
  event: string;
  payload: unknown;
  environment_id: string;
  webhook_id: string;
  created_at: string;
}

export function webhookBody(event: { id: string; type: string; payload: unknown; environment_id: string; created_at: string }, webhookId: string): string {
  const body: WebhookBody = {
    id: event.id,
    event: event.type,
    payload: event.payload,
    environment_id: event.environment_id,
    webhook_id: webhookId,
    created_at: event.created_at,
  };
  return JSON.stringify(body);
}

/** Enough for any environment: webhooks are a handful each. */
const MAX_WEBHOOKS = 1000;

/**
 * Emits events into the outbox: one delivery row per active webhook of the environment that
 * subscribes to the event. Called right after the change the event reports has been stored
 * (not in its transaction: the store has no cross-table transaction API), and awaited, so the
 * answer to the request that caused the event is sent only once its deliveries are durable. A
 * failure to write them is logged and never fails that request: the change itself stands.
 */
export class WebhookEvents {
  constructor(
    private readonly deps: { store: Store; catalog: Catalog; logger: Logger },
    /** Told when rows were written (the worker looks at once). */
    private readonly onEnqueued: () => void = () => {},
  ) {}

  async emit(environmentId: string, type: WebhookEventType, payload: unknown): Promise<number> {
    try {
      const hooks = await this.deps.store.webhooks.list({ environment_id: environmentId, is_active: true, limit: MAX_WEBHOOKS });
      const event = { id: randomUUID(), type, payload, environment_id: environmentId, created_at: new Date().toISOString() };
      const rows: NewWebhookDelivery[] = hooks
        .filter((h) => subscribes(h.event_types, type))
        .map((h) => ({
          id: randomUUID(),
          webhook_id: h.id,
          environment_id: environmentId,
          event_type: type,
          payload: webhookBody(event, h.id),
          next_attempt_at: event.created_at,
        }));
      if (!rows.length) return 0;
      await this.deps.store.webhooks.enqueue(rows);
      this.onEnqueued();
      return rows.length;
    } catch (e) {
      this.deps.logger.error({ err: { message: (e as Error).message }, event: type, environment_id: environmentId }, 'webhook event not recorded');
      return 0;
    }
  }

  /** An account event: the payload is the account as the API shows it, credentials redacted. */
  account(type: WebhookEventType, account: IntegratedAccountRecord): Promise<number> {
    return this.emit(account.environment_id, type, toView(account, this.deps.catalog));
  }
}
