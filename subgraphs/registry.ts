import type { SubgraphModule } from '../platform/subgraph';
import { catalogSubgraph } from './catalog';
import { identitySubgraph } from './identity';
import { inventorySubgraph } from './inventory';
import { ordersSubgraph } from './orders';
import { paymentsSubgraph } from './payments';
import { pricingSubgraph } from './pricing';
import { promotionsSubgraph } from './promotions';

/**
 * Every subgraph of the platform, in start order (orders calls the others, so it comes
 * after them). Composition and `npm start` read this.
 */
// Each module has its own service and loader types; the list holds them all.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const subgraphs: SubgraphModule<any, any>[] = [
  identitySubgraph,
  catalogSubgraph,
  inventorySubgraph,
  pricingSubgraph,
  promotionsSubgraph,
  paymentsSubgraph,
  ordersSubgraph,
];
