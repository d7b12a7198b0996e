import type { OrdersClients, PriceQuote, VariantInfo } from '../clients/index';
import { RequestAnswers } from './request-answers';

const V1 = '00000000-0000-4000-8000-000000000001';
const V2 = '00000000-0000-4000-8000-000000000002';

function fakeClients() {
  const calls = { catalog: [] as unknown[], pricing: [] as unknown[] };
  const clients = {
    catalog: {
      variants: async (ids: string[], buyer: unknown) => {
        calls.catalog.push([ids, buyer]);
        return new Map<string, VariantInfo>();
      },
    },
    pricing: {
      quote: async (input: unknown) => {
        calls.pricing.push(input);
        return { total: calls.pricing.length } as unknown as PriceQuote;
      },
    },
  } as unknown as Pick<OrdersClients, 'catalog' | 'pricing'>;
  return { calls, clients };
}

const look = { currency: 'EUR', shippingCountry: 'DE' };

describe('RequestAnswers', () => {
  it('asks pricing once for the same look, whatever the spelling of the defaults', async () => {
    const { calls, clients } = fakeClients();
    const asked = new RequestAnswers(clients);
    const first = await asked.priceQuote({ ...look, lines: [{ variantId: V1, quantity: 1 }] });
    const again = await asked.priceQuote({
      ...look,
      shippingRegion: null,
      lines: [{ variantId: V1, quantity: 1, unitPrice: null }],
    });
    expect(again).toBe(first);
    expect(calls.pricing).toHaveLength(1);
  });

  it('asks pricing again when anything priced differs', async () => {
    const { calls, clients } = fakeClients();
    const asked = new RequestAnswers(clients);
    await asked.priceQuote({ ...look, lines: [{ variantId: V1, quantity: 1 }] });
    await asked.priceQuote({ ...look, lines: [{ variantId: V1, quantity: 2 }] });
    await asked.priceQuote({
      ...look,
      shippingCountry: 'FR',
      lines: [{ variantId: V1, quantity: 1 }],
    });
    await asked.priceQuote({
      ...look,
      lines: [{ variantId: V1, quantity: 1, discountAmount: 100 }],
    });
    await asked.priceQuote({ ...look, lines: [{ variantId: V1, quantity: 1, unitPrice: 500 }] });
    await asked.priceQuote({
      ...look,
      shippingAmount: 495,
      lines: [{ variantId: V1, quantity: 1 }],
    });
    expect(calls.pricing).toHaveLength(6);
  });

  it("serves a look without a buyer from one with, never a buyer's from another's", async () => {
    const { calls, clients } = fakeClients();
    const asked = new RequestAnswers(clients);
    const buyer = { customerId: 'c1', country: 'DE' };
    await asked.variants([V1, V2], buyer);
    await asked.variants([V2, V1], null);
    await asked.variants([V1, V2], buyer);
    expect(calls.catalog).toHaveLength(1);
    await asked.variants([V1, V2], { customerId: 'c2', country: 'DE' });
    await asked.variants([V1, V2], { customerId: 'c1', country: 'FR' });
    await asked.variants([V1], buyer);
    expect(calls.catalog).toHaveLength(4);
  });

  it('never hands a look without a buyer to a question with one (restrictions unread)', async () => {
    const { calls, clients } = fakeClients();
    const asked = new RequestAnswers(clients);
    await asked.variants([V1], null);
    await asked.variants([V1], { customerId: null, country: 'DE' });
    expect(calls.catalog).toHaveLength(2);
  });
});
