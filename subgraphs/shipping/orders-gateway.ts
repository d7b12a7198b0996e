import type { Viewer } from '../../platform/identity';
import { orderRepresentation, type OrderRef } from '../../platform/order-ref';
import { createServiceClient, type ServiceClient } from '../../platform/service-client';
import type { SubgraphUrls } from '../../platform/subgraph';
import { ShippingReadableOrdersDocument } from './generated/clients/orders';

export type { OrderRef };

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
        representations: orders.map(orderRepresentation),
      },
      { viewer },
    );
    return data._entities.map((entity) => entity !== null);
  }
}
