import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { Logger } from '../../logger.ts';
import type { RequestLogRecord } from '../../store/request-log-rows.ts';
import type { Store } from '../../store/types.ts';
import type { DeliveryOutcome, WebhookDeliveryRecord, WebhookRecord } from '../../store/webhook-rows.ts';
import { sendWebhook, type SendResult } from './sender.ts';
import type { WebhookTargetPolicy } from './target-policy.ts';

export interface OutboxSettings {
  timeoutMs: number;
  /** The wait before each retry; attempts = length + 1. */
  retryScheduleMs: number[];
  pollMs: number;
  leaseMs: number;
}

/** Rows claimed per round; each is sent concurrently. */
const BATCH = 20;

/** The wait before retry `n` (1-based): the schedule's entry, ±20 % so a receiver's outage does not bring every retry back at once. */
export function retryDelay(schedule: number[], retry: number, random = Math.random): number {
  const base = schedule[Math.min(retry, schedule.length) - 1] ?? 0;
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** What an attempt makes of the row: delivered, another try later, or given up. */
export function outcomeOf(row: WebhookDeliveryRecord, result: SendResult, schedule: number[], at: Date, random = Math.random): DeliveryOutcome {
  const attempts = row.attempts + 1;
  const base = { attempts, last_status: result.status, last_error: result.error };
  if (result.ok) return { ...base, state: 'delivered', next_attempt_at: row.next_attempt_at, delivered_at: at.toISOString() };
  if (result.refused || attempts > schedule.length) return { ...base, state: 'failed', next_attempt_at: row.next_attempt_at, delivered_at: null };
  const next = new Date(at.getTime() + retryDelay(schedule, attempts, random));
  return { ...base, state: 'pending', next_attempt_at: next.toISOString(), delivered_at: null };
}

/**
 * The delivery worker: one per process, started with the server and stopped on drain or close.
 * It claims due outbox rows with a lease (claimed_by, claimed_until), so replicas sharing a
 * database never send one row twice while both are alive; a crashed replica's rows come back
 * once its lease lapses. Delivery is at least once: a replica that dies after the receiver
 * answered but before recording it sends that row again (receivers dedupe on the delivery id).
 */
export class OutboxWorker {
  readonly owner = `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = true;
  private again = false;

  constructor(
    private readonly store: Store,
    private readonly targets: WebhookTargetPolicy,
    private readonly settings: OutboxSettings,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops claiming; resolves once the sends in progress have finished and been recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** New rows were written: look now instead of at the next poll. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  private schedule(ms: number) {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.round().finally(() => {
        this.running = undefined;
        const now = this.again;
        this.again = false;
        this.schedule(now ? 0 : this.settings.pollMs);
      });
    }, ms);
    this.timer.unref();
  }

  /** One round: claim what is due, send it, record each outcome. Exposed for tests. */
  async round(): Promise<number> {
    let rows: WebhookDeliveryRecord[];
    try {
      const now = new Date();
      rows = await this.store.webhooks.claimDue(this.owner, now.toISOString(), new Date(now.getTime() + this.settings.leaseMs).toISOString(), BATCH);
    } catch (e) {
      this.logger.error({ err: { message: (e as Error).message } }, 'webhook outbox: claiming deliveries failed');
      return 0;
    }
    await Promise.all(rows.map((row) => this.deliver(row)));
    // A full batch: more may be due.
    if (rows.length === BATCH) this.again = true;
    return rows.length;
  }

  private async deliver(row: WebhookDeliveryRecord): Promise<void> {
    try {
      const webhook = await this.store.webhooks.get(row.webhook_id);
      const result: SendResult =
        webhook && webhook.is_active
          ? await sendWebhook(
              { target_url: webhook.target_url, secret: webhook.secret, body: row.payload, delivery_id: row.id, attempt: row.attempts + 1 },
              this.targets,
              this.settings.timeoutMs,
            )
          : { ok: false, status: null, duration_ms: 0, error: 'the webhook was deactivated before delivery', refused: true };
      const at = new Date();
      const outcome = outcomeOf(row, result, this.settings.retryScheduleMs, at);
      const mine = await this.store.webhooks.finish(row.id, this.owner, outcome);
      // A webhook deleted meanwhile took its rows with it: nothing to record.
      if (!mine && webhook)
        this.logger.warn({ delivery_id: row.id }, 'webhook outbox: the claim lapsed before the attempt was recorded; another worker may send it again');
      if (webhook) await writeAttemptLog(this.store, this.logger, webhook, row, result, outcome, at);
    } catch (e) {
      // The claim lapses and the row is tried again: nothing is lost.
      this.logger.error({ err: { message: (e as Error).message }, delivery_id: row.id }, 'webhook outbox: delivery failed unexpectedly');
    }
  }
}

/** The request-log row of one attempt (GET /log?log_type=webhook): no secret, no query string of the target. */
export function attemptLog(
  webhook: Pick<WebhookRecord, 'id' | 'environment_id' | 'target_url'>,
  delivery: { id: string; event_type: string; payload: string },
  attempt: number,
  result: SendResult,
  state: string,
  at: Date,
): RequestLogRecord {
  const target = new URL(webhook.target_url);
  let account: { id?: unknown; integration?: { name?: unknown } } = {};
  try {
    account = (JSON.parse(delivery.payload) as { payload?: typeof account }).payload ?? {};
  } catch {
    // the payload is ours: always JSON
  }
  return {
    id: randomUUID(),
    environment_id: webhook.environment_id,
    log_type: 'webhook',
    integrated_account_id: delivery.event_type.startsWith('integrated_account:') && typeof account.id === 'string' ? account.id : null,
    integration: typeof account.integration?.name === 'string' ? account.integration.name : null,
    request_id: delivery.id,
    method: 'POST',
    path: `${target.origin}${target.pathname}`,
    status: result.status,
    duration_ms: result.duration_ms,
    error: result.error,
    detail: { webhook_id: webhook.id, event: delivery.event_type, delivery_id: delivery.id, attempt, state },
    created_at: at.toISOString(),
  };
}

async function writeAttemptLog(
  store: Store,
  logger: Logger,
  webhook: WebhookRecord,
  row: WebhookDeliveryRecord,
  result: SendResult,
  outcome: DeliveryOutcome,
  at: Date,
) {
  try {
    await store.requestLogs.insertMany([attemptLog(webhook, row, outcome.attempts, result, outcome.state, at)]);
  } catch (e) {
    logger.warn({ err: { message: (e as Error).message }, delivery_id: row.id }, 'webhook outbox: the request log row was not written');
  }
}
