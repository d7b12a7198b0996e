import type { Platform } from '../platform';
import { seedCatalog } from './catalog';
import { buildDemoShop } from './demo-data';
import { seedInventory } from './inventory';
import { seedPromotions } from './promotions';
import { seedPricing } from '../../subgraphs/pricing/seed';

/** Seeds each subgraph's own schema with its part of the demo shop, once. */
export async function seedDemoShop(platform: Platform): Promise<string[]> {
  const shop = buildDemoShop();
  const seeded: string[] = [];
  if (await seedCatalog(platform.subgraphs.catalog!.dataSource, shop)) seeded.push('catalog');
  if (await seedInventory(platform.subgraphs.inventory!.dataSource, shop)) seeded.push('inventory');
  const variants = shop.products.flatMap((p) =>
    p.variants.map((v) => ({ id: v.id, sku: v.sku, priceAmount: v.priceAmount })),
  );
  if (await seedPricing(platform.subgraphs.pricing!.dataSource, variants)) seeded.push('pricing');
  if (await seedPromotions(platform.subgraphs.promotions!.dataSource)) seeded.push('promotions');
  return seeded;
}
