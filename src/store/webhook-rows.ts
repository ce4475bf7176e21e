/** Webhooks and their durable delivery outbox (docs/platform.md). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface WebhookRows {}
