import { join } from 'node:path';
import { subgraphTypeDefs } from '../../platform/schema';
import { createServiceClient, type ServiceClient } from '../../platform/service-client';
import type { SubgraphModule, SubgraphUrls } from '../../platform/subgraph';
import { loadInventoryConfig } from './config';
import { addressDirectory, catalogDirectory, ordersDirectory } from './directories';
import { inventoryEntities } from './entities';
import { createInventoryLoaders, type InventoryLoaders } from './loaders';
import { InventoryInitial1764100000000 } from './migrations/0001-inventory-initial';
import { InventoryFulfillment1765000000000 } from './migrations/0002-fulfillment';
import { InventoryWarehouseAddress1766000000000 } from './migrations/0003-warehouse-address';
import { InventoryReturnMovements1766100000000 } from './migrations/0004-return-movements';
import { ORDER_RETURN_RECEIVED_TOPIC, type OrderReturnReceivedEvent } from '../../platform/topics';
import type { EventHandler } from '../../platform/events/consume';
import { inventoryResolvers } from './resolvers';
import { InventoryService } from './service';
import { startPeriodicJob } from '../../platform/periodic-job';
import { createLogger } from '../../platform/logging';

const log = createLogger('inventory');

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
  migrations: [
    InventoryInitial1764100000000,
    InventoryFulfillment1765000000000,
    InventoryWarehouseAddress1766000000000,
    InventoryReturnMovements1766100000000,
  ],
  createServices: ({ dataSource, pubsub, subgraphUrls }) => {
    const config = loadInventoryConfig();
    return {
      inventory: new InventoryService({
        db: dataSource,
        pubsub,
        catalog: catalogDirectory(clientOf(subgraphUrls, 'catalog')),
        addresses: addressDirectory(clientOf(subgraphUrls, 'location')),
        orders: ordersDirectory(clientOf(subgraphUrls, 'orders')),
        orphanAgeSeconds: config.ORPHAN_RESERVATION_AGE_SECONDS,
      }),
      schedule: { sweepMs: config.RESERVATION_SWEEP_MS, orphanSweepMs: config.ORPHAN_SWEEP_MS },
    };
  },
  // Orders' returns received in good condition go back on the shelf, once per item.
  consumers: ({ inventory }) => {
    const restock: EventHandler<OrderReturnReceivedEvent> = {
      topic: ORDER_RETURN_RECEIVED_TOPIC,
      handle: (tx, event) => inventory.reservationChanges.restock(tx, event),
    };
    return [restock] as EventHandler<never>[];
  },
  createLoaders: ({ inventory }) => createInventoryLoaders(inventory.reads, inventory.backorders),
  startBackground: ({ inventory, schedule }) => {
    const stops = [
      startPeriodicJob(
        log,
        'releasing expired reservations',
        () => inventory.releaseExpiredReservations(),
        schedule.sweepMs,
      ),
      startPeriodicJob(
        log,
        'releasing reservations without an order',
        () => inventory.releaseOrphanedReservations(),
        schedule.orphanSweepMs,
      ),
    ];
    return () => stops.forEach((stop) => stop());
  },
};
