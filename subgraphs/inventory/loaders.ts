import { loaderByKey, loaderOfMany } from '../../platform/loaders';
import type { Backorders } from './domain/backorders';
import type { StockReads } from './domain/stock-reads';

export function createInventoryLoaders(inventory: StockReads, backorders: Backorders) {
  return {
    warehouseById: loaderByKey(
      (ids: readonly string[]) => inventory.warehousesByIds(ids),
      (w) => w.id,
    ),
    itemById: loaderByKey(
      (ids: readonly string[]) => inventory.itemsByIds(ids),
      (i) => i.id,
    ),
    /** Shared by ProductVariant.availableQuantity, .inventoryItems and Product.availability. */
    itemsBySku: loaderOfMany(
      (skus: readonly string[]) => inventory.itemsBySkus(skus),
      (i) => i.sku,
    ),
    reservationById: loaderByKey(
      (ids: readonly string[]) => inventory.reservationsByIds(ids),
      (r) => r.id,
    ),
    linesOfReservation: loaderOfMany(
      (ids: readonly string[]) => inventory.linesOfReservations(ids),
      (l) => l.reservationId,
    ),
    backorderPolicyBySku: loaderByKey(
      (skus: readonly string[]) => backorders.policiesOf(skus),
      (p) => p.sku,
    ),
    backordersOfReservation: loaderOfMany(
      (ids: readonly string[]) => backorders.ofReservations(ids),
      (b) => b.reservationId,
    ),
  };
}

export type InventoryLoaders = ReturnType<typeof createInventoryLoaders>;
