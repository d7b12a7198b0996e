import DataLoader from 'dataloader';
import type { Viewer } from '../../platform/identity';
import { loaderByKey, loaderOfMany } from '../../platform/loaders';
import type { OrderRef, OrdersGateway } from './orders-gateway';
import type { ShippingService } from './service';

export function createShippingLoaders(shipping: ShippingService, orders: OrdersGateway) {
  let readable: DataLoader<OrderRef, boolean, string> | null = null;
  return {
    methodById: loaderByKey(
      (ids: readonly string[]) => shipping.methodsByIds(ids),
      (m) => m.id,
    ),
    methodsOfZone: loaderOfMany(
      (ids: readonly string[]) => shipping.methodsOfZones(ids),
      (m) => m.zoneId,
    ),
    shipmentById: loaderByKey(
      (ids: readonly string[]) => shipping.shipmentsByIds(ids),
      (s) => s.id,
    ),
    shipmentsOfOrder: loaderOfMany(
      (ids: readonly string[]) => shipping.shipmentsOfOrders(ids),
      (s) => s.orderId,
    ),
    eventsOfShipment: loaderOfMany(
      (ids: readonly string[]) => shipping.eventsOfShipments(ids),
      (e) => e.shipmentId,
    ),
    returnLabelsOfShipment: loaderOfMany(
      (ids: readonly string[]) => shipping.returnLabelsOfShipments(ids),
      (r) => r.shipmentId,
    ),
    /** Whether orders lets the viewer read the order: one call per request for all its orders. */
    orderReadable(viewer: Viewer): DataLoader<OrderRef, boolean, string> {
      readable ??= new DataLoader((refs) => orders.readable(viewer, refs), {
        cacheKeyFn: (ref) => `${ref.id}:${ref.accessGrant ?? ''}`,
      });
      return readable;
    },
  };
}

export type ShippingLoaders = ReturnType<typeof createShippingLoaders>;
