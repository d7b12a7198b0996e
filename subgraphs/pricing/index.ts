import { subgraphTypeDefs } from '../../platform/schema';
import { join } from 'node:path';
import type { SubgraphModule } from '../../platform/subgraph';
import { pricingEntities } from './entities';
import { createPricingLoaders, type PricingLoaders } from './loaders';
import { PricingInitial1764100000000 } from './migrations/0001-pricing-initial';
import { pricingResolvers } from './resolvers';
import { PricingService } from './service';

export const pricingSubgraph: SubgraphModule<{ pricing: PricingService }, PricingLoaders> = {
  name: 'pricing',
  dbSchema: 'pricing',
  defaultPort: 4005,
  typeDefs: subgraphTypeDefs(join(__dirname, 'schema.graphql')),
  resolvers: pricingResolvers,
  entities: pricingEntities,
  migrations: [PricingInitial1764100000000],
  createServices: ({ dataSource }) => ({ pricing: new PricingService(dataSource) }),
  createLoaders: ({ pricing }) => createPricingLoaders(pricing),
};
