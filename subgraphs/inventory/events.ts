import type { EntityManager } from 'typeorm';
import { STOCK_CHANGED_TOPIC, type StockChangedEvent } from '../../platform/events/product-topics';
import { type OutboxEvent, recordEvents } from '../../platform/outbox';

/**
 * What subscribers of one SKU hear: the whole item as the change left it, so that a
 * thousand subscribers cost no database reads when it is delivered.
 */
export interface InventoryChangedEvent {
  itemId: string;
  sku: string;
  warehouseId: string;
  onHand: number;
  reserved: number;
  lowStockThreshold: number;
  updatedAt: string;
  kind: string;
  movementId: string;
  eventId?: string;
}

export function inventoryTopic(sku: string): string {
  return `inventory.changed.${sku}`;
}

/** Per SKU for live subscribers, and on one topic for views of all stock (search's in-stock). */
export function inventoryChangedEvents(event: InventoryChangedEvent): OutboxEvent[] {
  const stock: StockChangedEvent = {
    sku: event.sku,
    warehouseId: event.warehouseId,
    onHand: event.onHand,
    reserved: event.reserved,
  };
  return [
    { topic: inventoryTopic(event.sku), payload: event },
    { topic: STOCK_CHANGED_TOPIC, payload: stock },
  ];
}

export async function recordInventoryChanged(
  tx: EntityManager,
  event: InventoryChangedEvent,
): Promise<void> {
  await recordEvents(tx, 'inventory', inventoryChangedEvents(event));
}

/** Goods received: what fulfillment waits for to allocate backordered lines. */
export const STOCK_RECEIVED_TOPIC = 'inventory.stock.received';

export interface StockReceivedEvent {
  sku: string;
  warehouseId: string;
  quantity: number;
  onHand: number;
  reserved: number;
  movementId: string;
  eventId?: string;
}
