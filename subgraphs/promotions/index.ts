import { subgraphTypeDefs } from '../../platform/schema';
import { join } from 'node:path';
import type { SubgraphModule } from '../../platform/subgraph';
import { promotionsEntities } from './entities';
import { createPromotionsLoaders, type PromotionsLoaders } from './loaders';
import { PromotionsInitial1764100000000 } from './migrations/0001-promotions-initial';
import { promotionsResolvers } from './resolvers';
import { PromotionsService } from './service';

export const promotionsSubgraph: SubgraphModule<
  { promotions: PromotionsService },
  PromotionsLoaders
> = {
  name: 'promotions',
  dbSchema: 'promotions',
  defaultPort: 4006,
  typeDefs: subgraphTypeDefs(join(__dirname, 'schema.graphql')),
  resolvers: promotionsResolvers,
  entities: promotionsEntities,
  migrations: [PromotionsInitial1764100000000],
  createServices: ({ dataSource }) => ({ promotions: new PromotionsService(dataSource) }),
  createLoaders: ({ promotions }) => createPromotionsLoaders(promotions),
};
