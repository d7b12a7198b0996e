import { checkDocument } from './document';
import { deliveryRequest } from './event-document';
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
    ).toMatch(/webhookEvent subscription or a query, not a mutation/);
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

describe('subscription-form documents', () => {
  it('accepts a webhookEvent subscription with fragments per event type', () => {
    expect(
      refusal(
        `subscription { webhookEvent { id ... on ProductChangedWebhookEvent { product { id } } } }`,
        ['PRODUCT_CHANGED', 'ORDER_CONFIRMED'],
      ),
    ).toBeNull();
  });

  it('is sent as the query of the delivery’s event, with the same selection', () => {
    const sent = deliveryRequest(
      `subscription Feed { webhookEvent { id ... on StockChangedWebhookEvent { sku } } }`,
      'd-1',
      { sku: 'A' },
    );
    expect(sent.variables).toEqual({ webhookDeliveryId: 'd-1' });
    expect(sent.query.replace(/\s+/g, ' ')).toBe(
      'query Feed($webhookDeliveryId: ID!) { webhookEvent(deliveryId: $webhookDeliveryId) { id ... on StockChangedWebhookEvent { sku } } }',
    );
    const plain = `query ($sku: String!) { variantBySku(sku: $sku) { id } }`;
    expect(deliveryRequest(plain, 'd-1', { sku: 'A' })).toEqual({
      query: plain,
      variables: { sku: 'A' },
    });
  });
});
