import type { Platform } from '../platform';
import { seedCatalog } from '../../subgraphs/catalog/seed';
import { buildDemoShop } from './demo-data';
import { demoFulfillmentSeed } from './fulfillment';
import { seedFulfillment } from '../../subgraphs/fulfillment/seed';
import { seedInventory } from '../../subgraphs/inventory/seed';
import { seedPromotions } from '../../subgraphs/promotions/seed';
import { seedPricing } from '../../subgraphs/pricing/seed';
import { seedShipping } from '../../subgraphs/shipping/seed';
import { seedSearch } from '../../subgraphs/search/seed';
import { demoSearchSeed } from './search';

/**
 * Hands each subgraph its part of the demo shop; each one's own seed module writes it to
 * its own schema, once.
 */
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
  const fulfillment = platform.subgraphs.fulfillment?.dataSource;
  if (fulfillment && (await seedFulfillment(fulfillment, demoFulfillmentSeed(shop))))
    seeded.push('fulfillment');
  if (await seedShipping(platform.subgraphs.shipping!.dataSource)) seeded.push('shipping');
  const search = platform.subgraphs.search?.dataSource;
  if (search && (await seedSearch(search, demoSearchSeed(shop)))) seeded.push('search');
  return seeded;
}
