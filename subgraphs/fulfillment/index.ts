import { join } from 'node:path';
import { createLogger } from '../../platform/logging';
import { subgraphTypeDefs } from '../../platform/schema';
import type { ServiceDeps, SubgraphModule } from '../../platform/subgraph';
import { loadFulfillmentConfig, type FulfillmentConfig } from './config';
import { LocationDistance, ShippingLabelPurchaser } from './adapters';
import { fulfillmentEntities } from './entities';
import { InventoryGateway, OrdersGateway } from './gateways';
import { createFulfillmentLoaders, type FulfillmentLoaders } from './loaders';
import { FulfillmentInitial1765000000000 } from './migrations/0001-fulfillment-initial';
import { FulfillmentShippingMethod1765000000003 } from './migrations/0002-shipping-method';
import { FulfillmentOrderChanges1767000000001 } from './migrations/0003-order-changes';
import { fulfillmentResolvers } from './resolvers';
import { FulfillmentService } from './service';

const log = createLogger('fulfillment');

export interface FulfillmentServices {
  fulfillment: FulfillmentService;
  orders: OrdersGateway;
  config: FulfillmentConfig;
}

export function createFulfillmentServices({
  dataSource,
  subgraphUrls,
}: Pick<ServiceDeps, 'dataSource' | 'subgraphUrls'>): FulfillmentServices {
  const config = loadFulfillmentConfig();
  const inventory = new InventoryGateway(subgraphUrls);
  return {
    fulfillment: new FulfillmentService({
      db: dataSource,
      inventory,
      // Labels through shipping, distances through location (README: "Ports").
      ports: {
        labels: new ShippingLabelPurchaser(subgraphUrls, inventory, {
          carrier: config.FULFILLMENT_CARRIER,
          unitWeightGrams: config.FULFILLMENT_UNIT_WEIGHT_GRAMS,
        }),
        distance: new LocationDistance(subgraphUrls),
      },
      strategy: config.FULFILLMENT_STRATEGY,
      horizonHours: config.FULFILLMENT_SLOT_HORIZON_HOURS,
    }),
    orders: new OrdersGateway(subgraphUrls),
    config,
  };
}

export const fulfillmentSubgraph: SubgraphModule<FulfillmentServices, FulfillmentLoaders> = {
  name: 'fulfillment',
  dbSchema: 'fulfillment',
  defaultPort: 4010,
  typeDefs: subgraphTypeDefs(join(__dirname, 'schema.graphql')),
  resolvers: fulfillmentResolvers,
  entities: fulfillmentEntities,
  migrations: [
    FulfillmentInitial1765000000000,
    FulfillmentShippingMethod1765000000003,
    FulfillmentOrderChanges1767000000001,
  ],
  createServices: createFulfillmentServices,
  createLoaders: ({ fulfillment, orders }) => createFulfillmentLoaders(fulfillment, orders),
  consumers: ({ fulfillment }) => fulfillment.consumers(),
  // Assigns fulfillment orders a failed first run left open (inventory was down, say).
  startBackground: ({ fulfillment, config }) => {
    const timer = setInterval(() => {
      fulfillment
        .assignOpen()
        .catch((error) => log.warn('assignment sweep failed', { error: (error as Error).message }));
    }, config.FULFILLMENT_ASSIGN_SWEEP_MS);
    timer.unref();
    return () => clearInterval(timer);
  },
};
