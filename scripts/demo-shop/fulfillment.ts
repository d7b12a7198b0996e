import type { FulfillmentSeed } from '../../subgraphs/fulfillment/seed';
import type { DemoShop } from './demo-data';

/** The demo shop's warehouses as fulfillment seeds them: the first is the big one. */
export function demoFulfillmentSeed(shop: DemoShop): FulfillmentSeed {
  return {
    warehouses: shop.warehouses.map((warehouse, index) => ({
      id: warehouse.id,
      big: index === 0,
      skus: shop.products
        .flatMap((p) => p.variants)
        .filter((v) => (v.stock[warehouse.code] ?? 0) > 0)
        .map((v) => v.sku)
        .sort(),
    })),
  };
}
