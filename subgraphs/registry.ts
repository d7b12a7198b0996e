import type { SubgraphModule } from '../platform/subgraph';
import { catalogSubgraph } from './catalog';
import { fulfillmentSubgraph } from './fulfillment';
import { identitySubgraph } from './identity';
import { inventorySubgraph } from './inventory';
import { locationSubgraph } from './location';
import { loyaltySubgraph } from './loyalty';
import { notificationsSubgraph } from './notifications';
import { ordersSubgraph } from './orders';
import { paymentsSubgraph } from './payments';
import { pricingSubgraph } from './pricing';
import { reviewsSubgraph } from './reviews';
import { promotionsSubgraph } from './promotions';
import { searchSubgraph } from './search';
import { shippingSubgraph } from './shipping';
import { webhooksSubgraph } from './webhooks';

/**
 * Every subgraph of the platform, in start order (orders calls the others, so it comes
 * after them; identity and orders validate addresses with location; fulfillment calls
 * inventory and orders, and consumes orders' events). Composition and `npm start` read this.
 */
// Each module has its own service and loader types; the list holds them all.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const subgraphs: SubgraphModule<any, any>[] = [
  identitySubgraph,
  // Before catalog, pricing and inventory: it indexes from their events, listening first.
  searchSubgraph,
  // Before fulfillment, shipping and orders: it mails about their events, listening first;
  // after identity, which it asks for a customer's address.
  notificationsSubgraph,
  // Before catalog, orders and fulfillment: it keeps products and delivered purchases from
  // their events (verified purchases), listening first.
  reviewsSubgraph,
  // Before orders, fulfillment and payments: it earns from their events, listening first.
  loyaltySubgraph,
  // Before orders, fulfillment, catalog and inventory: it delivers their events to apps.
  webhooksSubgraph,
  catalogSubgraph,
  inventorySubgraph,
  pricingSubgraph,
  promotionsSubgraph,
  paymentsSubgraph,
  locationSubgraph,
  // Before orders: it consumes orders' confirmed events and must be listening first.
  fulfillmentSubgraph,
  shippingSubgraph,
  ordersSubgraph,
];
