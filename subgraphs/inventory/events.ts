import type { EntityManager } from 'typeorm';
import { recordEvent } from '../kit/outbox';

/** What subscribers of one SKU hear: the item as the change left it. */
export interface InventoryChangedEvent {
  itemId: string;
  sku: string;
  warehouseId: string;
  onHand: number;
  reserved: number;
  kind: string;
  movementId: string;
  eventId?: string;
}

export function inventoryTopic(sku: string): string {
  return `inventory.changed.${sku}`;
}

export function recordInventoryChanged(tx: EntityManager, event: InventoryChangedEvent): Promise<void> {
  return recordEvent(tx, 'inventory', inventoryTopic(event.sku), event);
}
