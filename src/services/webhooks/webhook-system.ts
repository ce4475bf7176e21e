import type { TesseraConfig } from '../../config.ts';
import type { Catalog } from '../../integrations/catalog.ts';
import type { Logger } from '../../logger.ts';
import type { Store } from '../../store/types.ts';
import { OutboxWorker } from './outbox-worker.ts';
import { WebhookTargetPolicy } from './target-policy.ts';
import { WebhookEvents } from './webhook-events.ts';
import { WebhooksService } from './webhooks-service.ts';

/** Everything webhooks are, built once by the composition root (docs/webhooks.md). */
export interface WebhookSystem {
  service: WebhooksService;
  events: WebhookEvents;
  worker: OutboxWorker;
  targets: WebhookTargetPolicy;
  /** Stops the worker (its sends in progress finish), then drops pooled connections. */
  close(): Promise<void>;
}

export function createWebhookSystem(config: TesseraConfig, deps: { store: Store; catalog: Catalog; logger: Logger }): WebhookSystem {
  const targets = new WebhookTargetPolicy(config.upstream.allow, config.webhooks.allowLocalhost);
  const worker = new OutboxWorker(deps.store, targets, config.webhooks, deps.logger);
  const events = new WebhookEvents(deps, () => worker.wake());
  const service = new WebhooksService({ store: deps.store, targets, timeoutMs: config.webhooks.timeoutMs, logger: deps.logger });
  return {
    service,
    events,
    worker,
    targets,
    async close() {
      await worker.stop();
      await targets.close();
    },
  };
}
