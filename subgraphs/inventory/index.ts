import { join } from 'node:path';
import { subgraphTypeDefs } from '../../platform/schema';
import { createServiceClient, type ServiceClient } from '../../platform/service-client';
import type { SubgraphModule, SubgraphUrls } from '../../platform/subgraph';
import { loadInventoryConfig } from './config';
import { catalogDirectory, ordersDirectory } from './directories';
import { inventoryEntities } from './entities';
import { createInventoryLoaders, type InventoryLoaders } from './loaders';
import { InventoryInitial1764100000000 } from './migrations/0001-inventory-initial';
import { inventoryResolvers } from './resolvers';
import { InventoryService } from './service';
import { startPeriodicJob } from './sweeper';

export interface InventoryServices {
  inventory: InventoryService;
  /** The background jobs' periods, from the typed configuration. */
  schedule: { sweepMs: number; orphanSweepMs: number };
}

/** Resolves the callee's URL per call: orders starts after inventory and fills its URL in later. */
function clientOf(urls: SubgraphUrls, service: string): ServiceClient {
  return {
    request: (query: never, variables?: Record<string, unknown>) =>
      createServiceClient('inventory', service, urls[service]).request(query, variables),
  } as ServiceClient;
}

export const inventorySubgraph: SubgraphModule<InventoryServices, InventoryLoaders> = {
  name: 'inventory',
  dbSchema: 'inventory',
  defaultPort: 4002,
  typeDefs: subgraphTypeDefs(join(__dirname, 'schema.graphql')),
  resolvers: inventoryResolvers,
  entities: inventoryEntities,
  migrations: [InventoryInitial1764100000000],
  createServices: ({ dataSource, pubsub, subgraphUrls }) => {
    const config = loadInventoryConfig();
    return {
      inventory: new InventoryService({
        db: dataSource,
        pubsub,
        catalog: catalogDirectory(clientOf(subgraphUrls, 'catalog')),
        orders: ordersDirectory(clientOf(subgraphUrls, 'orders')),
        orphanAgeSeconds: config.ORPHAN_RESERVATION_AGE_SECONDS,
      }),
      schedule: { sweepMs: config.RESERVATION_SWEEP_MS, orphanSweepMs: config.ORPHAN_SWEEP_MS },
    };
  },
  createLoaders: ({ inventory }) => createInventoryLoaders(inventory.reads),
  startBackground: ({ inventory, schedule }) => {
    const stops = [
      startPeriodicJob(
        'releasing expired reservations',
        () => inventory.releaseExpiredReservations(),
        schedule.sweepMs,
      ),
      startPeriodicJob(
        'releasing reservations without an order',
        () => inventory.releaseOrphanedReservations(),
        schedule.orphanSweepMs,
      ),
    ];
    return () => stops.forEach((stop) => stop());
  },
};
