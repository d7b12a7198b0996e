import { checkDocument } from './document';
import { variablesOf } from './topics';

const refusal = (query: string, topics: Parameters<typeof checkDocument>[1]) => {
  try {
    checkDocument(query, topics);
  } catch (error) {
    return error as { code: string; message: string; field: string[] };
  }
  return null;
};

describe('webhook documents', () => {
  it('accepts a query over the API that declares its topic’s variables', () => {
    expect(
      refusal(`query ($orderId: ID!) { order(id: $orderId) { number } }`, ['ORDER_CONFIRMED']),
    ).toBeNull();
  });

  it('refuses what does not parse, does not validate, is not a query, or needs a variable a topic lacks', () => {
    expect(refusal(`query {`, ['ORDER_CONFIRMED'])?.message).toMatch(/does not parse/);
    expect(refusal(`{ order(id: "x") { nope } }`, ['ORDER_CONFIRMED'])?.message).toContain(
      'Cannot query field "nope"',
    );
    expect(
      refusal(`mutation { logout(refreshToken: "x") { ok } }`, ['ORDER_CONFIRMED'])?.message,
    ).toMatch(/must be a query/);
    expect(
      refusal(`query ($orderId: ID!) { order(id: $orderId) { number } }`, [
        'ORDER_CONFIRMED',
        'PRODUCT_CHANGED',
      ])?.message,
    ).toContain('$orderId is not given by PRODUCT_CHANGED');
  });

  it('takes only the topic’s ids from an event', () => {
    expect(
      variablesOf('STOCK_CHANGED', { sku: 'A', warehouseId: 'w', onHand: 3, eventId: 'e' }),
    ).toEqual({ sku: 'A', warehouseId: 'w' });
  });
});
