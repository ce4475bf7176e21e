import type { TextMatch } from './filters.ts';

/**
 * Webhooks and their durable delivery outbox (docs/webhooks.md). The signing secret is plaintext
 * here and sealed inside the store (`webhooks.secret`, one sealed value), like an account's credentials.
 */
export interface WebhookRecord {
  id: string;
  environment_id: string;
  target_url: string;
  event_types: string[];
  is_active: boolean;
  secret: string;
  created_at: string;
  updated_at: string;
}

export type WebhookPatch = Partial<Pick<WebhookRecord, 'target_url' | 'event_types' | 'is_active'>>;

/** A webhook list of one environment, oldest first. */
export interface WebhookFilter {
  environment_id: string;
  id?: TextMatch;
  target_url?: TextMatch;
  is_active?: boolean;
  after?: { created_at: string; id: string };
  limit: number;
}

export type DeliveryState = 'pending' | 'delivered' | 'failed';

/** One event for one webhook: a row from the event until it is delivered or given up on. */
export interface WebhookDeliveryRecord {
  id: string;
  webhook_id: string;
  environment_id: string;
  event_type: string;
  /** The exact JSON body sent and signed. */
  payload: string;
  state: DeliveryState;
  attempts: number;
  next_attempt_at: string;
  /** The worker holding the row until `claimed_until`; another may take it once that has passed. */
  claimed_by: string | null;
  claimed_until: string | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: string | null;
  created_at: string;
  updated_at: string;
}

export type NewWebhookDelivery = Pick<WebhookDeliveryRecord, 'id' | 'webhook_id' | 'environment_id' | 'event_type' | 'payload' | 'next_attempt_at'>;

/** What one attempt changed: the row's next state, written only by the worker that holds its claim. */
export interface DeliveryOutcome {
  state: DeliveryState;
  attempts: number;
  next_attempt_at: string;
  last_status: number | null;
  last_error: string | null;
  delivered_at: string | null;
}

export interface WebhookRows {
  create(record: WebhookRecord): Promise<WebhookRecord>;
  get(id: string): Promise<WebhookRecord | undefined>;
  list(filter: WebhookFilter): Promise<WebhookRecord[]>;
  update(id: string, patch: WebhookPatch): Promise<WebhookRecord | undefined>;
  /** Deletes the webhook and (by cascade) its deliveries. */
  delete(id: string): Promise<boolean>;

  /** Adds outbox rows, all in one transaction, state pending. */
  enqueue(deliveries: NewWebhookDelivery[]): Promise<void>;
  /**
   * Claims up to `limit` pending rows due at `now` whose claim is free or has lapsed, for `owner`
   * until `until`. Each row is taken with a compare-and-set, so of two workers racing for a row
   * exactly one gets it, on SQLite and on Postgres.
   */
  claimDue(owner: string, now: string, until: string, limit: number): Promise<WebhookDeliveryRecord[]>;
  /** Records an attempt's outcome and frees the claim; false when `owner` no longer holds the row. */
  finish(id: string, owner: string, outcome: DeliveryOutcome): Promise<boolean>;
  getDelivery(id: string): Promise<WebhookDeliveryRecord | undefined>;
  /** A webhook's deliveries, oldest first (tests, diagnostics). */
  listDeliveries(webhookId: string): Promise<WebhookDeliveryRecord[]>;
}
