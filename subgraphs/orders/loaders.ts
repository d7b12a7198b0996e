import { loaderByKey, loaderOfMany } from '../kit/loaders';
import type { OrdersServices } from './services';

export function createOrdersLoaders({ carts, orders }: OrdersServices) {
  return {
    cartById: loaderByKey((ids: readonly string[]) => carts.cartsByIds(ids), (c) => c.id),
    linesOfCart: loaderOfMany((ids: readonly string[]) => carts.linesOfCarts(ids), (l) => l.cartId),
    orderById: loaderByKey((ids: readonly string[]) => orders.ordersByIds(ids), (o) => o.id),
    linesOfOrder: loaderOfMany((ids: readonly string[]) => orders.linesOfOrders(ids), (l) => l.orderId),
    statusHistoryOfOrder: loaderOfMany((ids: readonly string[]) => orders.statusHistoryOfOrders(ids), (c) => c.orderId),
  };
}

export type OrdersLoaders = ReturnType<typeof createOrdersLoaders>;
