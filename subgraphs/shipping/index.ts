import { join } from 'node:path';
import { subgraphTypeDefs } from '../../platform/schema';
import type { SubgraphModule } from '../../platform/subgraph';
import { createLogger } from '../../platform/logging';
import { startPeriodicJob } from '../../platform/periodic-job';
import { sandboxCarriers } from './carriers/sandbox';
import { SandboxCarrierNetwork } from './carriers/sandbox-network';
import { shippingConfigFromEnv } from './config';
import { shippingEntities } from './entities';
import { createShippingLoaders, type ShippingLoaders } from './loaders';
import { ShippingInitial1765000000000 } from './migrations/0001-shipping-initial';
import { ShippingSandboxJourney1767400000000 } from './migrations/0002-sandbox-journey';
import { OrdersGateway } from './orders-gateway';
import { shippingResolvers } from './resolvers';
import { shippingRoutes } from './routes';
import { ShippingService } from './service';

export interface ShippingServices {
  shipping: ShippingService;
  orders: OrdersGateway;
  sandboxNetwork: SandboxCarrierNetwork;
}

const log = createLogger('shipping');

export const shippingSubgraph: SubgraphModule<ShippingServices, ShippingLoaders> = {
  name: 'shipping',
  dbSchema: 'shipping',
  defaultPort: 4009,
  typeDefs: subgraphTypeDefs(join(__dirname, 'schema.graphql')),
  resolvers: shippingResolvers,
  entities: shippingEntities,
  migrations: [ShippingInitial1765000000000, ShippingSandboxJourney1767400000000],
  createServices: ({ dataSource, subgraphUrls }) => {
    const config = shippingConfigFromEnv();
    return {
      shipping: new ShippingService(dataSource, sandboxCarriers(dataSource), config),
      orders: new OrdersGateway(subgraphUrls),
      sandboxNetwork: new SandboxCarrierNetwork(dataSource, {
        stepSeconds: config.SHIPPING_SANDBOX_STEP_SECONDS,
        webhookSecret: config.SHIPPING_WEBHOOK_SECRET,
        // Its own URL is known once it listens: read at each send.
        webhookUrl: (carrier) =>
          subgraphUrls.shipping &&
          new URL(`/webhooks/carriers/${carrier}`, subgraphUrls.shipping).toString(),
        log,
      }),
    };
  },
  createLoaders: ({ shipping, orders }) => createShippingLoaders(shipping, orders),
  // POST /webhooks/carriers/:carrier and GET /labels/:tracking.pdf (routes.ts).
  routes: ({ shipping }) => shippingRoutes(shipping),
  // The sandbox carriers' tracking events, when SHIPPING_SANDBOX_STEP_SECONDS is set.
  startBackground: ({ shipping, sandboxNetwork }) =>
    shipping.config.SHIPPING_SANDBOX_STEP_SECONDS > 0
      ? startPeriodicJob(
          log,
          'sandbox carrier tracking',
          () => sandboxNetwork.tick(),
          shipping.config.SHIPPING_SANDBOX_TICK_MS,
        )
      : () => {},
};
