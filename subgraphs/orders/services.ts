import type { ServiceDeps } from '../../platform/subgraph';
import { CartService } from './cart-service';
import { CartQuoter } from './cart-quote';
import { CheckoutService } from './checkout-service';
import { createClients } from './clients/index';
import { OrderAccess } from './order-access';
import { OrderService } from './order-service';

export function createOrdersServices({ dataSource, subgraphUrls, pubsub }: ServiceDeps) {
  const clients = createClients(subgraphUrls);
  const carts = new CartService(dataSource, clients);
  const orders = new OrderService(dataSource, clients.inventory, clients.payments, pubsub);
  const quoter = new CartQuoter(clients);
  const checkout = new CheckoutService(dataSource, carts, orders, quoter, clients);
  const access = new OrderAccess(dataSource);
  return { carts, orders, checkout, quoter, access };
}

export type OrdersServices = ReturnType<typeof createOrdersServices>;
