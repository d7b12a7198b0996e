/**
 * Webhooks resolves no child fields of its own (an endpoint and a delivery are one row
 * each, read whole), so it has no DataLoaders.
 */
export function createWebhooksLoaders() {
  return {};
}

export type WebhooksLoaders = ReturnType<typeof createWebhooksLoaders>;
