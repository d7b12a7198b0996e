import type { OrdersClients, PriceQuote, VariantInfo } from '../clients/index';
import type { PriceQuoteRequest } from '../clients/pricing';

type Buyer = { customerId: string | null; country: string } | null;

/**
 * What catalog and pricing have answered within one request, asked again only when the
 * question differs: cartCreate checks its lines with both, and the cart's cost in the same
 * response asks the same look a moment later. Kept for one request and never across, so
 * an answer is as fresh as one asked now would be within that request's own duration;
 * a change to the cart (other lines, another destination) is another question.
 */
export class RequestAnswers {
  private readonly looked = new Map<
    string,
    { buyer: string | null; answer: Promise<Map<string, VariantInfo>> }[]
  >();
  private readonly priced = new Map<string, Promise<PriceQuote>>();

  constructor(private readonly clients: Pick<OrdersClients, 'catalog' | 'pricing'>) {}

  /**
   * A look with a buyer also serves one without (only `saleRestriction` depends on the
   * buyer, and a look without one does not read it); never the other way round.
   */
  variants(ids: string[], buyer: Buyer): Promise<Map<string, VariantInfo>> {
    const key = [...ids].sort().join(',');
    const buyerKey = buyer ? `${buyer.customerId ?? ''}|${buyer.country}` : null;
    const seen = this.looked.get(key) ?? [];
    const fit = seen.find((s) => buyerKey === null || s.buyer === buyerKey);
    if (fit) return fit.answer;
    const answer = this.clients.catalog.variants(ids, buyer);
    this.looked.set(key, [...seen, { buyer: buyerKey, answer }]);
    return answer;
  }

  priceQuote(input: PriceQuoteRequest): Promise<PriceQuote> {
    const key = JSON.stringify([
      input.currency,
      input.shippingCountry,
      input.shippingRegion ?? null,
      input.lines.map((l) => [l.variantId, l.quantity, l.unitPrice ?? null, l.discountAmount ?? 0]),
      input.shippingAmount ?? 0,
      input.shippingDiscountAmount ?? 0,
      input.at ?? null,
    ]);
    let answer = this.priced.get(key);
    if (!answer) {
      answer = this.clients.pricing.quote(input);
      this.priced.set(key, answer);
    }
    return answer;
  }
}
