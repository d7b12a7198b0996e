import { createServiceClient, type ServiceClient } from '../../platform/service-client';
import type { SubgraphUrls } from '../../platform/subgraph';
import { NotificationRecipientDocument } from './generated/clients/identity';

export interface Recipient {
  email: string;
  name: string;
}

/** Identity, asked (typed, signed as this service) for a customer's address and name. */
export class IdentityGateway {
  private client: ServiceClient | null = null;

  constructor(private readonly urls: SubgraphUrls) {}

  /** Null when identity knows no such customer; throws UpstreamError when it does not answer. */
  async recipient(customerId: string): Promise<Recipient | null> {
    // The URL map fills as subgraphs start: look it up at the call, not at construction.
    this.client ??= createServiceClient('notifications', 'identity', this.urls.identity);
    const data = await this.client.execute(NotificationRecipientDocument, { id: customerId });
    if (!data.customer) return null;
    const { email, firstName, lastName } = data.customer;
    return { email, name: `${firstName} ${lastName}`.trim() };
  }
}
