import type { Viewer } from '../../platform/identity';
import { orderRepresentation, type OrderRef } from '../../platform/order-ref';
import { createServiceClient, type ServiceClient } from '../../platform/service-client';
import type { SubgraphUrls } from '../../platform/subgraph';
import { ExistingOrdersDocument, ReadableOrdersDocument } from './generated/clients/orders';

export type { OrderRef };

/**
 * What payments asks orders, the owner of Order: who may read an order (asked with the
 * caller's own signed identity, so orders' rules decide, token-holding guests included)
 * and whether an order was ever written (asked as the payments service).
 */
export class OrdersGateway {
  /** `urls.orders` is read at each call: orders may start after payments. */
  constructor(private readonly urls: SubgraphUrls) {}

  private get client(): ServiceClient {
    return createServiceClient('payments', 'orders', this.urls.orders);
  }

  /** For each order, whether orders lets `viewer` read it; one call for the batch. */
  async readable(viewer: Viewer, orders: readonly OrderRef[]): Promise<boolean[]> {
    const data = await this.client.request(
      ReadableOrdersDocument,
      { representations: orders.map(orderRepresentation) },
      { viewer },
    );
    return data._entities.map((entity) => entity !== null);
  }

  /** For each order id, whether the order exists; one call for the batch. */
  async existing(ids: readonly string[]): Promise<boolean[]> {
    const data = await this.client.request(ExistingOrdersDocument, {
      representations: ids.map((id) => orderRepresentation({ id, accessGrant: null })),
    });
    return data._entities.map((entity) => entity !== null);
  }
}
