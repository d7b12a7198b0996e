import { createServiceClient } from '../../../platform/service-client';
import type { SubgraphUrls } from '../../../platform/subgraph';
import { CatalogClient } from './catalog';
import { IdentityClient } from './identity';
import { InventoryClient } from './inventory';
import { LocationClient } from './location';
import { LoyaltyClient } from './loyalty';
import { PaymentsClient } from './payments';
import { PricingClient } from './pricing';
import { PromotionsClient } from './promotions';
import { ShippingClient } from './shipping';

/**
 * Typed calls to the subgraphs orders makes act: each `<callee>.graphql` here is generated
 * into `../generated/clients/<callee>.ts` against the callee's schema by `npm run codegen`.
 */
export function createClients(urls: SubgraphUrls) {
  const to = (callee: string) => createServiceClient('orders', callee, urls[callee]);
  return {
    catalog: new CatalogClient(to('catalog')),
    pricing: new PricingClient(to('pricing')),
    promotions: new PromotionsClient(to('promotions')),
    inventory: new InventoryClient(to('inventory')),
    payments: new PaymentsClient(to('payments')),
    identity: new IdentityClient(to('identity')),
    location: new LocationClient(to('location')),
    shipping: new ShippingClient(to('shipping')),
    loyalty: new LoyaltyClient(to('loyalty')),
  };
}

export type OrdersClients = ReturnType<typeof createClients>;
export { categoryIds, type VariantInfo } from './catalog';
export type { DiscountQuote, DiscountRequest } from './promotions';
export type { PriceQuote } from './pricing';
export type { ShippingOption } from './shipping';
export type { ReservationRef } from './inventory';
export type { PaymentRef } from './payments';
export type { LoyaltyHold } from './loyalty';
