import { subgraphTypeDefs } from '../../platform/schema';
import { join } from 'node:path';
import type { SubgraphModule } from '../../platform/subgraph';
import { ordersEntities } from './entities';
import { createOrdersLoaders, type OrdersLoaders } from './loaders';
import { OrdersInitial1764100000000 } from './migrations/0001-orders-initial';
import { OrdersPricedCheckout1764300000000 } from './migrations/0002-priced-checkout';
import { OrdersOrderAccess1764400000000 } from './migrations/0003-order-access';
import { ordersResolvers } from './resolvers';
import { createOrdersServices, type OrdersServices } from './services';
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
  ],
  createServices: createOrdersServices,
  createLoaders: createOrdersLoaders,
  // Forgets checkout idempotency keys past their retention, hourly.
  startBackground: ({ checkout }) => {
    const timer = setInterval(
      () => {
        checkout.attempts
          .sweep()
          .catch((error) =>
            log.error('idempotency sweep failed', { error: (error as Error).message }),
          );
      },
      Number(process.env.IDEMPOTENCY_SWEEP_MS ?? 3_600_000),
    );
    timer.unref();
    return () => clearInterval(timer);
  },
};
