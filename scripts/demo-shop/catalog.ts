import type { DataSource } from 'typeorm';
import {
  BrandRow,
  CategoryRow,
  ProductRow,
  ProductVariantRow,
} from '../../subgraphs/catalog/entities';
import type { DemoShop } from './demo-data';

/** Writes the demo catalog once; a catalog that already has products is left alone. */
export async function seedCatalog(db: DataSource, shop: DemoShop): Promise<boolean> {
  if ((await db.getRepository(ProductRow).count()) > 0) return false;
  await db.transaction(async (tx) => {
    // Parents first: the category tree references itself.
    const roots = shop.categories.filter((c) => c.parentId === null);
    const children = shop.categories.filter((c) => c.parentId !== null);
    await tx.getRepository(CategoryRow).insert(roots);
    await tx.getRepository(CategoryRow).insert(children);
    await tx.getRepository(BrandRow).insert(shop.brands);
    await tx.getRepository(ProductRow).insert(
      shop.products.map(({ variants: _variants, ...product }) => ({
        ...product,
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
        position,
      })),
    );
    for (let i = 0; i < variants.length; i += 500) {
      await tx.getRepository(ProductVariantRow).insert(variants.slice(i, i + 500));
    }
  });
  return true;
}
