import { AdminResource, seg } from './admin-resource.ts';
import type { RequestOptions } from './http.ts';
import type { DeleteResult } from './unified-api.ts';

/**
 * Webhooks (docs/webhooks.md): where account events are delivered, signed with the secret that
 * `create` returns once. The same calls as Truto's SDK `webhook` resource.
 */

/** The event names a webhook subscribes to; `*` is every one. */
export type WebhookEventType =
  | '*'
  | 'integrated_account:created'
  | 'integrated_account:active'
  | 'integrated_account:updated'
  | 'integrated_account:deleted'
  | 'integrated_account:validation_error'
  | 'integrated_account:authentication_error'
  | 'integrated_account:post_install_error'
  | 'integrated_account:post_connect_form_submitted';

export interface Webhook {
  id: string;
  environment_id: string;
  target_url: string;
  event_types: WebhookEventType[];
  is_active: boolean;
  created_at: string;
  updated_at: string;
}

/** What `create` answers: the webhook and its signing secret, shown this once. */
export interface CreatedWebhook extends Webhook {
  secret: string;
}

export interface CreateWebhook {
  /** https, and public (loopback is allowed in the sandbox). */
  target_url: string;
  event_types: WebhookEventType[];
  /** Default true. */
  is_active?: boolean;
  /** Truto's SDK sends it; Tessera accepts only the token's own environment. */
  environment_id?: string;
}

export type UpdateWebhook = Partial<Pick<CreateWebhook, 'target_url' | 'event_types' | 'is_active'>>;

/** `id`, `is_active`, `target_url`, in any form the admin lists take (`id[in]`, `id[]`…). */
export type WebhookQuery = Record<string, unknown>;

export interface WebhookTestResult {
  /** The receiver answered 2xx. */
  success: boolean;
  status: number | null;
  duration_ms: number;
  error: string | null;
  delivery_id: string;
}

const PATH = 'webhook';

export class WebhooksApi extends AdminResource<Webhook, WebhookQuery> {
  protected readonly path = PATH;

  /** The answer's `secret` is never shown again: store it where the receiver verifies signatures. */
  create(body: CreateWebhook, request?: RequestOptions): Promise<CreatedWebhook> {
    return this.http.request<CreatedWebhook>('POST', PATH, { ...request, body });
  }

  update(id: string, body: UpdateWebhook, request?: RequestOptions): Promise<Webhook> {
    return this.http.request<Webhook>('PATCH', `${PATH}/${seg(id)}`, { ...request, body });
  }

  delete(id: string, request?: RequestOptions): Promise<DeleteResult> {
    return this.http.request<DeleteResult>('DELETE', `${PATH}/${seg(id)}`, request);
  }

  /** Sends a signed `webhook:test` event now; Truto's form `test({ id })` works too. */
  test(id: string | { id: string }, request?: RequestOptions): Promise<WebhookTestResult> {
    return this.http.request<WebhookTestResult>('POST', `${PATH}/test`, { ...request, body: { id: typeof id === 'string' ? id : id.id } });
  }
}
