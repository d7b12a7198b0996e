import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema } from 'graphql';

/** The public API schema (what clients see) is composed from every subgraph; internal
 * service-to-service operations are @inaccessible and must never appear in it. */
const api = readFileSync(join(__dirname, '..', 'schema', 'api.graphql'), 'utf8');
const schema = buildSchema(api);

describe('public API schema', () => {
  it('keeps inventory and promotions internal operations out', () => {
    expect(api).not.toMatch(
      /stockReserve|reservationCommit|reservationRelease|reservationFulfill|ReservationPayload|StockReserveInput/,
    );
    expect(api).not.toMatch(
      /discountQuote|discountsRedeem|discountsRelease|discountsConfirm|DiscountInput|DiscountLineInput|DiscountQuote|DiscountRedeem|DiscountRelease|DiscountConfirm|DiscountRedemption|AppliedDiscount/,
    );
  });

  it('exposes the public staff and storefront operations', () => {
    const mutations = Object.keys(schema.getMutationType()!.getFields());
    const queries = Object.keys(schema.getQueryType()!.getFields());
    expect(mutations).toEqual(
      expect.arrayContaining(['stockReceive', 'couponsGenerate', 'checkout', 'productCreate']),
    );
    expect(queries).toEqual(expect.arrayContaining(['activePromotions', 'products']));
    expect(schema.getType('Campaign')).toBeDefined();
    const availability = schema.getType('Product') as import('graphql').GraphQLObjectType;
    expect(availability.getFields().availability).toBeDefined();
  });
});
