import type { Viewer } from '../../platform/identity';
import { createServiceClient, type ServiceClient } from '../../platform/service-client';
import type { SubgraphUrls } from '../../platform/subgraph';
import { ExistingOrdersDocument, ReadableOrdersDocument } from './generated/clients/orders';

/** An order as payments knows it, with orders' access grant when the router carried one. */
export interface OrderRef {
  id: string;
  accessGrant: string | null;
}

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
      { representations: orders.map((o) => representation(o)) },
      { viewer },
    );
    return data._entities.map((entity) => entity !== null);
  }

  /** For each order id, whether the order exists; one call for the batch. */
  async existing(ids: readonly string[]): Promise<boolean[]> {
    const data = await this.client.request(ExistingOrdersDocument, {
      representations: ids.map((id) => representation({ id, accessGrant: null })),
    });
    return data._entities.map((entity) => entity !== null);
  }
}

function representation(order: OrderRef): Record<string, unknown> {
  return order.accessGrant === null
    ? { __typename: 'Order', id: order.id }
    : { __typename: 'Order', id: order.id, accessGrant: order.accessGrant };
}
