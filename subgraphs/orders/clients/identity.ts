import type { ServiceClient } from '../../../platform/service-client';
import { OrdersCustomerSegmentsDocument } from '../generated/clients/identity';

export class IdentityClient {
  constructor(private readonly client: ServiceClient) {}

  /** The customer's segments (vip, wholesale, ...), for segment-targeted promotions; none if unknown. */
  async segmentsOf(customerId: string): Promise<string[]> {
    const data = await this.client.execute(OrdersCustomerSegmentsDocument, {
      representations: [{ __typename: 'Customer', id: customerId }],
    });
    const [customer] = data._entities;
    return customer && 'segments' in customer ? customer.segments : [];
  }

  /** Whether identity knows the customer (a draft order is made out to one). */
  async exists(customerId: string): Promise<boolean> {
    const data = await this.client.execute(OrdersCustomerSegmentsDocument, {
      representations: [{ __typename: 'Customer', id: customerId }],
    });
    return Boolean(data._entities[0]);
  }
}
