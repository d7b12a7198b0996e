import type {
  Bin,
  Fulfillment,
  FulfillmentOrder,
  ModelFields,
  Order,
  PickList,
  WarehouseCapacity,
} from './generated/resolvers-types';
import type {
  BinRow,
  FulfillmentOrderRow,
  FulfillmentRow,
  PickListRow,
  WarehouseCapacityRow,
} from './entities';

/**
 * GraphQL shapes (the mappers of codegen.yml): the schema's fields plus the ids child
 * resolvers load from. Storage rows never reach the API.
 */
export type FulfillmentOrderModel = ModelFields<FulfillmentOrder, 'lines' | 'fulfillments'>;
export type FulfillmentModel = ModelFields<
  Fulfillment,
  'lines' | 'warehouse' | 'packingSlipPdf'
> & { warehouseId: string };
export type PickListModel = ModelFields<PickList, 'warehouse' | 'fulfillments' | 'items'> & {
  warehouseId: string;
};
export type CapacityModel = ModelFields<WarehouseCapacity, 'warehouse'> & { warehouseId: string };
export type BinModel = ModelFields<Bin, 'warehouse'> & { warehouseId: string };
export type OrderModel = ModelFields<Order, 'fulfillmentOrder' | 'fulfillments' | 'accessGrant'>;

export function toFulfillmentOrder(row: FulfillmentOrderRow): FulfillmentOrderModel {
  return {
    id: row.id,
    orderId: row.orderId,
    orderVersion: row.orderVersion,
    status: row.status,
    createdAt: row.createdAt.toISOString(),
  };
}

export function toFulfillment(row: FulfillmentRow): FulfillmentModel {
  return {
    id: row.id,
    orderId: row.orderId,
    warehouseId: row.warehouseId,
    status: row.status,
    strategy: row.strategy,
    slotStart: row.slotStart.toISOString(),
    onHold: row.holdReason !== null,
    holdReason: row.holdReason,
    pickListId: row.pickListId,
    carrier: row.carrier,
    trackingNumber: row.trackingNumber,
    shipmentId: row.shipmentId,
    shippedAt: row.shippedAt?.toISOString() ?? null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    lostAt: row.lostAt?.toISOString() ?? null,
  };
}

export function toPickList(row: PickListRow): PickListModel {
  return { id: row.id, warehouseId: row.warehouseId, createdAt: row.createdAt.toISOString() };
}

export function toCapacity(row: WarehouseCapacityRow): CapacityModel {
  return {
    warehouseId: row.warehouseId,
    ordersPerDay: row.ordersPerDay,
    itemsPerHour: row.itemsPerHour,
    ordersPerSlot: row.ordersPerSlot,
    openHour: row.openHour,
    closeHour: row.closeHour,
  };
}

export function toBin(row: BinRow): BinModel {
  return { warehouseId: row.warehouseId, sku: row.sku, location: row.location };
}
