import type { EntityManager } from 'typeorm';
import { recordEvent } from '../../../platform/outbox';
import {
  ORDER_DELIVERED_TOPIC,
  ORDER_SHIPPED_TOPIC,
  orderUpdatedTopic,
  PARCEL_DELIVERED_TOPIC,
  PARCEL_SHIPPED_TOPIC,
  type ParcelEvent,
  type OrderFulfillmentEvent,
  type OrderUpdatedEvent,
} from '../../../platform/topics';

/** What fulfillment announces, always in the transaction of the change. */
export const announce = {
  /** Any fulfillment change: `orderUpdated` subscribers see it (the router fetches Order.fulfillments). */
  changed(tx: EntityManager, orderId: string): Promise<void> {
    const event: OrderUpdatedEvent = { orderId, source: 'fulfillment' };
    return recordEvent(tx, 'fulfillment', orderUpdatedTopic(orderId), event);
  },
  /** Every unit of the order left: orders moves it to FULFILLED. */
  shipped(tx: EntityManager, orderId: string, fulfillmentIds: string[]): Promise<void> {
    const event: OrderFulfillmentEvent = { orderId, fulfillmentIds };
    return recordEvent(tx, 'fulfillment', ORDER_SHIPPED_TOPIC, event);
  },
  /** Every parcel arrived: orders moves it to DELIVERED. */
  delivered(
    tx: EntityManager,
    orderId: string,
    fulfillmentIds: string[],
    shipmentIds: string[] = [],
  ): Promise<void> {
    // The shipments go along: orders buys return labels against them.
    const event: OrderFulfillmentEvent = { orderId, fulfillmentIds, shipmentIds };
    return recordEvent(tx, 'fulfillment', ORDER_DELIVERED_TOPIC, event);
  },
  /** One parcel left (or arrived), with the order lines it carried: orders counts them per line. */
  parcel(tx: EntityManager, delivered: boolean, event: ParcelEvent): Promise<void> {
    return recordEvent(
      tx,
      'fulfillment',
      delivered ? PARCEL_DELIVERED_TOPIC : PARCEL_SHIPPED_TOPIC,
      event,
    );
  },
};
