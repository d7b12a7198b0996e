import { join } from 'node:path';
import { subgraphTypeDefs } from '../../platform/schema';
import type { SubgraphModule } from '../../platform/subgraph';
import { sandboxCarriers } from './carriers/sandbox';
import { shippingConfigFromEnv } from './config';
import { shippingEntities } from './entities';
import { createShippingLoaders, type ShippingLoaders } from './loaders';
import { ShippingInitial1765000000000 } from './migrations/0001-shipping-initial';
import { OrdersGateway } from './orders-gateway';
import { shippingResolvers } from './resolvers';
import { shippingRoutes } from './routes';
import { ShippingService } from './service';

export interface ShippingServices {
  shipping: ShippingService;
  orders: OrdersGateway;
}

export const shippingSubgraph: SubgraphModule<ShippingServices, ShippingLoaders> = {
  name: 'shipping',
  dbSchema: 'shipping',
  defaultPort: 4009,
  typeDefs: subgraphTypeDefs(join(__dirname, 'schema.graphql')),
  resolvers: shippingResolvers,
  entities: shippingEntities,
  migrations: [ShippingInitial1765000000000],
  createServices: ({ dataSource, subgraphUrls }) => ({
    shipping: new ShippingService(dataSource, sandboxCarriers(dataSource), shippingConfigFromEnv()),
    orders: new OrdersGateway(subgraphUrls),
  }),
  createLoaders: ({ shipping, orders }) => createShippingLoaders(shipping, orders),
  // POST /webhooks/carriers/:carrier and GET /labels/:tracking.pdf (routes.ts).
  routes: ({ shipping }) => shippingRoutes(shipping),
};
