/**
 * The events a webhook can subscribe to (docs/webhooks.md). `*` subscribes to every one of them,
 * present and future. `webhook:test` is never subscribed to: POST /webhook/test sends it to one
 * webhook on request.
 */
export const ACCOUNT_EVENT_TYPES = [
  'integrated_account:created',
  'integrated_account:active',
  'integrated_account:updated',
  'integrated_account:deleted',
  'integrated_account:validation_error',
  'integrated_account:authentication_error',
  'integrated_account:post_install_error',
  'integrated_account:post_connect_form_submitted',
] as const;

export type WebhookEventType = (typeof ACCOUNT_EVENT_TYPES)[number];

export const ALL_EVENTS = '*';
export const TEST_EVENT = 'webhook:test';

/** What `event_types` may hold. */
export const SUBSCRIBABLE_EVENTS: readonly string[] = [ALL_EVENTS, ...ACCOUNT_EVENT_TYPES];

export function subscribes(eventTypes: readonly string[], event: string): boolean {
  return eventTypes.includes(ALL_EVENTS) || eventTypes.includes(event);
}
