import type { DataSource } from 'typeorm';
import { BrandRow, CategoryRow, ProductRow, ProductVariantRow } from './entities';

/** A catalog to start a shop with (`npm start`'s demo shop); ids are the caller's, stable across runs. */
export interface CatalogSeed {
  categories: {
    id: string;
    name: string;
    slug: string;
    parentId: string | null;
    position: number;
  }[];
  brands: { id: string; name: string; slug: string }[];
  products: {
    id: string;
    slug: string;
    name: string;
    description: string;
    categoryId: string;
    brandId: string;
    variants: {
      id: string;
      sku: string;
      title: string;
      options: { name: string; value: string }[];
      /** Grams; shipping's weight bands price by it. */
      weightGrams: number;
      dimensions: { lengthMm: number; widthMm: number; heightMm: number };
    }[];
  }[];
}

/** Writes the seed catalog once; a catalog that already has products is left alone. */
export async function seedCatalog(db: DataSource, shop: CatalogSeed): Promise<boolean> {
  if ((await db.getRepository(ProductRow).count()) > 0) return false;
  await db.transaction(async (tx) => {
    // Parents first: the category tree references itself.
    const roots = shop.categories.filter((c) => c.parentId === null);
    const children = shop.categories.filter((c) => c.parentId !== null);
    await tx.getRepository(CategoryRow).insert(roots);
    await tx.getRepository(CategoryRow).insert(children);
    await tx.getRepository(BrandRow).insert(shop.brands);
    await tx.getRepository(ProductRow).insert(
      shop.products.map((product) => ({
        id: product.id,
        slug: product.slug,
        name: product.name,
        description: product.description,
        categoryId: product.categoryId,
        brandId: product.brandId,
        status: 'ACTIVE' as const,
      })),
    );
    const variants = shop.products.flatMap((product) =>
      product.variants.map((variant, position) => ({
        id: variant.id,
        productId: product.id,
        sku: variant.sku,
        title: variant.title,
        options: variant.options,
        weightGrams: variant.weightGrams,
        ...variant.dimensions,
        position,
      })),
    );
    for (let i = 0; i < variants.length; i += 500) {
      await tx.getRepository(ProductVariantRow).insert(variants.slice(i, i + 500));
    }
  });
  return true;
}
