import { subgraphTypeDefs } from '../../platform/schema';
import { join } from 'node:path';
import type { SubgraphModule } from '../../platform/subgraph';
import { inventoryEntities } from './entities';
import { createInventoryLoaders, type InventoryLoaders } from './loaders';
import { InventoryInitial1764100000000 } from './migrations/0001-inventory-initial';
import { inventoryResolvers } from './resolvers';
import { InventoryService } from './service';
import { startReservationSweeper } from './sweeper';

export const inventorySubgraph: SubgraphModule<{ inventory: InventoryService }, InventoryLoaders> =
  {
    name: 'inventory',
    dbSchema: 'inventory',
    defaultPort: 4002,
    typeDefs: subgraphTypeDefs(join(__dirname, 'schema.graphql')),
    resolvers: inventoryResolvers,
    entities: inventoryEntities,
    migrations: [InventoryInitial1764100000000],
    createServices: ({ dataSource, pubsub }) => ({
      inventory: new InventoryService(dataSource, pubsub),
    }),
    createLoaders: ({ inventory }) => createInventoryLoaders(inventory),
    startBackground: ({ inventory }) => startReservationSweeper(inventory),
  };
