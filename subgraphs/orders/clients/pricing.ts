import type { ServiceClient } from '../../../platform/service-client';
import {
  OrdersPriceQuoteDocument,
  type OrdersPriceQuoteMutation,
  type PriceQuoteInput,
} from '../generated/clients/pricing';
import { valueOf } from './raise';

export type PriceQuote = NonNullable<OrdersPriceQuoteMutation['priceQuote']['quote']>;
export type PriceQuoteRequest = PriceQuoteInput;

export class PricingClient {
  constructor(private readonly client: ServiceClient) {}

  async quote(input: PriceQuoteRequest): Promise<PriceQuote> {
    const { priceQuote } = await this.client.execute(OrdersPriceQuoteDocument, { input });
    return valueOf(priceQuote, priceQuote.quote, 'pricing quote');
  }
}
