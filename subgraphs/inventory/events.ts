import type { EntityManager } from 'typeorm';
import { recordEvent } from '../../platform/outbox';

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

export function recordInventoryChanged(
  tx: EntityManager,
  event: InventoryChangedEvent,
): Promise<void> {
  return recordEvent(tx, 'inventory', inventoryTopic(event.sku), event);
}
