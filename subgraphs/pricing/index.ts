import { subgraphTypeDefs } from '../../platform/schema';
import { join } from 'node:path';
import { createServiceClient } from '../../platform/service-client';
import type { SubgraphModule } from '../../platform/subgraph';
import { catalogDirectory } from './directories';
import { pricingEntities } from './entities';
import { createPricingLoaders, type PricingLoaders } from './loaders';
import { PricingInitial1764100000000 } from './migrations/0001-pricing-initial';
import { PricingPublicLists1764200000000 } from './migrations/0002-public-price-lists';
import { pricingResolvers } from './resolvers';
import { PricingService } from './service';

export const pricingSubgraph: SubgraphModule<{ pricing: PricingService }, PricingLoaders> = {
  name: 'pricing',
  dbSchema: 'pricing',
  defaultPort: 4005,
  typeDefs: subgraphTypeDefs(join(__dirname, 'schema.graphql')),
  resolvers: pricingResolvers,
  entities: pricingEntities,
  migrations: [PricingInitial1764100000000, PricingPublicLists1764200000000],
  createServices: ({ dataSource, subgraphUrls }) => ({
    pricing: new PricingService(
      dataSource,
      catalogDirectory(createServiceClient('pricing', 'catalog', subgraphUrls.catalog)),
    ),
  }),
  createLoaders: ({ pricing }) => createPricingLoaders(pricing),
};
