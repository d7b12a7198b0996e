import { subgraphTypeDefs } from '../../platform/schema';
import { join } from 'node:path';
import type { SubgraphModule } from '../../platform/subgraph';
import { catalogEntities } from './entities';
import { createCatalogLoaders, type CatalogLoaders } from './loaders';
import { CatalogInitial1764100000000 } from './migrations/0001-catalog-initial';
import { CatalogPricesMoveToPricing1764300000000 } from './migrations/0002-prices-move-to-pricing';
import { CatalogVariantWeight1765000000000 } from './migrations/0003-variant-weight';
import { CatalogAttributesMediaVisibility1767100000000 } from './migrations/0004-attributes-media-visibility';
import { catalogResolvers } from './resolvers';
import { CatalogService } from './service';

export const catalogSubgraph: SubgraphModule<{ catalog: CatalogService }, CatalogLoaders> = {
  name: 'catalog',
  dbSchema: 'catalog',
  defaultPort: 4001,
  typeDefs: subgraphTypeDefs(join(__dirname, 'schema.graphql')),
  resolvers: catalogResolvers,
  entities: catalogEntities,
  migrations: [
    CatalogInitial1764100000000,
    CatalogPricesMoveToPricing1764300000000,
    CatalogVariantWeight1765000000000,
    CatalogAttributesMediaVisibility1767100000000,
  ],
  createServices: ({ dataSource }) => ({ catalog: new CatalogService(dataSource) }),
  createLoaders: ({ catalog }) => createCatalogLoaders(catalog),
};
