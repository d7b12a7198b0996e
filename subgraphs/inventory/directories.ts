import type { ServiceClient } from '../../platform/service-client';
import { VariantBySkuDocument } from './generated/clients/catalog';
import { OrdersExistDocument } from './generated/clients/orders';

/** What inventory needs to know of catalog: whether a SKU exists. */
export interface CatalogDirectory {
  knowsSku(sku: string): Promise<boolean>;
}

/** What inventory needs to know of orders: which of these orders were written. */
export interface OrdersDirectory {
  /** The ids among `orderIds` that orders has; throws (never guesses) when orders cannot say. */
  existing(orderIds: string[]): Promise<Set<string>>;
}

export function catalogDirectory(client: ServiceClient): CatalogDirectory {
  return {
    async knowsSku(sku) {
      const data = await client.request(VariantBySkuDocument, { sku });
      return data.variant !== null;
    },
  };
}

export function ordersDirectory(client: ServiceClient): OrdersDirectory {
  return {
    async existing(orderIds) {
      if (orderIds.length === 0) return new Set();
      const data = await client.request(OrdersExistDocument, {
        representations: orderIds.map((id) => ({ __typename: 'Order', id })),
      });
      if (data._entities.length !== orderIds.length)
        throw new Error(`orders answered ${data._entities.length} of ${orderIds.length} orders`);
      const found = new Set<string>();
      for (const entity of data._entities) if (entity && 'id' in entity) found.add(entity.id);
      return found;
    },
  };
}
