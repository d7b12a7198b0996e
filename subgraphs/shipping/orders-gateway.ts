import type { Viewer } from '../../platform/identity';
import { createServiceClient, type ServiceClient } from '../../platform/service-client';
import type { SubgraphUrls } from '../../platform/subgraph';
import { ShippingReadableOrdersDocument } from './generated/clients/orders';

export interface OrderRef {
  id: string;
  accessGrant: string | null;
}

/** Asks orders, the owner of Order, whether the caller may read orders (its own rules decide). */
export class OrdersGateway {
  constructor(private readonly urls: SubgraphUrls) {}

  private get client(): ServiceClient {
    return createServiceClient('shipping', 'orders', this.urls.orders);
  }

  async readable(viewer: Viewer, orders: readonly OrderRef[]): Promise<boolean[]> {
    const data = await this.client.request(
      ShippingReadableOrdersDocument,
      {
        representations: orders.map((o) =>
          o.accessGrant === null
            ? { __typename: 'Order', id: o.id }
            : { __typename: 'Order', id: o.id, accessGrant: o.accessGrant },
        ),
      },
      { viewer },
    );
    return data._entities.map((entity) => entity !== null);
  }
}
