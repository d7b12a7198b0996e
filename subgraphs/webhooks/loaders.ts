import DataLoader from 'dataloader';
import type { DeliveryAttempt, DeliveryAttempts } from './domain/attempts';
/**
 * Webhooks resolves no child fields of its own (an endpoint and a delivery are one row
 * each, read whole), so it has no DataLoaders.
 */
/** Per request: the tries of every delivery on a ledger page, in one query. */
export function createWebhooksLoaders(attempts: DeliveryAttempts) {
  return {
    attempts: new DataLoader<string, DeliveryAttempt[]>((ids) => attempts.forDeliveries(ids)),
  };
}

export type WebhooksLoaders = ReturnType<typeof createWebhooksLoaders>;
