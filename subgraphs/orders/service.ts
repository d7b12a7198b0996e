import type { ServiceDeps } from '../../platform/subgraph';
import { createClients } from './clients/index';
import { loadOrdersConfig, type OrdersConfig } from './config';
import { SalesAnalytics } from './domain/analytics';
import { CartQuoter } from './domain/cart-quote';
import { CartService } from './domain/carts';
import { CheckoutAttempts } from './domain/checkout/attempts';
import { CheckoutService } from './domain/checkout/checkout';
import { DraftOrderService } from './domain/drafts/draft-orders';
import { recoverAbandonedCheckouts } from './domain/checkout/recovery';
import { checkoutSteps, stepOrder } from './domain/checkout/steps';
import { OrderAccess } from './domain/order-access';
import { OrderService } from './domain/orders';
import { OrderClaims } from './domain/changes/claims';
import { OrderEdits } from './domain/changes/edits';
import { OrderReturns } from './domain/changes/returns';
import { ChangeSettlement } from './domain/changes/settlement';
import { OrderChangeRow, OrderLineParcelRow } from './entities';
import { In } from 'typeorm';

/**
 * The orders domain's entry point: carts (and their cost), checkout, and the order
 * lifecycle after it, wired to the subgraphs it makes act. No GraphQL types here.
 */
export function createOrdersServices(
  { dataSource, subgraphUrls, pubsub }: ServiceDeps,
  config: OrdersConfig = loadOrdersConfig(),
) {
  const clients = createClients(subgraphUrls);
  const carts = new CartService(dataSource, clients);
  const orders = new OrderService(dataSource, clients.inventory, clients.payments, pubsub);
  const quoter = new CartQuoter(clients);
  const attempts = new CheckoutAttempts(dataSource, {
    leaseMs: config.CHECKOUT_LEASE_MS,
    waitMs: config.CHECKOUT_WAIT_MS,
  });
  const steps = stepOrder(
    checkoutSteps({
      clients,
      quoter,
      reservationTtlSeconds: config.CHECKOUT_RESERVATION_TTL_SECONDS,
    }),
  );
  const checkout = new CheckoutService(
    dataSource,
    carts,
    orders,
    clients,
    attempts,
    steps,
    config.CHECKOUT_LEASE_MS,
  );
  if (config.CHECKOUT_FAULT !== 'none') installCrashFault(checkout, config.CHECKOUT_FAULT);
  const drafts = new DraftOrderService(
    dataSource,
    clients,
    quoter,
    checkout,
    orders,
    config.DRAFT_PAY_URL,
  );
  const access = new OrderAccess(dataSource, config.ORDER_ACCESS_SECRET);
  const settlement = new ChangeSettlement(clients);
  const edits = new OrderEdits(dataSource, clients, quoter, orders, settlement);
  const labels = {
    buy: (shipmentId: string, key: string) => clients.shipping.returnLabel(shipmentId, key),
  };
  const returns = new OrderReturns(
    dataSource,
    clients,
    quoter,
    orders,
    settlement,
    labels,
    config.ORDERS_RETURN_WINDOW_DAYS,
  );
  const claims = new OrderClaims(dataSource, clients, orders, settlement, labels, (order, lineId) =>
    returns.shipmentOf(order, lineId),
  );
  return {
    analytics: new SalesAnalytics(dataSource),
    edits,
    returns,
    claims,
    parcelsOfOrders: (ids: readonly string[]) =>
      dataSource.getRepository(OrderLineParcelRow).findBy({ orderId: In([...ids]) }),
    changesOfOrders: (ids: readonly string[]) =>
      dataSource.getRepository(OrderChangeRow).find({
        where: { orderId: In([...ids]) },
        order: { createdAt: 'ASC' },
      }),
    config,
    carts,
    orders,
    checkout,
    drafts,
    quoter,
    inventory: clients.inventory,
    access,
    segmentsOf: (customerId: string) => clients.identity.segmentsOf(customerId),
    recoverAbandonedCheckouts: () => recoverAbandonedCheckouts(attempts, steps),
    sweepIdempotencyKeys: () => attempts.sweep(config.IDEMPOTENCY_RETENTION_DAYS),
  };
}

/** Test-only (CHECKOUT_FAULT): the process dies at this point, as a kill -9 would kill it. */
function installCrashFault(
  checkout: CheckoutService,
  fault: 'after-reservation' | 'after-authorization',
) {
  const die = () => {
    process.kill(process.pid, 'SIGKILL');
  };
  if (fault === 'after-reservation') checkout.faults.afterReservation = die;
  else checkout.faults.afterAuthorization = die;
}

export type OrdersServices = ReturnType<typeof createOrdersServices>;
