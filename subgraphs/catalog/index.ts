import { subgraphTypeDefs } from '../../platform/schema';
import { join } from 'node:path';
import type { SubgraphModule } from '../../platform/subgraph';
import { catalogEntities } from './entities';
import { createCatalogLoaders, type CatalogLoaders } from './loaders';
import { CatalogInitial1764100000000 } from './migrations/0001-catalog-initial';
import { CatalogPricesMoveToPricing1764300000000 } from './migrations/0002-prices-move-to-pricing';
import { CatalogVariantWeight1765000000000 } from './migrations/0003-variant-weight';
import { CatalogAttributesMediaVisibility1767100000000 } from './migrations/0004-attributes-media-visibility';
import { CatalogTranslations1767100000002 } from './migrations/0005-translations';
import { AgeClaimService, SandboxAgeVerifier } from './domain/age-claims';
import { AttributeService } from './domain/attributes';
import { ProductImportService } from './domain/import/product-import';
import { MediaService } from './domain/media';
import { TranslationService } from './domain/translations';
import { catalogResolvers } from './resolvers';
import { CatalogService } from './service';

export interface CatalogServices {
  catalog: CatalogService;
  attributes: AttributeService;
  media: MediaService;
  ages: AgeClaimService;
  imports: ProductImportService;
  translations: TranslationService;
}

export const catalogSubgraph: SubgraphModule<CatalogServices, CatalogLoaders> = {
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
    CatalogTranslations1767100000002,
  ],
  createServices: ({ dataSource }) => {
    const attributes = new AttributeService(dataSource);
    return {
      catalog: new CatalogService(dataSource),
      attributes,
      media: new MediaService(dataSource),
      // The sandbox until a real age verification provider is configured.
      ages: new AgeClaimService(dataSource, new SandboxAgeVerifier()),
      imports: new ProductImportService(dataSource, attributes),
      translations: new TranslationService(dataSource),
    };
  },
  createLoaders: ({ catalog, attributes, media, translations }) =>
    createCatalogLoaders(catalog, attributes, media, translations),
};
