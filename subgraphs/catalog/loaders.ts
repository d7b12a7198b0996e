import { loaderByKey, loaderOfMany } from '../../platform/loaders';
import type { AttributeService } from './domain/attributes';
import type { MediaService } from './domain/media';
import type { TranslationService } from './domain/translations';
import type { CatalogService } from './service';

export function createCatalogLoaders(
  catalog: CatalogService,
  attributes: AttributeService,
  media: MediaService,
  translations: TranslationService,
) {
  return {
    translationsOfProduct: loaderOfMany(
      (ids: readonly string[]) => translations.ofProducts(ids),
      (t) => t.productId,
    ),
    /** A product's own and its variants' attribute values, in the attributes' order. */
    attributeValuesOfProduct: loaderOfMany(
      (ids: readonly string[]) => attributes.valuesOfProducts(ids),
      (v) => v.productId,
    ),
    mediaOfProduct: loaderOfMany(
      (ids: readonly string[]) => media.ofProducts(ids),
      (m) => m.productId,
    ),
    productById: loaderByKey(
      (ids: readonly string[]) => catalog.productsByIds(ids),
      (p) => p.id,
    ),
    variantById: loaderByKey(
      (ids: readonly string[]) => catalog.variantsByIds(ids),
      (v) => v.id,
    ),
    variantBySku: loaderByKey(
      (skus: readonly string[]) => catalog.variantsBySkus(skus),
      (v) => v.sku,
    ),
    variantsOfProduct: loaderOfMany(
      (ids: readonly string[]) => catalog.activeVariantsOfProducts(ids),
      (v) => v.productId,
    ),
    categoryById: loaderByKey(
      (ids: readonly string[]) => catalog.categoriesByIds(ids),
      (c) => c.id,
    ),
    childrenOfCategory: loaderOfMany(
      (ids: readonly string[]) => catalog.childrenOfCategories(ids),
      (c) => c.parentId!,
    ),
    brandById: loaderByKey(
      (ids: readonly string[]) => catalog.brandsByIds(ids),
      (b) => b.id,
    ),
  };
}

export type CatalogLoaders = ReturnType<typeof createCatalogLoaders>;
