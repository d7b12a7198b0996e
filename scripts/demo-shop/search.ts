import { seedBasePrices } from '../../subgraphs/pricing/seed';
import type { SearchSeed } from '../../subgraphs/search/seed';
import type { DemoShop } from './demo-data';

/** The demo shop as catalog, pricing and inventory would announce it: search's seed. */
export function demoSearchSeed(shop: DemoShop): SearchSeed {
  const categories = new Map(shop.categories.map((c) => [c.id, c]));
  const brands = new Map(shop.brands.map((b) => [b.id, b]));
  const pathOf = (id: string) => {
    const path = [];
    for (let c = categories.get(id); c; c = c.parentId ? categories.get(c.parentId) : undefined) {
      path.unshift({ id: c.id, name: c.name, parentId: c.parentId });
    }
    return path;
  };
  const createdAt = new Date().toISOString();
  const variants = shop.products.flatMap((p) => p.variants);
  return {
    products: shop.products.map((product) => ({
      productId: product.id,
      version: '1',
      name: product.name,
      description: product.description,
      status: 'ACTIVE',
      locale: 'en',
      brand: brands.has(product.brandId)
        ? { id: product.brandId, name: brands.get(product.brandId)!.name }
        : null,
      categories: pathOf(product.categoryId),
      variants: product.variants.map((v) => ({
        id: v.id,
        sku: v.sku,
        title: v.title,
        options: v.options,
      })),
      createdAt,
    })),
    prices: seedBasePrices(variants),
    stock: shop.warehouses.flatMap((warehouse) =>
      variants.map((v) => ({
        sku: v.sku,
        warehouseId: warehouse.id,
        onHand: v.stock[warehouse.code] ?? 0,
        reserved: 0,
      })),
    ),
  };
}
