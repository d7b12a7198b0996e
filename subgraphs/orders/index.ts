import { startPeriodicJob } from '../../platform/periodic-job';
import { subgraphTypeDefs } from '../../platform/schema';
import { join } from 'node:path';
import type { SubgraphModule } from '../../platform/subgraph';
import { fulfillmentEventHandlers } from './domain/fulfillment-events';
import { paymentEventHandlers } from './domain/payment-events';
import { ordersEntities } from './entities';
import { createOrdersLoaders, type OrdersLoaders } from './loaders';
import { OrdersInitial1764100000000 } from './migrations/0001-orders-initial';
import { OrdersPricedCheckout1764300000000 } from './migrations/0002-priced-checkout';
import { OrdersOrderAccess1764400000000 } from './migrations/0003-order-access';
import { OrdersCheckoutRecovery1764500000000 } from './migrations/0004-checkout-recovery';
import { OrdersShippingMethod1765000000000 } from './migrations/0005-order-shipping-method';
import { OrdersForcedCancellation1765000000001 } from './migrations/0006-forced-cancellation';
import { OrdersDraftOrders1765200000000 } from './migrations/0007-draft-orders';
import { OrdersOrderChanges1766100000000 } from './migrations/0008-order-changes';
import { OrdersClaims1767000000000 } from './migrations/0009-claims';
import { OrdersLineParcels1767000000002 } from './migrations/0010-line-parcels';
import { OrdersTenders1767300000001 } from './migrations/0011-order-tenders';
import { OrdersSalesReportIndex1767700000000 } from './migrations/0012-sales-report-index';
import { OrdersCartPricedLines1768300000000 } from './migrations/0013-cart-priced-lines';
import { ordersResolvers } from './resolvers';
import { createOrdersServices, type OrdersServices } from './service';
import { createLogger } from '../../platform/logging';

const log = createLogger('orders');

export const ordersSubgraph: SubgraphModule<OrdersServices, OrdersLoaders> = {
  name: 'orders',
  dbSchema: 'orders',
  defaultPort: 4003,
  typeDefs: subgraphTypeDefs(join(__dirname, 'schema.graphql')),
  resolvers: ordersResolvers,
  entities: ordersEntities,
  migrations: [
    OrdersInitial1764100000000,
    OrdersPricedCheckout1764300000000,
    OrdersOrderAccess1764400000000,
    OrdersCheckoutRecovery1764500000000,
    OrdersShippingMethod1765000000000,
    OrdersForcedCancellation1765000000001,
    OrdersDraftOrders1765200000000,
    OrdersOrderChanges1766100000000,
    OrdersClaims1767000000000,
    OrdersLineParcels1767000000002,
    OrdersTenders1767300000001,
    OrdersSalesReportIndex1767700000000,
    OrdersCartPricedLines1768300000000,
  ],
  createServices: createOrdersServices,
  createLoaders: createOrdersLoaders,
  // FULFILLED and DELIVERED come from fulfillment's events (domain/fulfillment-events.ts);
  // payments' changes made outside orders reach the order too (domain/payment-events.ts).
  consumers: (services) => [
    ...fulfillmentEventHandlers(services.orders),
    ...paymentEventHandlers(services.orders, services.inventory),
  ],
  // Undoes abandoned checkouts (CHECKOUT_RECOVERY_INTERVAL_MS) and forgets idempotency keys
  // past their retention (IDEMPOTENCY_SWEEP_MS).
  startBackground: (services) => {
    const stops = [
      startPeriodicJob(
        log,
        'checkout recovery',
        services.recoverAbandonedCheckouts,
        services.config.CHECKOUT_RECOVERY_INTERVAL_MS,
      ),
      startPeriodicJob(
        log,
        'idempotency sweep',
        services.sweepIdempotencyKeys,
        services.config.IDEMPOTENCY_SWEEP_MS,
      ),
    ];
    return () => stops.forEach((stop) => stop());
  },
};
