import { subgraphTypeDefs } from '../../platform/schema';
import { join } from 'node:path';
import type { SubgraphModule } from '../../platform/subgraph';
import { ordersEntities } from './entities';
import { createOrdersLoaders, type OrdersLoaders } from './loaders';
import { OrdersInitial1764100000000 } from './migrations/0001-orders-initial';
import { OrdersPricedCheckout1764300000000 } from './migrations/0002-priced-checkout';
import { OrdersOrderAccess1764400000000 } from './migrations/0003-order-access';
import { OrdersCheckoutRecovery1764500000000 } from './migrations/0004-checkout-recovery';
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
  ],
  createServices: createOrdersServices,
  createLoaders: createOrdersLoaders,
  // Undoes abandoned checkouts (CHECKOUT_RECOVERY_INTERVAL_MS) and forgets idempotency keys
  // past their retention (IDEMPOTENCY_SWEEP_MS).
  startBackground: (services) => {
    const every = (ms: number, job: () => Promise<unknown>, what: string) => {
      const timer = setInterval(() => {
        job().catch((error) => log.error(`${what} failed`, { error: (error as Error).message }));
      }, ms);
      timer.unref();
      return timer;
    };
    const timers = [
      every(
        services.config.CHECKOUT_RECOVERY_INTERVAL_MS,
        services.recoverAbandonedCheckouts,
        'checkout recovery',
      ),
      every(
        services.config.IDEMPOTENCY_SWEEP_MS,
        services.sweepIdempotencyKeys,
        'idempotency sweep',
      ),
    ];
    return () => timers.forEach(clearInterval);
  },
};
