import type { ServiceDeps } from '../kit/subgraph';
import { CartService } from './cart-service';
import { CheckoutService } from './checkout-service';
import { createClients } from './clients';
import { OrderService } from './order-service';

export function createOrdersServices({ dataSource, subgraphUrls, pubsub }: ServiceDeps) {
  const clients = createClients(subgraphUrls);
  const carts = new CartService(dataSource, clients.catalog);
  const orders = new OrderService(dataSource, clients.inventory, clients.payments, pubsub);
  const checkout = new CheckoutService(dataSource, carts, orders, clients);
  return { carts, orders, checkout };
}

export type OrdersServices = ReturnType<typeof createOrdersServices>;
