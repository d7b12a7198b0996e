import type { Viewer } from '../../platform/identity';
import { createServiceClient, type ServiceClient } from '../../platform/service-client';
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
  constructor(private readonly client: ServiceClient) {}

  static fromUrl(url: string | undefined): OrdersGateway {
    return new OrdersGateway(createServiceClient('payments', 'orders', url));
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
