import type { Viewer } from '../../platform/identity';
import { DomainError } from '../../platform/errors';
import { createServiceClient, type ServiceClient } from '../../platform/service-client';
import type { SubgraphUrls } from '../../platform/subgraph';
import { FulfillmentErrorCode } from './errors';
import {
  ReservationAllocateDocument,
  ReservationShipDocument,
  StockForAssignmentDocument,
  type StockForAssignmentQuery,
  WarehouseAddressesDocument,
} from './generated/clients/inventory';
import { ReadableOrdersDocument } from './generated/clients/orders';

/** An order as fulfillment knows it, with orders' access grant when the router carried one. */
export interface OrderRef {
  id: string;
  accessGrant: string | null;
}

export interface StockSnapshot {
  items: {
    sku: string;
    warehouseId: string;
    countryCode: string;
    regionCode: string | null;
    available: number;
  }[];
  expectedAt: Map<string, string | null>;
  backorderable: Set<string>;
  /** What the order's reservation holds, per warehouse and SKU. */
  held: { sku: string; warehouseId: string; quantity: number }[];
  reservationStatus: string | null;
}

type UserErrors = { field: string[] | null; message: string; code: string }[];

function refused(errors: UserErrors): void {
  if (!errors.length) return;
  throw new DomainError(
    FulfillmentErrorCode.INVENTORY_REFUSED,
    `Inventory refused: ${errors.map((e) => `${e.code} ${e.message}`).join('; ')}`,
  );
}

/** Typed calls to inventory, the owner of stock (clients/inventory.graphql). URLs are read per call. */
export class InventoryGateway {
  constructor(private readonly urls: SubgraphUrls) {}

  private get client(): ServiceClient {
    return createServiceClient('fulfillment', 'inventory', this.urls.inventory);
  }

  async stock(skus: string[], reservationId: string): Promise<StockSnapshot> {
    const data: StockForAssignmentQuery = await this.client.execute(StockForAssignmentDocument, {
      variants: skus.map((sku) => ({ __typename: 'ProductVariant', sku })),
      reservationId,
    });
    const snapshot: StockSnapshot = {
      items: [],
      expectedAt: new Map(),
      backorderable: new Set(),
      held: [],
      reservationStatus: data.reservation?.status ?? null,
    };
    for (const entity of data._entities) {
      if (!entity || !('sku' in entity)) continue;
      for (const item of entity.inventoryItems ?? []) {
        snapshot.items.push({
          sku: entity.sku,
          warehouseId: item.warehouse.id,
          countryCode: item.warehouse.countryCode,
          regionCode: item.warehouse.regionCode ?? null,
          available: item.available,
        });
      }
      if (entity.backorder) {
        snapshot.backorderable.add(entity.sku);
        snapshot.expectedAt.set(entity.sku, entity.backorder.expectedAt);
      }
    }
    for (const line of data.reservation?.lines ?? []) {
      snapshot.held.push({
        sku: line.sku,
        warehouseId: line.warehouse.id,
        quantity: line.quantity,
      });
    }
    return snapshot;
  }

  /** The label's sender: the warehouse's name and address; null when it has none. */
  async warehouseAddress(warehouseId: string): Promise<{
    name: string;
    line1: string;
    line2: string | null;
    city: string;
    region: string | null;
    postalCode: string;
    country: string;
  } | null> {
    const data = await this.client.execute(WarehouseAddressesDocument, {
      representations: [{ __typename: 'Warehouse', id: warehouseId }],
    });
    const warehouse = data._entities[0];
    if (!warehouse || !('address' in warehouse) || !warehouse.address) return null;
    return {
      name: warehouse.name,
      line1: warehouse.address.line1,
      line2: warehouse.address.line2 ?? null,
      city: warehouse.address.city,
      region: warehouse.regionCode ?? null,
      postalCode: warehouse.address.postalCode,
      country: warehouse.countryCode,
    };
  }

  async allocate(
    reservationId: string,
    lines: { sku: string; warehouseId: string; quantity: number }[],
  ): Promise<void> {
    const data = await this.client.execute(ReservationAllocateDocument, {
      input: { id: reservationId, lines },
    });
    refused(data.reservationAllocate.userErrors);
  }

  async ship(
    reservationId: string,
    fulfillmentId: string,
    warehouseId: string,
    lines: { sku: string; quantity: number }[],
  ): Promise<void> {
    const data = await this.client.execute(ReservationShipDocument, {
      input: { id: reservationId, reference: `fulfillment:${fulfillmentId}`, warehouseId, lines },
    });
    refused(data.reservationShip.userErrors);
  }
}

/** Who may read an order is orders' decision; fulfillment asks it, as payments does. */
export class OrdersGateway {
  constructor(private readonly urls: SubgraphUrls) {}

  async readable(viewer: Viewer, orders: readonly OrderRef[]): Promise<boolean[]> {
    const data = await createServiceClient('fulfillment', 'orders', this.urls.orders).request(
      ReadableOrdersDocument,
      {
        representations: orders.map((o) =>
          o.accessGrant === null
            ? { __typename: 'Order', id: o.id }
            : { __typename: 'Order', id: o.id, accessGrant: o.accessGrant },
        ),
      },
      { viewer },
    );
    return data._entities.map((entity) => entity !== null);
  }
}
