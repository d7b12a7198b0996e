import {
  PRODUCT_CHANGED_TOPIC,
  STOCK_CHANGED_TOPIC,
} from '../../../platform/events/product-topics';
import {
  ORDER_CONFIRMED_TOPIC,
  ORDER_DELIVERED_TOPIC,
  ORDER_SHIPPED_TOPIC,
} from '../../../platform/topics';

/**
 * The events an endpoint may subscribe to: the outbox topic each stands for, and the
 * variables its document may declare (taken from the event: ids only, so the document, not
 * the event, decides what the merchant sees, with the app's permissions).
 */
export const WEBHOOK_TOPICS = {
  ORDER_CONFIRMED: { outbox: ORDER_CONFIRMED_TOPIC, variables: ['orderId'] },
  ORDER_SHIPPED: { outbox: ORDER_SHIPPED_TOPIC, variables: ['orderId', 'fulfillmentIds'] },
  ORDER_DELIVERED: { outbox: ORDER_DELIVERED_TOPIC, variables: ['orderId', 'fulfillmentIds'] },
  PRODUCT_CHANGED: { outbox: PRODUCT_CHANGED_TOPIC, variables: ['productId'] },
  STOCK_CHANGED: { outbox: STOCK_CHANGED_TOPIC, variables: ['sku', 'warehouseId'] },
} as const;

export type WebhookTopic = keyof typeof WEBHOOK_TOPICS;

/** Each topic's type in a webhookEvent document (schema.graphql). */
export const EVENT_TYPE_NAMES: Record<WebhookTopic, string> = {
  ORDER_CONFIRMED: 'OrderConfirmedWebhookEvent',
  ORDER_SHIPPED: 'OrderShippedWebhookEvent',
  ORDER_DELIVERED: 'OrderDeliveredWebhookEvent',
  PRODUCT_CHANGED: 'ProductChangedWebhookEvent',
  STOCK_CHANGED: 'StockChangedWebhookEvent',
};

/** The variables of one event for its topic's document. */
export function variablesOf(topic: WebhookTopic, event: Record<string, unknown>) {
  const variables: Record<string, unknown> = {};
  for (const name of WEBHOOK_TOPICS[topic].variables) {
    if (event[name] !== undefined) variables[name] = event[name];
  }
  return variables;
}
