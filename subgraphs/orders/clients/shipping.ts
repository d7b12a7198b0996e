import type { ServiceClient } from '../../../platform/service-client';
import {
  OrdersReturnLabelCreateDocument,
  OrdersShippingOptionsDocument,
  type OrdersShippingOptionsQuery,
  type ShippingOptionsInput,
} from '../generated/clients/shipping';
import { valueOf } from './raise';

export type ShippingOption = OrdersShippingOptionsQuery['shippingOptions'][number];
export type ShippingOptionsRequest = ShippingOptionsInput;

export class ShippingClient {
  constructor(private readonly client: ServiceClient) {}

  /** The methods serving a destination, priced for these measures, cheapest first; [] when none. */
  async options(input: ShippingOptionsRequest): Promise<ShippingOption[]> {
    const { shippingOptions } = await this.client.execute(OrdersShippingOptionsDocument, {
      input,
    });
    return shippingOptions;
  }

  /** A return label against a shipment of the order; idempotent by key. */
  async returnLabel(
    shipmentId: string,
    idempotencyKey: string,
  ): Promise<{ id: string; trackingNumber: string }> {
    const { shipmentReturnLabelCreate: p } = await this.client.execute(
      OrdersReturnLabelCreateDocument,
      { shipmentId, idempotencyKey },
    );
    return valueOf(p, p.returnLabel, 'returnLabel');
  }
}
