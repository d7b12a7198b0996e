import DataLoader from 'dataloader';
import type { Viewer } from '../../platform/identity';
import { loaderByKey, loaderOfMany } from '../../platform/loaders';
import type { OrderRef, OrdersGateway } from './gateways';
import type { FulfillmentService } from './service';

export function createFulfillmentLoaders(fulfillment: FulfillmentService, orders: OrdersGateway) {
  // One viewer per request, so one loader: every order reference of the request is one call.
  let readable: DataLoader<OrderRef, boolean, string> | null = null;
  return {
    fulfillmentOrderOfOrder: loaderByKey(
      (ids: readonly string[]) => fulfillment.fulfillmentOrdersByOrderIds(ids),
      (o) => o.orderId,
    ),
    linesOfFulfillmentOrder: loaderOfMany(
      (ids: readonly string[]) => fulfillment.linesOfFulfillmentOrders(ids),
      (l) => l.fulfillmentOrderId,
    ),
    fulfillmentById: loaderByKey(
      (ids: readonly string[]) => fulfillment.fulfillmentsByIds(ids),
      (f) => f.id,
    ),
    fulfillmentsOfOrder: loaderOfMany(
      (ids: readonly string[]) => fulfillment.fulfillmentsOfOrders(ids),
      (f) => f.orderId,
    ),
    fulfillmentsOfPickList: loaderOfMany(
      (ids: readonly string[]) => fulfillment.fulfillmentsOfPickLists(ids),
      (f) => f.pickListId!,
    ),
    linesOfFulfillment: loaderOfMany(
      (ids: readonly string[]) => fulfillment.linesOfFulfillments(ids),
      (l) => l.fulfillmentId,
    ),
    pickListById: loaderByKey(
      (ids: readonly string[]) => fulfillment.pickListsByIds(ids),
      (p) => p.id,
    ),
    /** Keyed `warehouseId|sku`. */
    binOf: loaderByKey(
      (keys: readonly string[]) => fulfillment.setup.binsOf(keys),
      (b) => `${b.warehouseId}|${b.sku}`,
    ),
    /** Whether orders lets the viewer read the order (asked once per request and order). */
    orderReadable(viewer: Viewer): DataLoader<OrderRef, boolean, string> {
      readable ??= new DataLoader((refs) => orders.readable(viewer, refs), {
        cacheKeyFn: (ref) => `${ref.id}:${ref.accessGrant ?? ''}`,
      });
      return readable;
    },
  };
}

export type FulfillmentLoaders = ReturnType<typeof createFulfillmentLoaders>;
